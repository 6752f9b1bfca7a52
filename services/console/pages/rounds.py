"""Vote rounds, from the lead's side and the ministry's: create, open, live turnout, a paper ballot
with its document number, close, the result with each candidate's place, certify, the minutes to
print and as PDF; the ministry approves or returns a certified round (with a reason)."""
from __future__ import annotations

import logging
import math
import re
from datetime import datetime
from fractions import Fraction
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from services.console import cluster_year as cy
from services.console import documents, service
from services.console.api import ApiError
from services.console.errors import PageNotFound
from services.console.forms import Checkbox, Form, KeyForm
from services.console.i18n import VIETNAM
from services.console.pages.ballots import motion_names
from services.console.sessions import new_secret
from services.console.web import ApiDep, MinistryUser, UserDep, confirm_page, flash, message, redirect, render

router = APIRouter()
log = logging.getLogger("thidua.console.rounds")
ROUND_FIELDS = {"award", "seats", "max_choices", "threshold", "quorum", "candidates", "closes_at"}


class RoundForm(Form):
    award: str = ""
    seats: str = ""
    max_choices: str = ""
    threshold: str = ""
    quorum: str = ""
    self_vote: Checkbox = False
    candidates: list[str] = []
    closes_at: str = ""


class PaperBallotForm(Form):
    voter: str = ""
    document_ref: str = ""
    choices: list[str] = []


class ReturnForm(Form):
    reason: str = ""


def _base(cluster: str, year: int) -> str:
    return f"/lead/{cluster}/{year}"


def _round_form_values(period: dict[str, Any]) -> dict[str, Any]:
    return {"award": "ministry_flag", "seats": "1", "max_choices": "", "threshold": "1/2", "quorum": "2/3",
            "self_vote": False, "candidates": [m["code"] for m in period["members"]], "closes_at": ""}


