"""The lead's workspace for its cluster-year: the covenant editor, the score sheets side by side with
the cross-check and the lock, and the vote rounds (create, open, live turnout, paper ballots, close,
result, runoff, certify, minutes to print and as PDF)."""
from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from services.console import cluster_year as cy
from services.console import documents
from services.console.api import ApiError
from services.console.i18n import parse_number
from services.console.sessions import new_secret
from services.console.web import (
    ApiDep,
    PageNotFound,
    UserDep,
    flash,
    message,
    redirect,
    render,
)

router = APIRouter()
log = logging.getLogger("thidua.console.lead")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("regular", "bonus", "penalty")
BLANK_ROWS = 3


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def _base(cluster: str, year: int) -> str:
    return f"/lead/{cluster}/{year}"


# ---------------------------------------------------------------- the cluster-years a province leads

@router.get("/lead")
async def my_workspaces(request: Request, user: UserDep, api: ApiDep) -> Response:
    from services.console import service

    found: list[dict[str, Any]] = []
    for cluster in await service.clusters(api):
        detail = await api.get("registry", f"/v1/clusters/{cluster['code']}")
        years = sorted(detail.get("years") or [], reverse=True)
        periods = await asyncio.gather(*(api.get("registry", f"/v1/clusters/{cluster['code']}/periods/{y}")
                                         for y in years))
        for p in periods:
            if user.role == "ministry" or (p.get("lead") or {}).get("code") == user.province:
                found.append(p)
    return await render(request, "lead/index.html", {"periods": found})


# ---------------------------------------------------------------- overview

