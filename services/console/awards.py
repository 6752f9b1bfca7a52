"""What the commendations pages read from the nominations service (keyword-only functions taking the
request's ``Api``): proposals, the award forms, a cluster-year's list, the ministry's review queue,
decisions, the public register, and the files (attachments, printed decisions, the register's Excel)
relayed as they come."""
from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx

from services.console.api import Api


async def proposals(api: Api) -> list[dict[str, Any]]:
    """Every proposal the user may see: a province's own, and those of the cluster-years it leads."""
    page = await api.get("nominations", "/v1/commendations/proposals", params={"limit": 200})
    items: list[dict[str, Any]] = page["items"]
    return items


async def proposable_forms(api: Api, organisers: list[str] | None = None) -> list[dict[str, Any]]:
    """The award forms a unit may propose itself (not those that come only from a vote), of each
    organiser whose clusters it is a member of (the ministry's by default)."""
    wanted = list(dict.fromkeys(organisers or ["BNV"]))
    answers = await asyncio.gather(*(api.get("nominations", "/v1/award-forms",
                                             params=None if o == "BNV" else {"organiser": o}) for o in wanted))
    return [f for forms in answers for f in forms if f["active"] and not f["from_vote_only"]]


async def proposals_and_forms(api: Api, organisers: list[str] | None = None
                              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mine, forms = await asyncio.gather(proposals(api), proposable_forms(api, organisers))
    return mine, forms


async def proposal(api: Api, *, proposal_id: UUID) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/commendations/proposals/{proposal_id}")
    return found


async def cluster_list(api: Api, *, cluster: str, year: int) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/commendations/lists/{cluster}/{year}")
    return found


async def review_queue(api: Api) -> dict[str, list[dict[str, Any]]]:
    """The ministry's queue: nominees sent by the leads, those approved (awaiting a decision), decisions."""
    sent, approved, decisions = await asyncio.gather(
        api.get("nominations", "/v1/commendations/review", params={"state": "sent", "limit": 200}),
        api.get("nominations", "/v1/commendations/review", params={"state": "approved", "limit": 200}),
        api.get("nominations", "/v1/decisions", params={"limit": 200}))
    return {"sent": sent["items"], "approved": approved["items"], "decisions": decisions["items"]}


async def organiser_name(api: Api, code: str | None) -> str | None:
    """The name of an organiser other than the ministry (None for the ministry's, whose texts name it)."""
    if code in (None, "BNV"):
        return None
    found = await api.get_optional("registry", f"/v1/organisers/{code}")
    return str(found["name"]) if found else None


async def office_rules(api: Api, *, organiser: str, year: int) -> dict[str, Any]:
    """The office's rules in force in ``year``: how its decisions are numbered and who signs them."""
    found: dict[str, Any] = await api.get("nominations", f"/v1/organisers/{organiser}/rules", params={"year": year})
    return found


async def decision(api: Api, *, decision_id: UUID) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/decisions/{decision_id}")
    return found


async def register(api: Api, *, params: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("nominations", "/v1/awards", params=params)
    return found


async def file(api: Api, path: str, *, params: dict[str, Any] | None = None) -> httpx.Response:
    """A file the nominations service serves (an attachment, a printed decision, an export), as is."""
    resp: httpx.Response = await api.request("nominations", "GET", path, params=params, raw=True)
    return resp