@router.get("/lead/{cluster}/{year:int}/rounds/new")
async def round_new(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    return await render(request, "rounds/round_new.html", {"period": period, "base": _base(cluster, year),
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
    form = await RoundForm.read(request)
    values = form.model_dump()
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"cluster_code": cluster, "year": year, "award": form.award or None,
                            "threshold": form.threshold or "1/2", "quorum": form.quorum or "2/3",
                            "self_vote": form.self_vote, "candidates": form.candidates or None}
    for name in ("seats", "max_choices"):
        text = values[name]
        if text:
            if not text.isdigit():
                errors[name] = message(request, "field.integer")
            else:
                body[name] = int(text)
        elif name == "seats":
            errors[name] = message(request, "field.required")
    if form.closes_at:
        at = _parse_local_datetime(form.closes_at)
        if at is None:
            errors["closes_at"] = message(request, "lead.round.bad_deadline")
        else:
            body["closes_at"] = at.isoformat()
    if not errors:
        try:
            created = await api.post("nominations", "/v1/rounds", json=body, idempotency_key=form.idempotency_key)
        except ApiError as exc:
            errors = exc.field_errors()
            if not errors or not set(errors) & ROUND_FIELDS:
                errors["_form"] = exc.message
        else:
            await flash(request, message(request, "lead.round.created"), "ok")
            return redirect(f"/lead/rounds/{created['id']}")
    return await render(request, "rounds/round_new.html", {
        "period": period, "base": _base(cluster, year), "values": values, "awards": cy.AWARDS,
        "errors": errors, "key": form.key or new_secret()}, status_code=422,
        again_at=f"{_base(cluster, year)}/rounds/new")


@router.get("/lead/rounds/{round_id}")
async def round_page(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    cy.require_lead(user, rnd)
    turnout = await cy.turnout(api, round_id=round_id) if rnd["electorate"] is not None else None
    disputes = await cy.disputes(api, round_id=round_id) if rnd["state"] != "draft" else []
    return await render(request, "rounds/round.html", _round_context(rnd, turnout, disputes=disputes))


def _round_context(rnd: dict[str, Any], turnout: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    return {"round": rnd, "turnout": turnout, "not_voted": (turnout or {}).get("not_voted", []),
            "rows": cy.result_rows(rnd), "base": _base(rnd["cluster_code"], rnd["year"]), "key": new_secret(),
            "paper": {}, "names_of": cy.names_of, "disputes": [],
            "scripts": ["/static/live.js"] if rnd["state"] == "open" else [], **extra}


@router.get("/rounds/{round_id}")
async def round_for_reader(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """A round as its reader acts on it (where a notice links): the lead and the ministry get the
    round's page, a member its ballot (open), or the round's result."""
    rnd = await cy.vote_round(api, round_id=round_id)
    if user.role in ("ministry", "staff") or (user.role == "province" and rnd.get("lead_code") == user.province):
        return redirect(f"/lead/rounds/{round_id}")
    return redirect(f"/ballots/{round_id}")


@router.get("/lead/rounds/{round_id}/turnout.json")
async def round_turnout_json(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """The live turnout page's feed: who has voted, never how (the API's own answer, for the lead)."""
    turnout = await cy.live_turnout(api, round_id=round_id)
    return JSONResponse({"state": turnout["state"], "ballots_cast": turnout["ballots_cast"],
                         "electorate_size": turnout["electorate_size"],
                         "voted": [v["code"] for v in turnout["voted"]]})


@router.post("/lead/rounds/{round_id}/paper")
async def paper_ballot(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await PaperBallotForm.read(request)
    errors: dict[str, str] = {}
    if not form.voter:
        errors["voter"] = message(request, "field.required")
    if not form.document_ref:
        errors["document_ref"] = message(request, "field.required")
    if not errors:
        try:
            await api.post("nominations", f"/v1/rounds/{round_id}/paper-ballots",
                           json={"voter": form.voter, "choices": form.choices, "document_ref": form.document_ref},
                           idempotency_key=form.idempotency_key)
        except ApiError as exc:
            errors = exc.field_errors()
            if not errors or not set(errors) & {"voter", "choices", "document_ref"}:
                errors["_form"] = exc.message
        else:
            await flash(request, message(request, "lead.paper.recorded"), "ok")
            return redirect(f"/lead/rounds/{round_id}")
    rnd = await cy.vote_round(api, round_id=round_id)
    cy.require_lead(user, rnd)
    turnout = await cy.turnout(api, round_id=round_id)
    return await render(request, "rounds/round.html", _round_context(
        rnd, turnout, key=form.key or new_secret(), paper=form.model_dump(), errors=errors), status_code=422,
        again_at=f"/lead/rounds/{round_id}")


_ACTIONS = {"open": "lead.round.opened", "close": "lead.round.closed", "certify": "lead.round.certified"}


def quorum_needed(quorum: str, electorate_size: int) -> int:
    """The fewest ballots that meet the quorum: the count is valid when cast / electorate >= quorum."""
    return math.ceil(Fraction(quorum) * electorate_size)


@router.get("/lead/rounds/{round_id}/close")
async def close_confirm(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    rnd = await cy.vote_round(api, round_id=round_id)
    cy.require_lead(user, rnd)
    if rnd["state"] != "open":
        return redirect(f"/lead/rounds/{round_id}")
    turnout = await cy.turnout(api, round_id=round_id) or {}
    cast, size = int(turnout.get("ballots_cast", 0)), int(turnout.get("electorate_size", 0))
    need = quorum_needed(rnd["quorum"], size)
    award = message(request, f"award.{rnd['award']}") if rnd.get("award") else rnd["award_label"]
    return await confirm_page(
        request, heading=message(request, "confirm.close.title"),
        consequences=[message(request, "confirm.close.what", award=award, year=rnd["year"]),
                      message(request, "confirm.close.turnout", cast=cast, size=size, quorum=rnd["quorum"], need=need)],
        warning=message(request, "confirm.close.no_quorum", cast=cast, need=need) if cast < need else None,
        action=f"/lead/rounds/{round_id}/close", button=message(request, "confirm.close.button"),
        back=f"/lead/rounds/{round_id}")


@router.get("/lead/rounds/{round_id}/certify")
async def certify_confirm(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    rnd = await cy.vote_round(api, round_id=round_id)
    cy.require_lead(user, rnd)
    if rnd["state"] != "closed":
        return redirect(f"/lead/rounds/{round_id}")
    proposed = (rnd.get("result") or {}).get("proposed") or []
    award = message(request, f"award.{rnd['award']}") if rnd.get("award") else rnd["award_label"]
    what = message(request, "confirm.certify.what", award=award, year=rnd["year"],
                   names=cy.names_of(proposed, rnd.get("names"))) if proposed else \
        message(request, "confirm.certify.none", award=award, year=rnd["year"])
    pending = [d for d in await cy.disputes(api, round_id=round_id) if d["ruling"] is None]
    return await confirm_page(
        request, heading=message(request, "confirm.certify.title"),
        consequences=[what, message(request, "confirm.certify.after")],
        warning=message(request, "dispute.pending_on_round") if pending else None,
        action=f"/lead/rounds/{round_id}/certify", button=message(request, "confirm.certify.button"),
        back=f"/lead/rounds/{round_id}")


@router.post("/lead/rounds/{round_id}/{action}")
async def round_action(request: Request, round_id: UUID, action: str, user: UserDep, api: ApiDep) -> Response:
    if action not in _ACTIONS:
        raise PageNotFound()
    form = await KeyForm.read(request)
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/{action}", idempotency_key=form.idempotency_key)
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
@router.get("/rounds/{round_id}/minutes")   # a member reads its round's minutes once certified
async def minutes_print(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """The printable minutes exactly as the nominations service renders them (its own styles, no
    script), so what is printed is what the service certified."""
    return HTMLResponse(await cy.minutes_html(api, round_id=round_id), headers={"Content-Security-Policy": MINUTES_CSP})


@router.get("/lead/rounds/{round_id}/minutes.pdf")
@router.get("/rounds/{round_id}/minutes.pdf")
async def minutes_pdf(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    minutes = await cy.minutes(api, round_id=round_id)
    signer = await service.person(api, username=minutes.get("certified_by"))
    try:
        pdf = documents.minutes_pdf(minutes, signer_name=signer.get("name"), signer_position=signer.get("position"))
    except documents.FontMissing:
        log.error("the minutes PDF needs DejaVu Sans (fonts-dejavu-core) or CONSOLE_PDF_FONT_DIR")
        await flash(request, message(request, "round.pdf_unavailable"), "error")
        return redirect(f"/lead/rounds/{round_id}")
    name = f"bien-ban-{minutes['cluster']['code']}-{minutes['year']}-{minutes['award']}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---------------------------------------------------------------- the ministry approves or returns

@router.post("/ministry/rounds/{round_id}/approve")
async def approve(request: Request, round_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await KeyForm.read(request)
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/approve", idempotency_key=form.idempotency_key)
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
    form = await ReturnForm.read(request)
    if not form.reason:
        await flash(request, message(request, "ministry.round.reason_required"), "error")
        return redirect(f"/lead/rounds/{round_id}#return")
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/return", json={"reason": form.reason},
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        if exc.status == 404:
            raise PageNotFound() from exc
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "ministry.round.returned"), "ok")
    return redirect(f"/lead/rounds/{round_id}")
