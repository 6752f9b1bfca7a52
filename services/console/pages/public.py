"""Pages for anyone: provinces on a date with the 2025 merger both ways, clusters, a cluster's
members and its leadership across the years."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import service
from services.console.cluster_year import CLUSTER_CODE
from services.console.errors import PageNotFound
from services.console.forms import parse_day
from services.console.web import ApiDep, message, render
from shared.clock import vietnam_today

router = APIRouter()


@router.get("/provinces")
async def provinces(request: Request, api: ApiDep, on: str | None = None) -> Response:
    errors: dict[str, str] = {}
    day = parse_day(on) if on else vietnam_today()
    if day is None:
        errors["on"] = message(request, "provinces.bad_date")
        day = vietnam_today()
    units = await service.provinces_on(api, on=day)
    return await render(request, "public/provinces.html", {"units": units, "day": day, "on_text": on or "",
                                                           "errors": errors},
                        status_code=422 if errors else 200)


@router.get("/clusters")
async def clusters(request: Request, api: ApiDep) -> Response:
    return await render(request, "public/clusters.html", {"clusters": await service.clusters(api)})


@router.get("/clusters/{code}")
async def cluster(request: Request, code: str, api: ApiDep, year: int | None = None) -> Response:
    if not CLUSTER_CODE.match(code) or (year is not None and not 2000 <= year <= 2100):
        raise PageNotFound()
    detail = await service.cluster_detail(api, code=code, year=year)
    return await render(request, "public/cluster.html", detail)
