"""Score sheets: a member's own self-assessment (save, submit), and the lead's side of them: every
sheet side by side, the cross-check of one sheet with a reason per adjusted criterion, the lock."""
from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import cluster_year as cy
from services.console.api import Api, ApiError
from services.console.errors import PageNotFound
from services.console.forms import Form, KeyForm
from services.console.i18n import format_number, parse_number
from services.console.sessions import new_secret
from services.console.web import (
    ApiDep,
    LangDep,
    ProvinceUser,
    UserDep,
    confirm_page,
    flash,
    message,
    redirect,
    render,
)

router = APIRouter()


class SheetForm(Form):
    action: str = "save"

    @property
    def scores(self) -> dict[str, str]:
        return self.prefixed("score-")

    @property
    def notes(self) -> dict[str, str]:
        return self.prefixed("note-")


class ReviewForm(Form):
    @property
    def points(self) -> dict[str, str]:
        return {code: value for code, value in self.prefixed("points_").items() if value}

    @property
    def reasons(self) -> dict[str, str]:
        return self.prefixed("reason_")


def bounds(criterion: dict[str, Any]) -> tuple[float, float]:
    top = float(criterion["max_points"])
    return (-top, 0.0) if criterion["kind"] == "penalty" else (0.0, top)


def _base(cluster: str, year: int) -> str:
    return f"/lead/{cluster}/{year}"


# ---------------------------------------------------------------- a member's own sheet

async def _sheet_context(api: Api, *, cluster: str, year: int, province: str) -> dict[str, Any]:
    covenant = await cy.covenant_or_404(api, cluster=cluster, year=year)
    sheet = await cy.sheet(api, cluster=cluster, year=year, province=province)
    return {"covenant": covenant, "sheet": sheet, "cluster": cluster, "year": year}


def _sheet_values(ctx: dict[str, Any], lang: str) -> dict[str, str]:
    values: dict[str, str] = {}
    sheet = ctx["sheet"]
    for c in ctx["covenant"]["criteria"]:
        own = (sheet or {}).get("scores", {}).get(c["code"], {}).get("self") if sheet else None
        values[f"score-{c['code']}"] = format_number(own, lang) if own is not None else ""
        values[f"note-{c['code']}"] = ((sheet or {}).get("notes") or {}).get(c["code"], "")
    return values


@router.get("/sheets/{cluster}/{year}")
async def sheet_page(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep,
                     lang: LangDep) -> Response:
    ctx = await _sheet_context(api, cluster=cluster, year=year, province=user.province or "")
    return await render(request, "scores/sheet.html", {**ctx, "values": _sheet_values(ctx, lang), "bounds": bounds})


