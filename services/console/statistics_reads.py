"""Reads of the statistics forms and the dashboard from nominations, with the signed-in user's token
(the API decides who reads what: an office its own organiser's, the ministry every one's)."""
from __future__ import annotations

import asyncio
from typing import Any

import httpx

from services.console.api import Api


def _params(organiser: str | None, year: int, **more: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"year": year, **{k: v for k, v in more.items() if v is not None}}
    if organiser:
        params["organiser"] = organiser
    return params


async def forms_page(api: Api, *, organiser: str | None, year: int) -> dict[str, Any]:
    """The year's forms, each with its rows and cells, and the organisers to choose from."""
    listed = await api.get("nominations", "/v1/statistics/forms", params=_params(organiser, year))
    forms = await asyncio.gather(*(api.get("nominations", f"/v1/statistics/forms/{f['form']}",
                                           params=_params(organiser, year)) for f in listed["items"]))
    return {**listed, "forms": list(forms)}


async def organisers(api: Api) -> list[dict[str, Any]]:
    found: dict[str, Any] = await api.get("registry", "/v1/organisers")
    items: list[dict[str, Any]] = found["items"]
    return items


async def form(api: Api, *, form: str, organiser: str | None, year: int) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("nominations", f"/v1/statistics/forms/{form}",
                                          params=_params(organiser, year))
    return found


async def records(api: Api, *, form: str, cell: str, organiser: str | None, year: int,
                  after: str | None) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("nominations", f"/v1/statistics/forms/{form}/cells/{cell}/records",
                                          params=_params(organiser, year, after=after, limit=200))
    return found


async def document(api: Api, *, form: str, organiser: str | None, year: int, kind: str) -> httpx.Response:
    """The form as the API builds it (``kind`` xlsx or pdf), as is."""
    resp: httpx.Response = await api.request("nominations", "GET", f"/v1/statistics/forms/{form}",
                                              params=_params(organiser, year, format=kind), raw=True)
    return resp


async def dashboard(api: Api, *, organiser: str | None, year: int) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("nominations", "/v1/statistics/dashboard",
                                          params=_params(organiser, year))
    return found
