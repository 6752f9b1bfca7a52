"""The ministry's pages: the year at a glance, and from there: create a cluster, set a period (members
in force on the reference date, or copied from last year with what the 2025 merger changed), decide
the leadership, approve or return a certified round, recompute the rankings and watch the job, the
failed deliveries with retry."""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.console import cluster_year as cy
from services.console import service
from services.console.api import ApiError
from services.console.sessions import new_secret
from services.console.web import (
    ApiDep,
    MinistryUser,
    PageNotFound,
    flash,
    message,
    redirect,
    render,
)

router = APIRouter()


def _this_year() -> int:
    return date.today().year


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


# ---------------------------------------------------------------- the year at a glance

@router.get("/ministry")
async def year_at_a_glance(request: Request, user: MinistryUser, api: ApiDep, year: int | None = None) -> Response:
    year = year or _this_year()
    if not 2000 <= year <= 2100:
        raise PageNotFound()
    overview = await cy.year_overview(api, year=year)
    return await render(request, "ministry/year.html", {"year": year, **overview, "awards": cy.AWARDS,
                                                         "names_of": cy.names_of, "recompute_key": new_secret()})


# ---------------------------------------------------------------- clusters and periods

@router.get("/ministry/clusters/new")
async def cluster_new(request: Request, user: MinistryUser) -> Response:
    return await render(request, "ministry/cluster_new.html", {"values": {"kind": "cum", "organizer": "Bộ Nội vụ"},
                                                                "key": new_secret()})


@router.post("/ministry/clusters")
async def cluster_create(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    body = {k: form.get(k, "") for k in ("code", "name", "organizer", "kind")}
    try:
        await api.post("registry", "/v1/clusters", json=body, idempotency_key=form.get("key") or None)
    except ApiError as exc:
        errors = exc.field_errors()
        if not set(errors) & set(body):
            errors["_form"] = exc.message
        return await render(request, "ministry/cluster_new.html", {"values": form, "errors": errors,
                                                                    "key": form.get("key") or new_secret()},
                            status_code=422)
    await flash(request, message(request, "ministry.cluster.created"), "ok")
    return redirect(f"/ministry/clusters/{body['code']}/periods/{_this_year()}")


async def _period_context(api: Any, code: str, year: int, reference: date) -> dict[str, Any]:
    cluster, current, previous, units = await asyncio.gather(
        api.get("registry", f"/v1/clusters/{code}"),
        cy._or_none(api.get("registry", f"/v1/clusters/{code}/periods/{year}")),
        cy._or_none(api.get("registry", f"/v1/clusters/{code}/periods/{year - 1}")),
        service.provinces_on(api, on=reference))
    preview = cy.successors_preview(previous["members"], units) if previous else []
    return {"cluster": cluster, "year": year, "period": current, "previous": previous, "units": units,
            "preview": preview, "reference": reference, "key": new_secret()}


@router.get("/ministry/clusters/{code}/periods/{year:int}")
async def period_page(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep,
                      on: str | None = None) -> Response:
    cy.check_cluster_year(code, year)
    from services.console.pages.public import parse_day

    reference = parse_day(on) or date(year, 1, 1)
    try:
        context = await _period_context(api, code, year, reference)
    except ApiError as exc:
        if exc.status == 404:
            raise PageNotFound() from exc
        raise
    chosen = [m["code"] for m in (context["period"] or {}).get("members", [])]
    return await render(request, "ministry/period.html", {**context, "chosen": chosen,
                                                           "order": " ".join((context["period"] or {}).get(
                                                               "rotation_order") or [])})


@router.post("/ministry/clusters/{code}/periods/{year:int}")
async def period_save(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep) -> Response:
    cy.check_cluster_year(code, year)
    from services.console.pages.public import parse_day

    raw = await request.form()
    form = {k: v.strip() for k, v in raw.items() if isinstance(v, str)}
    members = [c for c in raw.getlist("members") if isinstance(c, str)]
    reference = parse_day(form.get("reference_date")) or date(year, 1, 1)
    body: dict[str, Any] = {"reference_date": reference.isoformat()}
    if form.get("action") == "copy":
        body["copy_from"] = year - 1
    else:
        body["members"] = members
        order = form.get("rotation_order", "").replace(",", " ").split()
        if order:
            body["rotation_order"] = order
    try:
        await api.put("registry", f"/v1/clusters/{code}/periods/{year}", json=body,
                      idempotency_key=form.get("key") or None)
    except ApiError as exc:
        errors = exc.field_errors({"copy_from": "_form"})
        if not set(errors) & {"members", "rotation_order", "reference_date"}:
            errors["_form"] = exc.message
        context = await _period_context(api, code, year, reference)
        return await render(request, "ministry/period.html", {**context, "chosen": members, "errors": errors,
                                                               "order": form.get("rotation_order", "")},
                            status_code=422)
    await flash(request, message(request, "ministry.period.saved", year=year), "ok")
    return redirect(f"/ministry/clusters/{code}/periods/{year}/leadership")


@router.get("/ministry/clusters/{code}/periods/{year:int}/leadership")
async def leadership_page(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=code, year=year)
    previous = await cy._or_none(api.get("registry", f"/v1/clusters/{code}/periods/{year - 1}"))
    return await render(request, "ministry/leadership.html", {"period": period, "previous": previous,
                                                               "values": {}, "key": new_secret()})


@router.post("/ministry/clusters/{code}/periods/{year:int}/leadership")
async def leadership_decide(request: Request, code: str, year: int, user: MinistryUser, api: ApiDep) -> Response:
    cy.check_cluster_year(code, year)
    form = await _form(request)
    body: dict[str, Any] = {"method": form.get("method", "rotation")}
    if body["method"] == "election":
        body["lead"] = form.get("lead") or None
        body["deputy"] = form.get("deputy") or None
    try:
        await api.post("registry", f"/v1/clusters/{code}/periods/{year}/leadership", json=body,
                       idempotency_key=form.get("key") or None)
    except ApiError as exc:
        errors = exc.field_errors()
        if not set(errors) & {"lead", "deputy", "method"}:
            errors["_form"] = exc.message
        period = await cy.period(api, cluster=code, year=year)
        previous = await cy._or_none(api.get("registry", f"/v1/clusters/{code}/periods/{year - 1}"))
        return await render(request, "ministry/leadership.html", {"period": period, "previous": previous,
                                                                   "values": form, "errors": errors,
                                                                   "key": form.get("key") or new_secret()},
                            status_code=422)
    await flash(request, message(request, "ministry.leadership.decided"), "ok")
    return redirect(f"/ministry?year={year}")


# ---------------------------------------------------------------- approve or return a round

@router.post("/ministry/rounds/{round_id}/approve")
async def approve(request: Request, round_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/approve", idempotency_key=form.get("key") or None)
    except ApiError as exc:
        if exc.status == 404:
            raise PageNotFound() from exc
        text = exc.message
        if exc.slug == "government-flag-cap":
            text = message(request, "ministry.cap_exceeded", cap=exc.body.get("cap", "?"),
                           approved=exc.body.get("approved_so_far", "?"), proposing=exc.body.get("proposing", "?"))
        await flash(request, text, "error")
    else:
        await flash(request, message(request, "ministry.round.approved"), "ok")
    return redirect(f"/lead/rounds/{round_id}")


@router.post("/ministry/rounds/{round_id}/return")
async def return_round(request: Request, round_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    if not form.get("reason"):
        await flash(request, message(request, "ministry.round.reason_required"), "error")
        return redirect(f"/lead/rounds/{round_id}#return")
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/return", json={"reason": form["reason"]},
                       idempotency_key=form.get("key") or None)
    except ApiError as exc:
        if exc.status == 404:
            raise PageNotFound() from exc
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "ministry.round.returned"), "ok")
    return redirect(f"/lead/rounds/{round_id}")


