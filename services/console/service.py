"""What the pages read from the registry and the notifications service (keyword-only functions taking
the request's ``Api``): units, clusters, periods, a member's cluster-years, the inbox, subscriptions
and deliveries. Pages read through these modules (this one, cluster_year.py for a cluster-year's
nominations data, awards.py for commendations), never with ``api.get`` themselves. No domain rule is
decided here; the APIs decide."""
from __future__ import annotations

import asyncio
import unicodedata
from datetime import date, timedelta
from typing import Any

from services.console.api import Api, ApiError


async def provinces_on(api: Api, *, on: date) -> list[dict[str, Any]]:
    """The units in force on ``on``, each with the 2025 merger both ways: ``successor`` (the unit it
    merged into, for a unit that ended) and ``predecessors`` (the units it was formed from)."""
    units: list[dict[str, Any]] = (await api.get("registry", "/v1/provinces", params={"on": on.isoformat()}))["items"]
    # The successor of a unit that ends on D is in force on D+1; the predecessors of a unit that
    # starts on D were in force on D-1 and name it as successor. At most a few distinct dates.
    after_dates = {date.fromisoformat(u["valid_to"]) + timedelta(days=1) for u in units
                   if u.get("valid_to") and u.get("successor_code")}
    before_dates = {date.fromisoformat(u["valid_from"]) - timedelta(days=1) for u in units if u.get("valid_from")}
    dates = sorted(after_dates | before_dates)
    lists = await asyncio.gather(*(api.get("registry", "/v1/provinces", params={"on": d.isoformat()}) for d in dates))
    by_date = {d: lst["items"] for d, lst in zip(dates, lists)}
    for unit in units:
        unit["successor"] = None
        unit["predecessors"] = []
        if unit.get("valid_to") and unit.get("successor_code"):
            day = date.fromisoformat(unit["valid_to"]) + timedelta(days=1)
            unit["successor"] = next((s for s in by_date.get(day, []) if s["code"] == unit["successor_code"]), None)
            if unit["successor"] is None:
                unit["successor"] = {"code": unit["successor_code"], "name": unit["successor_code"],
                                     "valid_from": day.isoformat()}
        if unit.get("valid_from"):
            day = date.fromisoformat(unit["valid_from"]) - timedelta(days=1)
            unit["predecessors"] = [p for p in by_date.get(day, []) if p.get("successor_code") == unit["code"]]
    return units


async def provinces_with_former(api: Api, *, on: date) -> list[dict[str, Any]]:
    """The units in force on ``on`` and those merged into them (each with ``valid_to``), by name: what
    a filter over past years offers."""
    units = await provinces_on(api, on=on)
    former = {p["code"]: p for u in units for p in u["predecessors"] if p["code"] not in {x["code"] for x in units}}
    return sorted([*units, *former.values()], key=lambda u: unaccented(u["name"]))


def unaccented(text: str) -> str:
    """Lower case without diacritics (đ → d): how people type a name into a search box."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold().strip()


async def province_names(api: Api, *, on: date) -> dict[str, str]:
    units = (await api.get("registry", "/v1/provinces", params={"on": on.isoformat()}))["items"]
    return {u["code"]: u["name"] for u in units}


async def cluster(api: Api, *, code: str) -> dict[str, Any]:
    """A cluster (the 404 page when the registry does not know it)."""
    found: dict[str, Any] = await api.get_or_404("registry", f"/v1/clusters/{code}")
    return found


async def period_or_none(api: Api, *, cluster: str, year: int) -> dict[str, Any] | None:
    """A cluster's period of ``year`` (members, lead, deputy, rotation order), None when not set."""
    found: dict[str, Any] | None = await api.get_optional("registry", f"/v1/clusters/{cluster}/periods/{year}")
    return found


async def clusters(api: Api, *, year: int | None = None, organiser: str | None = None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500}
        if year is not None:
            params["year"] = year
        if organiser is not None:
            params["organiser"] = organiser
        if cursor:
            params["cursor"] = cursor
        page = await api.get("registry", "/v1/clusters", params=params)
        items.extend(page["items"])
        cursor = page.get("next")
        if not cursor:
            return items


