"""What an organiser's office pages read: its organiser, the organisers (for the ministry's national
view), its year at a glance, its clusters, units, award forms, decisions and accounts."""
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from services.console.api import Api


async def office(api: Api, *, organiser: str, year: int) -> dict[str, Any] | None:
    """Everything the office's home shows; None when there is no such organiser."""
    the_organiser, organisers, year_view, clusters, every, units, forms, decisions = await asyncio.gather(
        api.get_optional("registry", f"/v1/organisers/{organiser}"),
        api.get("registry", "/v1/organisers"),
        api.get("nominations", f"/v1/years/{year}/clusters", params={"organiser": organiser}),
        api.get("registry", "/v1/clusters", params={"organiser": organiser, "year": year, "limit": 500}),
        api.get("registry", "/v1/clusters", params={"organiser": organiser, "limit": 500}),
        api.get("registry", "/v1/units", params={"organiser": organiser, "limit": 1000}),
        api.get("nominations", "/v1/award-forms", params={"organiser": organiser}),
        api.get("nominations", "/v1/decisions", params={"organiser": organiser, "limit": 200}))
    if the_organiser is None:
        return None
    return {"organiser": the_organiser, "organisers": organisers["items"], "year": year,
            "year_items": year_view["items"], "clusters": clusters["items"], "all_clusters": every["items"],
            "units": units["items"], "award_forms": forms, "decisions": decisions["items"]}


async def accounts(api: Api, *, organiser: str) -> list[dict[str, Any]]:
    listed = await api.get("registry", "/v1/accounts", params={"organiser": organiser, "limit": 500})
    items: list[dict[str, Any]] = listed["items"]
    return items


async def national(api: Api, *, year: int, organisers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ministry's national view: every organiser with its clusters that year (the year view
    answers the ministry with every organiser's)."""
    view = await api.get("nominations", f"/v1/years/{year}/clusters")
    counts: dict[str, int] = {}
    for item in view["items"]:
        counts[item.get("organiser") or "BNV"] = counts.get(item.get("organiser") or "BNV", 0) + 1
    return [{**o, "cluster_count": counts.get(o["code"], 0)} for o in organisers]


async def organisers(api: Api) -> list[dict[str, Any]]:
    """Every organiser (the ministry's national views pick among them)."""
    items: list[dict[str, Any]] = (await api.get("registry", "/v1/organisers"))["items"]
    return items


async def organiser_of_unit(api: Api, unit_code: str) -> str | None:
    """The organiser a unit belongs to; None when there is no such unit or it has none."""
    unit = await api.get_optional("registry", f"/v1/units/{quote(unit_code)}")
    return (unit or {}).get("organiser")