# ---------------------------------------------------------------- rankings job

async def _latest_snapshot(api: Any, year: int) -> dict[str, Any] | None:
    page = await api.get("nominations", f"/v1/rankings/{year}/snapshots", params={"limit": 1})
    items = page.get("items") or []
    return items[0] if items else None


@router.post("/ministry/rankings/{year:int}/recompute")
async def recompute(request: Request, year: int, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    before = await _latest_snapshot(api, year)
    try:
        job = await api.post("nominations", f"/v1/rankings/{year}/recompute", idempotency_key=form.get("key") or None)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(f"/ministry?year={year}")
    after = before["snapshot_id"] if before else 0
    return redirect(f"/ministry/rankings/{year}/job?task={job.get('task_id', '')}&after={after}")


@router.get("/ministry/rankings/{year:int}/job")
async def recompute_job(request: Request, year: int, user: MinistryUser, api: ApiDep, task: str = "",
                        after: int = 0) -> Response:
    latest = await _latest_snapshot(api, year)
    done = latest is not None and latest["snapshot_id"] > after
    return await render(request, "ministry/job.html", {
        "year": year, "task": task, "after": after, "done": done, "latest": latest,
        "scripts": [] if done else ["/static/job.js"]})


@router.get("/ministry/rankings/{year:int}/job.json")
async def recompute_job_json(request: Request, year: int, user: MinistryUser, api: ApiDep,
                             after: int = 0) -> Response:
    latest = await _latest_snapshot(api, year)
    return JSONResponse({"done": latest is not None and latest["snapshot_id"] > after})


# ---------------------------------------------------------------- failed deliveries

@router.get("/ministry/deliveries")
async def deliveries(request: Request, user: MinistryUser, api: ApiDep, status: str = "dead") -> Response:
    if status not in ("dead", "retrying", "pending", "delivered"):
        raise PageNotFound()
    page = await api.get("notifications", "/v1/deliveries", params={"status": status, "limit": 200})
    return await render(request, "ministry/deliveries.html", {"items": page["items"], "status": status,
                                                               "key": new_secret()})


@router.post("/ministry/deliveries/{delivery_id}/retry")
async def delivery_retry(request: Request, delivery_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await _form(request)
    try:
        await api.post("notifications", f"/v1/deliveries/{delivery_id}/retry", idempotency_key=form.get("key") or None)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "ministry.delivery.retried"), "ok")
    return redirect("/ministry/deliveries")