async def cluster_detail(api: Api, *, code: str, year: int | None) -> dict[str, Any]:
    """A cluster, the years it has periods for, one year's members (default: the latest) and its
    leadership across the years."""
    cluster, leadership = await asyncio.gather(api.get_or_404("registry", f"/v1/clusters/{code}"),
                                               api.get_or_404("registry", f"/v1/clusters/{code}/leadership"))
    years = sorted(cluster.get("years") or [], reverse=True)
    chosen = year if year is not None else (years[0] if years else None)
    period = None
    if chosen is not None and chosen in years:
        period = await api.get_or_404("registry", f"/v1/clusters/{code}/periods/{chosen}")
    return {"cluster": cluster, "years": years, "year": chosen, "period": period,
            "leadership": sorted(leadership["items"], key=lambda item: item["year"], reverse=True)}


async def all_periods(api: Api) -> list[dict[str, Any]]:
    """Every cluster's periods, each cluster's newest first."""
    found: list[dict[str, Any]] = []
    for listed in await clusters(api):
        detail = await api.get("registry", f"/v1/clusters/{listed['code']}")
        years = sorted(detail.get("years") or [], reverse=True)
        found += await asyncio.gather(*(api.get("registry", f"/v1/clusters/{listed['code']}/periods/{y}")
                                        for y in years))
    return found


# ------------------------------------------------------------ a member province

async def member_periods(api: Api, *, province: str, years: list[int]) -> list[dict[str, Any]]:
    """The cluster-years ``province`` is a member of, newest first (each a registry period)."""
    found: list[dict[str, Any]] = []
    for year in years:
        listed = await clusters(api, year=year)
        periods = await asyncio.gather(*(api.get("registry", f"/v1/clusters/{c['code']}/periods/{year}")
                                         for c in listed))
        found += [p for p in periods if any(m["code"] == province for m in p["members"])]
    return found


async def open_rounds_for(api: Api, *, province: str) -> list[dict[str, Any]]:
    """Open rounds whose electorate includes ``province``."""
    page = await api.get("nominations", "/v1/rounds", params={"state": "open", "limit": 200})
    return [r for r in page["items"] if province in (r.get("electorate") or [])]


async def member_sheets(api: Api, *, province: str, periods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each cluster-year with a published covenant: the covenant and this province's sheet
    (None when not started)."""
    async def one(period: dict[str, Any]) -> dict[str, Any] | None:
        base = f"/v1/clusters/{period['cluster_code']}/periods/{period['year']}"
        covenant = await api.get_optional("nominations", f"{base}/covenant")
        if covenant is None or covenant.get("state") != "published":
            return None
        sheet = await api.get_optional("nominations", f"{base}/scores/{province}")
        return {"period": period, "covenant": covenant, "sheet": sheet}

    return [s for s in await asyncio.gather(*(one(p) for p in periods)) if s is not None]


async def inbox(api: Api, *, limit: int = 50, unread_only: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = await api.get("notifications", "/v1/inbox",
                                           params={"limit": limit, "unread_only": str(unread_only).lower()})
    return result


async def unread_count(api: Api) -> int:
    """The unread count for the header badge; 0 when the inbox cannot say."""
    try:
        return int((await inbox(api, limit=1, unread_only=True))["unread"])
    except ApiError:
        return 0


async def subscription(api: Api) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("notifications", "/v1/subscriptions")
    return found


async def deliveries(api: Api, *, status: str) -> list[dict[str, Any]]:
    page = await api.get("notifications", "/v1/deliveries", params={"status": status, "limit": 200})
    items: list[dict[str, Any]] = page["items"]
    return items


# ------------------------------------------------------------ accounts

async def accounts(api: Api, *, role: str | None = None, province: str | None = None) -> list[dict[str, Any]]:
    """Every account (ministry), by username; ``role`` and ``province`` narrow the list."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500}
        if role:
            params["role"] = role
        if province:
            params["province"] = province
        if cursor:
            params["cursor"] = cursor
        page = await api.get("registry", "/v1/accounts", params=params)
        items.extend(page["items"])
        cursor = page.get("next")
        if not cursor:
            return items


async def account(api: Api, *, username: str) -> dict[str, Any]:
    """One account (the ministry's, or the user's own)."""
    found: dict[str, Any] = await api.get_or_404("registry", f"/v1/accounts/{username}")
    return found


async def person(api: Api, *, username: str | None) -> dict[str, Any]:
    """The person behind an account (name, position) for a document they sign; empty when the
    reader may not see it (a member reading the lead's minutes): the line is then signed by hand,
    never printed with the account's name."""
    if not username:
        return {}
    try:
        found = await api.get_optional("registry", f"/v1/accounts/{username}")
    except ApiError as exc:
        if exc.status in (401, 403):
            return {}
        raise
    return {"name": found.get("display_name"), "position": found.get("position")} if found else {}
