"""Paper-ballot disputes: where a member reads that the lead entered a paper ballot for it (its ballot
page, which the notice links to) and disputes it, and the ministry's page to rule on each dispute.
A round with a dispute waiting, or a paper ballot ruled void, cannot be certified (the API's rule)."""
from __future__ import annotations

import asyncio
import re
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import cluster_year as cy
from services.console.api import ApiError
from services.console.errors import PageNotFound
from services.console.forms import Form
from services.console.sessions import new_secret
from services.console.web import ApiDep, MinistryUser, ProvinceUser, flash, message, redirect, render

router = APIRouter()


class DisputeForm(Form):
    reason: str = ""


class RulingForm(Form):
    ruling: str = ""
    note: str = ""


@router.post("/ballots/{round_id}/dispute")
async def dispute(request: Request, round_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await DisputeForm.read(request)
    if not form.reason:
        await flash(request, message(request, "dispute.reason_required"), "error")
        return redirect(f"/ballots/{round_id}#dispute")
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/paper-ballot-disputes", json={"reason": form.reason},
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "dispute.sent"), "ok")
    return redirect(f"/ballots/{round_id}#dispute")


@router.get("/ministry/rounds/{round_id}/disputes")
async def disputes_page(request: Request, round_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    rnd, items = await asyncio.gather(cy.vote_round(api, round_id=round_id), cy.disputes(api, round_id=round_id))
    turnout = await cy.turnout(api, round_id=round_id)
    papers = {v["code"]: v.get("document_ref") for v in (turnout or {}).get("voted", []) if v.get("channel") == "paper"}
    return await render(request, "disputes/rulings.html", {"round": rnd, "disputes": items, "papers": papers,
                                                           "key": new_secret()})


@router.post("/ministry/rounds/{round_id}/disputes/{province}/ruling")
async def rule(request: Request, round_id: UUID, province: str, user: MinistryUser, api: ApiDep) -> Response:
    if not re.fullmatch(r"[0-9]{2}", province):
        raise PageNotFound()
    form = await RulingForm.read(request)
    if form.ruling not in ("ballot_stands", "ballot_void") or not form.note:
        await flash(request, message(request, "dispute.ruling_incomplete"), "error")
        return redirect(f"/ministry/rounds/{round_id}/disputes#d-{province}")
    try:
        await api.post("nominations", f"/v1/rounds/{round_id}/paper-ballot-disputes/{province}/ruling",
                       json={"ruling": form.ruling, "note": form.note}, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, f"dispute.ruled.{form.ruling}"), "ok")
    return redirect(f"/ministry/rounds/{round_id}/disputes")
