"""Commendation proposals: a province's proposal editor (nominees, summaries, files, submit), the
lead's review table and sending, and the ministry's review queue. Every check is the API's: the pages
call it with the user's token and show what it answers."""
from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.console import awards, service
from services.console.api import Api, ApiError
from services.console.cluster_year import CLUSTER_CODE
from services.console.errors import PageNotFound
from services.console.forms import Form, KeyForm, parse_day, parse_year
from services.console.sessions import Session, new_secret
from services.console.web import (
    ApiDep,
    MinistryUser,
    ProvinceUser,
    UserDep,
    flash,
    message,
    redirect,
    render,
    require_role,
)
from shared.clock import vietnam_today

router = APIRouter()
# The cluster's list: the lead reviews it, and an emulation office the lead's own province's
# nominees (a lead never reviews its own); the API decides who may do which.
ReviewerUser = Annotated[Session, Depends(require_role("province", "ministry", "staff"))]
UUID_TEXT = re.compile(r"[0-9a-f-]{36}")


class ProposalForm(Form):
    cluster_year: str = ""       # "CLUSTER/YEAR", picked from the unit's cluster-years
    form: str = ""

    @property
    def cluster_code(self) -> str:
        return self.cluster_year.rpartition("/")[0]

    @property
    def year(self) -> int:
        return parse_year(self.cluster_year.rpartition("/")[2]) or 0


class NomineeForm(Form):
    kind: str = ""
    name: str = ""
    position: str = ""
    unit: str = ""
    birth_date: str = ""
    gender: str = ""
    summary: str = ""
    # What the statistics forms count (individuals): "" not stated; yes/no for the two booleans.
    leader_level: str = ""
    direct_worker: str = ""
    ethnic_minority: str = ""

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {k: getattr(self, k) or None
                                for k in ("kind", "position", "unit", "gender", "leader_level")}
        for key in ("direct_worker", "ethnic_minority"):
            value = getattr(self, key)
            body[key] = None if not value else value == "yes" if value in ("yes", "no") else value
        day = parse_day(self.birth_date)
        body["birth_date"] = (day.isoformat() if day else self.birth_date) or None
        body["summary"] = self.summary
        body["name"] = self.name
        return body


class WithdrawForm(Form):
    proposal_id: str = ""


class ReviewForm(Form):
    nominee_id: str = ""
    nominee_name: str = ""   # for the message saying what was done
    action: str = ""
    reason: str = ""


async def _reviewed(request: Request, form: ReviewForm) -> None:
    """Each review step says what it did, naming the nominee."""
    await flash(request, message(request, f"comm.done.{form.action}", name=form.nominee_name[:200] or "—"), "ok")


# ---------------------------------------------------------------- a province's proposals

