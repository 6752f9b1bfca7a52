"""Commendation decisions, the ministry's: the decision drafted from approved nominees, issued, and
printed (the nominations service renders the Decree 30/2020 layout; the console serves the PDF)."""
from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import awards
from services.console.api import ApiError
from services.console.errors import PageNotFound
from services.console.forms import Form, KeyForm, parse_day, parse_year
from services.console.i18n import format_date
from services.console.pages.commendations import queue_page
from services.console.sessions import new_secret
from services.console.web import ApiDep, LangDep, MinistryUser, confirm_page, flash, message, redirect, render
from shared.clock import vietnam_today

router = APIRouter()


class DecisionForm(Form):
    number: str = ""
    year: str = ""
    signed_on: str = ""
    signer_name: str = ""
    signer_title: str = ""
    summary: str = ""
    nominee_ids: list[str] = []


@router.post("/ministry/decisions")
async def create_decision(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await DecisionForm.read(request)
    signed_on = parse_day(form.signed_on)
    signer_title = form.signer_title or (await awards.office_rules(
        api, organiser=(user.organiser if user.role == "staff" else None) or "BNV",
        year=vietnam_today().year))["signer_title"]
    body = {"number": form.number, "year": parse_year(form.year) or 0,
            "signed_on": signed_on.isoformat() if signed_on else form.signed_on,
            "signer_name": form.signer_name, "signer_title": signer_title,
            "nominee_ids": form.nominee_ids}
    if form.summary:
        body["summary"] = form.summary
    try:
        made = await api.post("nominations", "/v1/decisions", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors({"nominee_ids": "nominee_ids"})
        if not errors:
            errors["_form"] = exc.message
        return await queue_page(request, api, errors=errors, values=form.model_dump(), status_code=422)
    await flash(request, message(request, "comm.decision_created"), "ok")
    return redirect(f"/ministry/decisions/{made['id']}")


@router.get("/ministry/decisions/{decision_id}")
async def decision(request: Request, decision_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    d = await awards.decision(api, decision_id=decision_id)
    return await render(request, "decisions/decision.html", {"d": d, "key": new_secret()})


@router.get("/ministry/decisions/{decision_id}/issue")
async def issue_confirm(request: Request, decision_id: UUID, user: MinistryUser, api: ApiDep, lang: LangDep) -> Response:
    d = await awards.decision(api, decision_id=decision_id)
    if d["state"] != "draft":
        return redirect(f"/ministry/decisions/{decision_id}")
    return await confirm_page(
        request, heading=message(request, "confirm.issue.title"),
        consequences=[message(request, "confirm.issue.what", number=d["number"], date=format_date(d["signed_on"], lang),
                              n=len(d.get("entries") or [])),
                      message(request, "confirm.issue.after")],
        action=f"/ministry/decisions/{decision_id}/issue", button=message(request, "confirm.issue.button"),
        back=f"/ministry/decisions/{decision_id}")


@router.post("/ministry/decisions/{decision_id}/issue")
async def issue(request: Request, decision_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await KeyForm.read(request)
    try:
        await api.post("nominations", f"/v1/decisions/{decision_id}/issue", idempotency_key=form.idempotency_key)
        await flash(request, message(request, "comm.issued"), "ok")
    except ApiError as exc:
        await flash(request, exc.message, "error")
    return redirect(f"/ministry/decisions/{decision_id}")


@router.get("/decisions/{decision_id}/print")
async def print_view(request: Request, decision_id: UUID, api: ApiDep) -> Response:
    """The printable decision: the nominations service renders it (Decree 30/2020 layout); the console
    serves it as a file the browser prints (PDF), so its own pages keep their strict policy."""
    try:
        resp = await awards.file(api, f"/v1/decisions/{decision_id}/print", params={"format": "pdf"})
    except ApiError as exc:
        if exc.status in (403, 404):
            raise PageNotFound() from exc
        raise
    return Response(resp.content, media_type="application/pdf",
                    headers={"Content-Disposition": resp.headers.get("content-disposition", "inline"),
                             "X-Content-Type-Options": "nosniff"})
