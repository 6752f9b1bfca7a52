"""Pages for anyone: the home page, provinces on a date with the 2025 merger both ways, clusters,
a cluster's members and its leadership across the years."""
from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import service
from services.console.api import ApiError
from services.console.web import (
    ApiDep,
    PageNotFound,
    SessionDep,
    message,
    redirect,
    render,
)

router = APIRouter()
CLUSTER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def parse_day(text: str | None) -> date | None:
    """dd/mm/yyyy as typed, or yyyy-mm-dd as a date input sends it; None when neither."""
    if not text:
        return None
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


@router.get("/")
async def home(request: Request, session: SessionDep) -> Response:
    if session is not None and session.signed_in:
        if session.role == "province":
            return redirect("/tasks")
        if session.role == "ministry":
            return redirect("/ministry")
    return await render(request, "public/home.html")


@router.get("/provinces")
async def provinces(request: Request, api: ApiDep, on: str | None = None) -> Response:
    errors: dict[str, str] = {}
    day = parse_day(on) if on else date.today()
    if day is None:
        errors["on"] = message(request, "provinces.bad_date")
        day = date.today()
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
    try:
        detail = await service.cluster_detail(api, code=code, year=year)
    except ApiError as exc:
        if exc.status in (404, 422):
            raise PageNotFound() from exc
        raise
    return await render(request, "public/cluster.html", detail)