async def _mine_page(request: Request, api: Api, *, province: str | None, values: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    this = vietnam_today().year
    periods = await service.member_periods(api, province=province or "", years=[this, this - 1, this - 2, this - 3])
    # The forms of the organisers whose clusters the unit is in (a province's: the ministry's).
    items, forms = await awards.proposals_and_forms(api, [p.get("organiser") or "BNV" for p in periods] or None)
    mine = [p for p in items if p["province_code"] == province]
    led = [p for p in items if p["province_code"] != province]
    lists = sorted({(p["cluster_code"], p["year"]) for p in led}, key=lambda k: (-k[1], k[0]))
    return await render(request, "commendations/mine.html", {
        "proposals": mine, "lists": [] if errors else lists, "award_forms": forms, "values": values or {},
        "cluster_years": [{"value": f"{p['cluster_code']}/{p['year']}", "name": p["cluster_name"], "year": p["year"]}
                          for p in periods],
        "key": new_secret(), "errors": errors or {}}, status_code=status_code, again_at="/commendations")


@router.get("/commendations")
async def my_proposals(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    return await _mine_page(request, api, province=user.province)


@router.post("/commendations/proposals")
async def create_proposal(request: Request, user: ProvinceUser, api: ApiDep) -> Response:
    form = await ProposalForm.read(request)
    body = {"cluster_code": form.cluster_code, "year": form.year, "form": form.form}
    try:
        made = await api.post("nominations", "/v1/commendations/proposals", json=body,
                              idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors({"cluster_code": "cluster_year", "year": "cluster_year"})
        if not errors:
            errors["_form"] = exc.message
        return await _mine_page(request, api, province=user.province, values=form.model_dump(), errors=errors,
                                status_code=422)
    await flash(request, message(request, "comm.created"), "ok")
    return redirect(f"/commendations/proposals/{made['id']}")


async def _proposal_page(request: Request, api: Api, proposal_id: UUID, *, errors: dict[str, str] | None = None,
                         values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    proposal = await awards.proposal(api, proposal_id=proposal_id)
    session = api.session
    owner = session is not None and session.province == proposal["province_code"]
    editable = owner and proposal["origin"] == "province" and proposal["state"] in ("draft", "returned")
    return await render(request, "commendations/proposal.html", {
        "p": proposal, "owner": owner, "editable": editable, "values": values or {}, "errors": errors or {},
        "key": new_secret()}, status_code=status_code, again_at=f"/commendations/proposals/{proposal_id}")


@router.get("/commendations/proposals/{proposal_id}")
async def proposal(request: Request, proposal_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _proposal_page(request, api, proposal_id)


@router.post("/commendations/proposals/{proposal_id}/nominees")
async def add_nominee(request: Request, proposal_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await NomineeForm.read(request)
    try:
        await api.post("nominations", f"/v1/commendations/proposals/{proposal_id}/nominees", json=form.body(),
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors()
        if not errors:
            errors["_form"] = exc.message
        return await _proposal_page(request, api, proposal_id, errors=errors, values=form.model_dump(),
                                    status_code=422)
    await flash(request, message(request, "comm.nominee_added"), "ok")
    return redirect(f"/commendations/proposals/{proposal_id}")


@router.post("/commendations/nominees/{nominee_id}/withdraw")
async def withdraw(request: Request, nominee_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await WithdrawForm.read(request)
    await api.delete("nominations", f"/v1/commendations/nominees/{nominee_id}")
    return redirect(f"/commendations/proposals/{form.proposal_id}" if UUID_TEXT.fullmatch(form.proposal_id)
                    else "/commendations")


@router.post("/commendations/proposals/{proposal_id}/attachments")
async def upload(request: Request, proposal_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await request.form()  # a file: read as multipart, not as a form model of text fields
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return await _proposal_page(request, api, proposal_id, errors={"file": message(request, "comm.file_missing")},
                                    status_code=422)
    try:
        # The API takes the raw bytes; the console relays them with the user's own token.
        await api.request("nominations", "POST", f"/v1/commendations/proposals/{proposal_id}/attachments",
                          params={"filename": upload.filename}, content=await upload.read(),
                          idempotency_key=new_secret())
    except ApiError as exc:
        return await _proposal_page(request, api, proposal_id, errors={"file": exc.message}, status_code=422)
    await flash(request, message(request, "comm.file_added"), "ok")
    return redirect(f"/commendations/proposals/{proposal_id}")


@router.get("/commendations/attachments/{attachment_id}")
async def download(attachment_id: UUID, user: UserDep, api: ApiDep) -> Response:
    resp = await awards.file(api, f"/v1/commendations/attachments/{attachment_id}")
    return Response(resp.content, media_type=resp.headers.get("content-type", "application/octet-stream"),
                    headers={"Content-Disposition": resp.headers.get("content-disposition", "attachment"),
                             "X-Content-Type-Options": "nosniff"})


@router.post("/commendations/proposals/{proposal_id}/submit")
async def submit(request: Request, proposal_id: UUID, user: ProvinceUser, api: ApiDep) -> Response:
    form = await KeyForm.read(request)
    try:
        await api.post("nominations", f"/v1/commendations/proposals/{proposal_id}/submit",
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _proposal_page(request, api, proposal_id, errors={"_form": exc.message}, status_code=422)
    await flash(request, message(request, "comm.submitted"), "ok")
    return redirect(f"/commendations/proposals/{proposal_id}")


# ---------------------------------------------------------------- the lead's review table

@router.get("/commendations/lists/{cluster}/{year:int}")
async def cluster_list(request: Request, cluster: str, year: int, user: ReviewerUser, api: ApiDep) -> Response:
    if not CLUSTER_CODE.match(cluster):
        raise PageNotFound()
    data = await awards.cluster_list(api, cluster=cluster, year=year)
    return await render(request, "commendations/list.html", {
        "l": data, "office_name": await awards.organiser_name(api, data.get("organiser")), "key": new_secret()})


@router.post("/commendations/lists/{cluster}/{year:int}/review")
async def review(request: Request, cluster: str, year: int, user: ReviewerUser, api: ApiDep) -> Response:
    form = await ReviewForm.read(request)
    if not CLUSTER_CODE.match(cluster) or not UUID_TEXT.fullmatch(form.nominee_id) or \
            form.action not in ("accept", "return"):
        raise PageNotFound()
    try:
        if form.action == "accept":
            await api.post("nominations", f"/v1/commendations/nominees/{form.nominee_id}/accept")
        else:
            await api.post("nominations", f"/v1/commendations/nominees/{form.nominee_id}/return",
                           json={"reason": form.reason})
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await _reviewed(request, form)
    return redirect(f"/commendations/lists/{cluster}/{year}")


@router.post("/commendations/lists/{cluster}/{year:int}/send")
async def send(request: Request, cluster: str, year: int, user: ProvinceUser, api: ApiDep) -> Response:
    if not CLUSTER_CODE.match(cluster):
        raise PageNotFound()
    form = await KeyForm.read(request)
    try:
        period = await service.period_or_none(api, cluster=cluster, year=year)
        name = await awards.organiser_name(api, (period or {}).get("organiser"))
        sent = await api.post("nominations", f"/v1/commendations/lists/{cluster}/{year}/send",
                              idempotency_key=form.idempotency_key)
        await flash(request, message(request, "comm.sent_to", count=sent["nominees"], name=name) if name
                    else message(request, "comm.sent", count=sent["nominees"]), "ok")
    except ApiError as exc:
        await flash(request, exc.message, "error")
    return redirect(f"/commendations/lists/{cluster}/{year}")


# ---------------------------------------------------------------- the ministry's review queue

async def queue_page(request: Request, api: Api, *, errors: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    session = api.session
    organiser = (session.organiser if session is not None and session.role == "staff" else None) or "BNV"
    queue, rules = await asyncio.gather(awards.review_queue(api),
                                        awards.office_rules(api, organiser=organiser, year=vietnam_today().year))
    return await render(request, "commendations/queue.html", {
        **queue, "rules": rules, "values": values or {}, "errors": errors or {}, "key": new_secret()},
        status_code=status_code, again_at="/ministry/commendations")


@router.get("/ministry/commendations")
async def queue(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    return await queue_page(request, api)


@router.post("/ministry/commendations/review")
async def ministry_review(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await ReviewForm.read(request)
    if not UUID_TEXT.fullmatch(form.nominee_id) or form.action not in ("approve", "reject"):
        raise PageNotFound()
    try:
        if form.action == "approve":
            await api.post("nominations", f"/v1/commendations/nominees/{form.nominee_id}/approve")
        else:
            await api.post("nominations", f"/v1/commendations/nominees/{form.nominee_id}/reject",
                           json={"reason": form.reason})
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await _reviewed(request, form)
    return redirect("/ministry/commendations")