@router.post("/sheets/{cluster}/{year}")
async def sheet_save(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    province = user.province or ""
    ctx = await _sheet_context(api, cluster=cluster, year=year, province=province)
    form = await SheetForm.read(request)
    typed, typed_notes = form.scores, form.notes
    values = {**{f"score-{k}": v for k, v in typed.items()}, **{f"note-{k}": v for k, v in typed_notes.items()}}
    errors: dict[str, str] = {}
    scores: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for c in ctx["covenant"]["criteria"]:
        text = typed.get(c["code"], "")
        note = typed_notes.get(c["code"], "")
        if note:
            notes[c["code"]] = note
        if not text:
            continue
        number = parse_number(text)
        if number is None:
            errors[f"score-{c['code']}"] = message(request, "field.number")
            continue
        low, high = bounds(c)
        if not low <= float(number) <= high:
            errors[f"score-{c['code']}"] = message(request, "sheet.out_of_bounds", low=format_number(low),
                                                   high=format_number(high))
            continue
        scores[c["code"]] = str(number)
    if not errors:
        try:
            await api.put("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/{province}",
                          json={"scores": scores, "notes": notes})
        except ApiError as exc:
            errors = _sheet_errors(exc, ctx)
    if errors:
        return await render(request, "scores/sheet.html", {**ctx, "values": values, "errors": errors,
                                                           "bounds": bounds}, status_code=422,
                            again_at=f"/sheets/{cluster}/{year}")
    if form.action == "submit":  # saved; submitting cannot be undone: the confirmation step first
        return redirect(f"/sheets/{cluster}/{year}/submit")
    await flash(request, message(request, "sheet.saved"), "ok")
    return redirect(f"/sheets/{cluster}/{year}")


def _sheet_errors(exc: ApiError, ctx: dict[str, Any]) -> dict[str, str]:
    mapping = {f"scores.{c['code']}": f"score-{c['code']}" for c in ctx["covenant"]["criteria"]}
    mapping.update({f"notes.{c['code']}": f"note-{c['code']}" for c in ctx["covenant"]["criteria"]})
    errors = exc.field_errors(mapping)
    if not any(k in errors for k in mapping.values()):
        errors["_form"] = exc.message
    return errors


@router.get("/sheets/{cluster}/{year}/submit")
async def sheet_submit_confirm(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep,
                               lang: LangDep) -> Response:
    ctx = await _sheet_context(api, cluster=cluster, year=year, province=user.province or "")
    sheet = ctx["sheet"] or {}
    criteria = ctx["covenant"]["criteria"]
    missing = [c["code"] for c in criteria if (sheet.get("scores") or {}).get(c["code"], {}).get("self") is None]
    total = (sheet.get("totals") or {}).get("total")
    return await confirm_page(
        request, heading=message(request, "confirm.submit.title"),
        consequences=[message(request, "confirm.submit.what", year=year, filled=len(criteria) - len(missing),
                              count=len(criteria), total=format_number(total or 0, lang)),
                      message(request, "confirm.submit.after")],
        warning=message(request, "confirm.submit.missing", n=len(missing), codes=", ".join(missing)) if missing else None,
        action=f"/sheets/{cluster}/{year}/submit", button=message(request, "confirm.submit.button"),
        back=f"/sheets/{cluster}/{year}")


@router.post("/sheets/{cluster}/{year}/submit")
async def sheet_submit(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep,
                       lang: LangDep) -> Response:
    province = user.province or ""
    form = await KeyForm.read(request)
    try:
        await api.post("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/{province}/submit",
                       idempotency_key=form.idempotency_key or new_secret())
    except ApiError as exc:
        # Not complete enough to submit: the saved sheet with what is missing beside its fields.
        ctx = await _sheet_context(api, cluster=cluster, year=year, province=province)
        return await render(request, "scores/sheet.html", {**ctx, "values": _sheet_values(ctx, lang),
                                                           "errors": _sheet_errors(exc, ctx), "bounds": bounds},
                            status_code=422, again_at=f"/sheets/{cluster}/{year}")
    await flash(request, message(request, "sheet.submitted"), "ok")
    return redirect(f"/sheets/{cluster}/{year}")


# ---------------------------------------------------------------- the lead: every sheet, the cross-check, the lock

@router.get("/lead/{cluster}/{year:int}/sheets")
async def sheets_page(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    ws = await cy.workspace(api, cluster=cluster, year=year, the_period=period)
    if ws["covenant"] is None:
        raise PageNotFound()
    matrix = cy.review_matrix(ws["covenant"], period["members"], ws["sheets"])
    return await render(request, "scores/sheets.html", {"period": period, "base": _base(cluster, year), **ws,
                                                        "matrix": matrix, "lock_key": new_secret()})


@router.get("/lead/{cluster}/{year:int}/sheets/{province}")
async def sheet_review_page(request: Request, cluster: str, year: int, province: str, user: UserDep,
                            api: ApiDep) -> Response:
    return await _sheet_review(request, cluster, year, province, user, api)


async def _sheet_review(request: Request, cluster: str, year: int, province: str, user: Any, api: Api, *,
                        values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                        status_code: int = 200) -> Response:
    if not re.fullmatch(r"[0-9]{2}", province):
        raise PageNotFound()
    period = await cy.period(api, cluster=cluster, year=year)
    lead, deputy = (period.get("lead") or {}).get("code"), (period.get("deputy") or {}).get("code")
    # The lead's own sheet is cross-checked by the deputy (the API's rule), never by the lead itself.
    if not (user.role == "province" and deputy and user.province == deputy and province == lead):
        cy.require_lead(user, period)
    covenant, sheet = await asyncio.gather(cy.covenant(api, cluster=cluster, year=year),
                                           cy.sheet(api, cluster=cluster, year=year, province=province))
    if covenant is None or sheet is None:
        raise PageNotFound()
    return await render(request, "scores/sheet_review.html", {
        "own_sheet": user.role == "province" and province == user.province,
        "deputy_name": (period.get("deputy") or {}).get("name") or "—",
        "period": period, "base": _base(cluster, year), "covenant": covenant, "sheet": sheet,
        "values": values or {}, "errors": errors or {}, "key": new_secret()}, status_code=status_code,
        again_at=f"{_base(cluster, year)}/sheets/{province}")


@router.post("/lead/{cluster}/{year:int}/sheets/{province}")
async def sheet_review_save(request: Request, cluster: str, year: int, province: str, user: UserDep,
                            api: ApiDep) -> Response:
    form = await ReviewForm.read(request)
    reasons = form.reasons
    adjustments: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for code, value in form.points.items():
        points = parse_number(value)
        reason = reasons.get(code, "")
        if points is None:
            errors[f"points_{code}"] = message(request, "field.number")
        if not reason:
            errors[f"reason_{code}"] = message(request, "lead.review.reason_required")
        adjustments[code] = {"points": float(points) if points is not None else value, "reason": reason}
    if not adjustments and not errors:
        errors["_form"] = message(request, "lead.review.nothing")
    if not errors:
        try:
            await api.put("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/{province}/review",
                          json={"adjustments": adjustments}, idempotency_key=form.idempotency_key)
        except ApiError as exc:
            for api_field, text in exc.fields.items():
                crit = api_field.split(".")[1] if "." in api_field else ""
                errors[f"points_{crit}" if crit in adjustments else "_form"] = text
            if not errors:
                errors["_form"] = exc.message
        else:
            await flash(request, message(request, "lead.review.saved"), "ok")
            return redirect(f"{_base(cluster, year)}/sheets")
    return await _sheet_review(request, cluster, year, province, user, api, values=form.typed(), errors=errors,
                               status_code=422)


@router.get("/lead/{cluster}/{year:int}/lock")
async def lock_confirm(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    ws = await cy.workspace(api, cluster=cluster, year=year, the_period=period)
    waiting = [m["name"] for m in period["members"] if not (ws["sheets"].get(m["code"]) or {}).get("submitted_at")]
    return await confirm_page(
        request, heading=message(request, "confirm.lock.title"),
        consequences=[message(request, "confirm.lock.what", n=len(period["members"]),
                              cluster=period.get("cluster_name") or cluster, year=year),
                      message(request, "confirm.lock.after")],
        warning=message(request, "confirm.lock.waiting", names=", ".join(waiting)) if waiting else None,
        action=f"{_base(cluster, year)}/lock", button=message(request, "confirm.lock.button"),
        back=f"{_base(cluster, year)}/sheets")


@router.post("/lead/{cluster}/{year:int}/lock")
async def lock_sheets(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    cy.check_cluster_year(cluster, year)
    form = await KeyForm.read(request)
    try:
        await api.post("nominations", f"/v1/clusters/{cluster}/periods/{year}/scores/lock",
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "lead.sheets.locked"), "ok")
    return redirect(f"{_base(cluster, year)}/sheets")