@router.get("/lead/{cluster}/{year:int}")
async def overview(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    ws = await cy.workspace(api, cluster=cluster, year=year, the_period=period)
    submitted = sum(1 for s in ws["sheets"].values() if s and s.get("submitted_at"))
    return await render(request, "lead/overview.html", {
        "period": period, "base": _base(cluster, year), **ws, "submitted": submitted,
        "lock_key": new_secret()})


# ---------------------------------------------------------------- covenant

def _covenant_rows(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{"code": c["code"], "title": c["title"], "group": c.get("group") or "",
             "max": c["max_points"], "kind": c.get("kind", "regular")} for c in criteria]
    return rows + [{"code": "", "title": "", "group": "", "max": "", "kind": "regular"} for _ in range(BLANK_ROWS)]


def _covenant_errors(exc: ApiError) -> dict[str, str]:
    out: dict[str, str] = {}
    names = {"max_points": "max", "code": "code", "title": "title", "group": "group", "kind": "kind"}
    for api_field, text in exc.fields.items():
        m = re.match(r"criteria\[(\d+)\]\.?(\w+)?", api_field)
        if m:
            out.setdefault(f"{names.get(m.group(2) or 'code', 'code')}_{m.group(1)}", text)
        elif api_field == "reason":
            out["reason"] = text
        else:
            out.setdefault("_form", text)
    if not out:
        out["_form"] = exc.message
    return out


@router.get("/lead/{cluster}/{year:int}/covenant")
async def covenant_page(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    covenant = await cy._or_none(api.get("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant"))
    rows = _covenant_rows(covenant["criteria"] if covenant else [])
    return await render(request, "lead/covenant.html", {"period": period, "base": _base(cluster, year),
                                                         "covenant": covenant, "rows": rows, "reason": "",
                                                         "kinds": KINDS})


@router.post("/lead/{cluster}/{year:int}/covenant")
async def covenant_save(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    form = await _form(request)
    count = int(form.get("rows", "0") or 0) if form.get("rows", "").isdigit() else 0
    rows: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for i in range(min(count, 500)):
        row = {k: form.get(f"{k}_{i}", "") for k in ("code", "title", "group", "max", "kind")}
        rows.append(row)
        if not row["code"] and not row["title"]:
            continue
        points = parse_number(row["max"])
        if points is None:
            errors[f"max_{len(criteria)}"] = message(request, "field.number")
        criteria.append({"code": row["code"], "title": row["title"], "group": row["group"] or None,
                         "max_points": float(points) if points is not None else row["max"],
                         "kind": row["kind"] if row["kind"] in KINDS else "regular"})
    # errors name the criterion's place among the filled rows; the form's rows keep blank ones out
    filled = [r for r in rows if r["code"] or r["title"]]
    publish = form.get("action") == "publish"
    reason = form.get("reason") or None
    context = {"period": period, "base": _base(cluster, year), "reason": reason or "", "kinds": KINDS}
    if not errors:
        try:
            await api.put("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant",
                          json={"criteria": criteria, "publish": publish, "reason": reason})
        except ApiError as exc:
            errors = _covenant_errors(exc)
        else:
            await flash(request, message(request, "lead.covenant.published" if publish else "lead.covenant.saved"),
                        "ok")
            return redirect(f"{_base(cluster, year)}/covenant")
    covenant = await cy._or_none(api.get("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant"))
    rows = filled + [{"code": "", "title": "", "group": "", "max": "", "kind": "regular"} for _ in range(BLANK_ROWS)]
    return await render(request, "lead/covenant.html", {**context, "covenant": covenant, "rows": rows,
                                                         "errors": errors}, status_code=422)


# ---------------------------------------------------------------- score sheets

@router.get("/lead/{cluster}/{year:int}/sheets")
async def sheets_page(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    ws = await cy.workspace(api, cluster=cluster, year=year, the_period=period)
    if ws["covenant"] is None:
        raise PageNotFound()
    matrix = cy.review_matrix(ws["covenant"], period["members"], ws["sheets"])
    return await render(request, "lead/sheets.html", {"period": period, "base": _base(cluster, year), **ws,
                                                       "matrix": matrix, "lock_key": new_secret()})


@router.get("/lead/{cluster}/{year:int}/sheets/{province}")
async def sheet_review_page(request: Request, cluster: str, year: int, province: str, user: UserDep,
                            api: ApiDep) -> Response:
    return await _sheet_review(request, cluster, year, province, user, api)


async def _sheet_review(request: Request, cluster: str, year: int, province: str, user: Any, api: Any, *,
                        values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                        status_code: int = 200) -> Response:
    if not re.fullmatch(r"[0-9]{2}", province):
        raise PageNotFound()
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    covenant, sheet = await asyncio.gather(
        cy._or_none(api.get("nominations", f"/v1/clusters/{cluster}/periods/{year}/covenant")),
        cy._or_none(api.get("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/{province}")))
    if covenant is None or sheet is None:
        raise PageNotFound()
    return await render(request, "lead/sheet_review.html", {
        "period": period, "base": _base(cluster, year), "covenant": covenant, "sheet": sheet,
        "values": values or {}, "errors": errors or {}, "key": new_secret()}, status_code=status_code)


@router.post("/lead/{cluster}/{year:int}/sheets/{province}")
async def sheet_review_save(request: Request, cluster: str, year: int, province: str, user: UserDep,
                            api: ApiDep) -> Response:
    form = await _form(request)
    adjustments: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in form.items():
        if not name.startswith("points_") or not value:
            continue
        code = name.removeprefix("points_")
        points = parse_number(value)
        reason = form.get(f"reason_{code}", "")
        if points is None:
            errors[name] = message(request, "field.number")
        if not reason:
            errors[f"reason_{code}"] = message(request, "lead.review.reason_required")
        adjustments[code] = {"points": float(points) if points is not None else value, "reason": reason}
    if not adjustments and not errors:
        errors["_form"] = message(request, "lead.review.nothing")
    if not errors:
        try:
            await api.put("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/{province}/review",
                          json={"adjustments": adjustments}, idempotency_key=form.get("key") or None)
        except ApiError as exc:
            for api_field, text in exc.fields.items():
                crit = api_field.split(".")[1] if "." in api_field else ""
                errors[f"points_{crit}" if crit in adjustments else "_form"] = text
            if not errors:
                errors["_form"] = exc.message
        else:
            await flash(request, message(request, "lead.review.saved"), "ok")
            return redirect(f"{_base(cluster, year)}/sheets")
    return await _sheet_review(request, cluster, year, province, user, api, values=form, errors=errors,
                               status_code=422)


@router.post("/lead/{cluster}/{year:int}/lock")
async def lock_sheets(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    cy.check_cluster_year(cluster, year)
    form = await _form(request)
    try:
        await api.post("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/lock",
                       idempotency_key=form.get("key") or None)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "lead.sheets.locked"), "ok")
    return redirect(f"{_base(cluster, year)}/sheets")


# ---------------------------------------------------------------- rounds

def _round_form_values(period: dict[str, Any]) -> dict[str, Any]:
    return {"award": "ministry_flag", "seats": "1", "max_choices": "", "threshold": "1/2", "quorum": "2/3",
            "self_vote": False, "candidates": [m["code"] for m in period["members"]], "closes_at": ""}


@router.get("/lead/{cluster}/{year:int}/rounds/new")
async def round_new(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    return await render(request, "lead/round_new.html", {"period": period, "base": _base(cluster, year),
                                                          "values": _round_form_values(period),
                                                          "awards": cy.AWARDS, "key": new_secret()})


def _parse_local_datetime(text: str) -> datetime | None:
    """A deadline as typed: ``HH:MM dd/mm/yyyy`` or the ``yyyy-mm-ddTHH:MM`` of a datetime input,
    in Vietnam's time."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})\s+(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if m:
            hh, mm, d, mo, y = (int(g) for g in m.groups())
            return datetime(y, mo, d, hh, mm, tzinfo=VIETNAM)
        return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)
    except ValueError:
        return None


@router.post("/lead/{cluster}/{year:int}/rounds")
async def round_create(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    raw = await request.form()
    form = {k: v.strip() for k, v in raw.items() if isinstance(v, str)}
    candidates = [c for c in raw.getlist("candidates") if isinstance(c, str)]
    values = {**form, "self_vote": form.get("self_vote") == "on", "candidates": candidates}
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"cluster_code": cluster, "year": year, "award": form.get("award"),
                            "threshold": form.get("threshold") or "1/2", "quorum": form.get("quorum") or "2/3",
                            "self_vote": values["self_vote"], "candidates": candidates or None}
    for name in ("seats", "max_choices"):
        text = form.get(name, "")
        if text:
            if not text.isdigit():
                errors[name] = message(request, "field.integer")
            else:
                body[name] = int(text)
        elif name == "seats":
            errors[name] = message(request, "field.required")
    if form.get("closes_at"):
        at = _parse_local_datetime(form["closes_at"])
        if at is None:
            errors["closes_at"] = message(request, "lead.round.bad_deadline")
        else:
            body["closes_at"] = at.isoformat()
    if not errors:
        try:
            created = await api.post("nominations", "/v1/rounds", json=body, idempotency_key=form.get("key") or None)
        except ApiError as exc:
            errors = exc.field_errors()
            if not errors or not set(errors) & {"award", "seats", "max_choices", "threshold", "quorum", "candidates",
                                    "closes_at"}:
                errors["_form"] = exc.message
        else:
            await flash(request, message(request, "lead.round.created"), "ok")
            return redirect(f"/lead/rounds/{created['id']}")
    return await render(request, "lead/round_new.html", {
        "period": period, "base": _base(cluster, year), "values": values, "awards": cy.AWARDS,
        "errors": errors, "key": form.get("key") or new_secret()}, status_code=422)


async def _round(api: Any, round_id: UUID) -> dict[str, Any]:
    try:
        rnd: dict[str, Any] = await api.get("nominations", f"/v1/rounds/{round_id}")
    except ApiError as exc:
        if exc.status in (404, 422):
            raise PageNotFound() from exc
        raise
    return rnd


@router.get("/lead/rounds/{round_id}")
async def round_page(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    rnd = await _round(api, round_id)
    cy.require_lead(user, rnd)
    turnout = None
    if rnd["electorate"] is not None:
        turnout = await cy._or_none(api.get("nominations", f"/v1/rounds/{round_id}/turnout"))
    return await render(request, "lead/round.html", _round_context(rnd, turnout))


def _round_context(rnd: dict[str, Any], turnout: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    return {"round": rnd, "turnout": turnout, "not_voted": (turnout or {}).get("not_voted", []),
            "rows": cy.result_rows(rnd), "base": _base(rnd["cluster_code"], rnd["year"]), "key": new_secret(),
            "paper": {}, "names_of": cy.names_of,
            "scripts": ["/static/live.js"] if rnd["state"] == "open" else [], **extra}


@router.get("/lead/rounds/{round_id}/turnout.json")
async def round_turnout_json(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """The live turnout page's feed: who has voted, never how (the API's own answer, for the lead)."""
    turnout = await api.get("nominations", f"/v1/rounds/{round_id}/turnout")
    return JSONResponse({"state": turnout["state"], "ballots_cast": turnout["ballots_cast"],
                         "electorate_size": turnout["electorate_size"],
                         "voted": [v["code"] for v in turnout["voted"]]})


@router.post("/lead/rounds/{round_id}/paper")
async def paper_ballot(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    raw = await request.form()
    form = {k: v.strip() for k, v in raw.items() if isinstance(v, str)}
    choices = [c for c in raw.getlist("choices") if isinstance(c, str)]
    errors: dict[str, str] = {}
    if not form.get("voter"):
        errors["voter"] = message(request, "field.required")
    if not form.get("document_ref"):
        errors["document_ref"] = message(request, "field.required")
    if not errors:
        try:
            await api.post("nominations", f"/v1/rounds/{round_id}/paper-ballots",
                           json={"voter": form["voter"], "choices": choices, "document_ref": form["document_ref"]},
                           idempotency_key=form.get("key") or None)
        except ApiError as exc:
            errors = exc.field_errors()
            if not errors or not set(errors) & {"voter", "choices", "document_ref"}:
                errors["_form"] = exc.message
        else:
            await flash(request, message(request, "lead.paper.recorded"), "ok")
            return redirect(f"/lead/rounds/{round_id}")
    rnd = await _round(api, round_id)
    cy.require_lead(user, rnd)
    turnout = await cy._or_none(api.get("nominations", f"/v1/rounds/{round_id}/turnout"))
    return await render(request, "lead/round.html", _round_context(
        rnd, turnout, key=form.get("key") or new_secret(), paper={**form, "choices": choices}, errors=errors),
        status_code=422)


_ACTIONS = {"open": "lead.round.opened", "close": "lead.round.closed", "certify": "lead.round.certified"}


@router.post("/lead/rounds/{round_id}/{action}")
async def round_action(request: Request, round_id: UUID, action: str, user: UserDep, api: ApiDep) -> Response:
    if action not in _ACTIONS:
        raise PageNotFound()
    form = await _form(request)
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/{action}", idempotency_key=form.get("key") or None)
    except ApiError as exc:
        if exc.status == 404:
            raise PageNotFound() from exc
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, _ACTIONS[action]), "ok")
    return redirect(f"/lead/rounds/{round_id}")


# ---------------------------------------------------------------- minutes

MINUTES_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
               "base-uri 'none'; form-action 'none'")


@router.get("/lead/rounds/{round_id}/minutes")
async def minutes_print(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """The printable minutes exactly as the nominations service renders them (its own styles, no
    script), so what is printed is what the service certified."""
    resp = await api.request("nominations", "GET", f"/v1/rounds/{round_id}/minutes", params={"format": "html"},
                             raw=True)
    return HTMLResponse(resp.text, headers={"Content-Security-Policy": MINUTES_CSP})


@router.get("/lead/rounds/{round_id}/minutes.pdf")
async def minutes_pdf(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    minutes = await api.get("nominations", f"/v1/rounds/{round_id}/minutes")
    try:
        pdf = documents.minutes_pdf(minutes)
    except documents.FontMissing:
        log.error("the minutes PDF needs DejaVu Sans (fonts-dejavu-core) or CONSOLE_PDF_FONT_DIR")
        await flash(request, message(request, "round.pdf_unavailable"), "error")
        return redirect(f"/lead/rounds/{round_id}")
    name = f"bien-ban-{minutes['cluster']['code']}-{minutes['year']}-{minutes['award']}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
