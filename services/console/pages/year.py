"""The year's set-up, the ministry's: the year at a glance (every cluster's members, leadership,
covenant, sheets and rounds), create a cluster, set a period (members in force on the reference date,
or copied from last year with what the 2025 merger changed), decide the leadership."""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import cluster_year as cy
from services.console import service
from services.console.api import Api, ApiError
from services.console.errors import PageNotFound
from services.console.forms import Day, Form, parse_day
from services.console.sessions import new_secret
from services.console.web import ApiDep, MinistryUser, flash, message, redirect, render
from shared.clock import vietnam_today

router = APIRouter()


class ClusterForm(Form):
    code: str = ""
    name: str = ""
    organizer: str = ""
    kind: str = ""


class PeriodForm(Form):
    action: str = ""
    members: list[str] = []
    reference_date: Day = None
    rotation_order: str = ""


class LeadershipForm(Form):
    method: str = "rotation"
    lead: str = ""
    deputy: str = ""


def _this_year() -> int:
    return vietnam_today().year


# ---------------------------------------------------------------- the year at a glance

@router.get("/ministry")
async def year_at_a_glance(request: Request, user: MinistryUser, api: ApiDep, year: int | None = None) -> Response:
    year = year or _this_year()
    if not 2000 <= year <= 2100:
        raise PageNotFound()
    overview = await cy.year_overview(api, year=year)
    return await render(request, "year/year.html", {"year": year, **overview, "awards": cy.AWARDS,
                                                    "names_of": cy.names_of, "recompute_key": new_secret()})


# ---------------------------------------------------------------- clusters and periods

@router.get("/ministry/clusters/new")
async def cluster_new(request: Request, user: MinistryUser) -> Response:
    return await render(request, "year/cluster_new.html", {"values": {"kind": "cum", "organizer": "Bộ Nội vụ"},
                                                           "key": new_secret()})


@router.post("/ministry/clusters")
async def cluster_create(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await ClusterForm.read(request)
    body = form.model_dump(include={"code", "name", "organizer", "kind"})
    try:
        await api.post("registry", "/v1/clusters", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors()
        if not set(errors) & set(body):
            errors["_form"] = exc.message
        return await render(request, "year/cluster_new.html", {"values": form.model_dump(), "errors": errors,
                                                               "key": form.key or new_secret()},
                            status_code=422, again_at="/ministry/clusters/new")
    await flash(request, message(request, "ministry.cluster.created"), "ok")
    return redirect(f"/ministry/clusters/{body['code']}/periods/{_this_year()}")


async def _period_context(api: Api, code: str, year: int, reference: date) -> dict[str, Any]:
    cluster, current, previous, units = await asyncio.gather(
        service.cluster(api, code=code),
        service.period_or_none(api, cluster=code, year=year),
        service.period_or_none(api, cluster=code, year=year - 1),
        service.provinces_on(api, on=reference))
    preview = cy.successors_preview(previous["members"], units) if previous else []
    return {"cluster": cluster, "year": year, "period": current, "previous": previous, "units": units,
            "preview": preview, "reference": reference, "key": new_secret()}


@router.get("/ministry/clusters/{code}/periods/{year:int}")
async def period_page(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep,
                      on: str | None = None) -> Response:
    cy.check_cluster_year(code, year)
    reference = parse_day(on) or date(year, 1, 1)
    context = await _period_context(api, code, year, reference)
    chosen = [m["code"] for m in (context["period"] or {}).get("members", [])]
    return await render(request, "year/period.html", {**context, "chosen": chosen,
                                                      "order": " ".join((context["period"] or {}).get(
                                                          "rotation_order") or [])})


@router.post("/ministry/clusters/{code}/periods/{year:int}")
async def period_save(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep) -> Response:
    cy.check_cluster_year(code, year)
    form = await PeriodForm.read(request)
    reference = form.reference_date or date(year, 1, 1)
    body: dict[str, Any] = {"reference_date": reference.isoformat()}
    if form.action == "copy":
        body["copy_from"] = year - 1
    else:
        body["members"] = form.members
        order = form.rotation_order.replace(",", " ").split()
        if order:
            body["rotation_order"] = order
    try:
        await api.put("registry", f"/v1/clusters/{code}/periods/{year}", json=body,
                      idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors({"copy_from": "_form"})
        if not set(errors) & {"members", "rotation_order", "reference_date"}:
            errors["_form"] = exc.message
        context = await _period_context(api, code, year, reference)
        return await render(request, "year/period.html", {**context, "chosen": form.members, "errors": errors,
                                                          "order": form.rotation_order}, status_code=422,
                            again_at=f"/ministry/clusters/{code}/periods/{year}")
    await flash(request, message(request, "ministry.period.saved", year=year), "ok")
    return redirect(f"/ministry/clusters/{code}/periods/{year}/leadership")


async def _leadership_page(request: Request, api: Api, code: str, year: int, *, values: dict[str, Any],
                           errors: dict[str, str] | None = None, key: str = "", status_code: int = 200) -> Response:
    period, previous, units = await asyncio.gather(cy.period(api, cluster=code, year=year),
                                                   service.period_or_none(api, cluster=code, year=year - 1),
                                                   service.provinces_on(api, on=date(year, 1, 1)))
    blocker = cy.rotation_blocker(period, previous, units)
    return await render(request, "year/leadership.html", {"period": period, "previous": previous,
                                                          "rotation_possible": blocker is None,
                                                          "rotation_blocker": blocker,
                                                          "values": values, "errors": errors or {},
                                                          "key": key or new_secret()}, status_code=status_code,
                         again_at=f"/ministry/clusters/{code}/periods/{year}/leadership")


@router.get("/ministry/clusters/{code}/periods/{year:int}/leadership")
async def leadership_page(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep) -> Response:
    return await _leadership_page(request, api, code, year, values={})


@router.post("/ministry/clusters/{code}/periods/{year:int}/leadership")
async def leadership_decide(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep) -> Response:
    cy.check_cluster_year(code, year)
    form = await LeadershipForm.read(request)
    body: dict[str, Any] = {"method": form.method or "rotation"}
    if body["method"] == "election":
        body["lead"] = form.lead or None
        body["deputy"] = form.deputy or None
    try:
        await api.post("registry", f"/v1/clusters/{code}/periods/{year}/leadership", json=body,
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors()
        if not set(errors) & {"lead", "deputy", "method"}:
            errors["_form"] = exc.message
        return await _leadership_page(request, api, code, year, values=form.model_dump(), errors=errors,
                                      key=form.key, status_code=422)
    await flash(request, message(request, "ministry.leadership.decided"), "ok")
    return redirect(f"/ministry?year={year}")
