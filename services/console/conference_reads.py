"""What the conference pages read: the conference with its attendance, its roster, its rounds."""
from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from services.console.api import Api
from services.console.i18n import translate


async def conference(api: Api, conference_id: UUID) -> dict[str, Any]:
    """The conference (the 404 page when the API does not know it)."""
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/conferences/{conference_id}")
    return found


async def roster(api: Api, conference_id: UUID) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get("nominations", f"/v1/conferences/{conference_id}/delegates"))["items"]
    return found


async def rounds(api: Api, ids: list[str]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(api.get("nominations", f"/v1/rounds/{i}") for i in ids)))


async def visible_rounds(api: Api, ids: list[str]) -> list[dict[str, Any]]:
    """The rounds this user may read (a member reads a round once it is open with it in the electorate)."""
    from services.console.api import ApiError

    found = await asyncio.gather(*(api.get("nominations", f"/v1/rounds/{i}") for i in ids), return_exceptions=True)
    for item in found:
        if isinstance(item, BaseException) and not isinstance(item, ApiError):
            raise item
    return [r for r in found if isinstance(r, dict)]


async def minutes(api: Api, conference_id: UUID, form: str) -> bytes:
    """The minutes as the nominations service renders them (``html`` or ``pdf``)."""
    resp = await api.request("nominations", "GET", f"/v1/conferences/{conference_id}/minutes",
                             params={"format": form}, raw=True)
    return bytes(resp.content)


async def minutes_json(api: Api, conference_id: UUID) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("nominations", f"/v1/conferences/{conference_id}/minutes")
    return found


async def signatures(api: Api, cluster: str, year: int) -> dict[str, Any] | None:
    """The covenant's signatures of a cluster-year (None while it has no covenant in force)."""
    from services.console.api import ApiError

    try:
        found: dict[str, Any] = await api.get("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant/signatures")
    except ApiError:
        return None
    return found


def outcome(rnd: dict[str, Any], lang: str) -> dict[str, Any]:
    """A counted vote as the hall screen announces it: its label, the counts (per unit, or yes / no /
    abstain) and what it decided."""
    result = rnd["result"]
    names = {**(rnd.get("names") or {}), **{c: translate(lang, f"motion.{c}") for c in ("yes", "no", "abstain")}}
    counts = [{"name": names.get(code, code), "votes": n} for code, n in (result.get("ranking") or [])]
    chosen = ", ".join(names.get(c, c) for c in result.get("proposed") or [])
    if rnd.get("kind") == "motion":
        decided = translate(lang, "motion.adopted" if result.get("adopted") else "motion.rejected")
    elif rnd.get("kind") == "election":
        decided = translate(lang, "election.elected", names=chosen) if chosen else translate(lang, "election.none")
    else:
        decided = translate(lang, "round.proposed_list", names=chosen) if chosen else ""
    label = rnd["award_label"] if rnd.get("kind") != "nomination" else translate(lang, f"award.{rnd['award']}")
    return {"id": rnd["id"], "label": label, "state": rnd["state"], "counts": counts, "decided": decided,
            "cast": result["ballots_cast"], "size": result["electorate_size"]}
