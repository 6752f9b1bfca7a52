"""The organiser's council in the console: the council secretary's session page (roster, check-ins,
quorum, open and close the vote, the result per nominee, the minutes) and the council member's
ballot on a phone (check in, agree or not with each nominee, the receipt). Every write goes to the
API with the user's own token; the member's ballot is accepted from the member's own account only."""
from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console import council_reads as reads
from services.console.api import ApiError
from services.console.forms import Form
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, flash, message, redirect, render, show_again

router = APIRouter()
BASE = "/councils/{council_id}/sessions/{session_id}"
BACKS = {"desk": BASE + "/desk", "ballot": BASE + "/ballot"}


class CheckInForm(Form):
    member_id: str = ""
    back: str = "desk"


class BallotForm(Form):
    approve: list[str] = []


class ConfirmForm(Form):
    role: str = "secretary"
    name: str = ""
    back: str = "desk"


def _mine(page: dict, username: str | None) -> dict | None:
    member = next((m for m in page["council"]["members"] if m["account"] == username), None)
    if member is None:
        return None
    return next((line for line in page["roster"] if line["member_id"] == member["id"]), None)


@router.get(BASE + "/desk")
async def desk(request: Request, council_id: UUID, session_id: UUID, user: UserDep, api: ApiDep) -> Response:
    page = await reads.session_page(api, council_id, session_id)
    return await render(request, "councils/desk.html", {**page, "key": new_secret()})


@router.get(BASE + "/minutes")
async def minutes(request: Request, council_id: UUID, session_id: UUID, user: UserDep, api: ApiDep,
                  format: str = "html") -> Response:
    fmt = "pdf" if format == "pdf" else "html"
    found = await reads.minutes(api, council_id, session_id, fmt)
    if fmt == "pdf":
        return Response(found.content, media_type="application/pdf",
                        headers={"Content-Disposition": found.headers.get("content-disposition", "attachment")})
    return HTMLResponse(found.text)


@router.post(BASE + "/check-ins")
async def check_in(request: Request, council_id: UUID, session_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await CheckInForm.read(request)
    back = BACKS.get(form.back, BACKS["desk"]).format(council_id=council_id, session_id=session_id)
    try:
        UUID(form.member_id)
        await api.post("nominations", f"/v1/councils/{council_id}/sessions/{session_id}/check-ins",
                       json={"member_id": form.member_id}, idempotency_key=form.idempotency_key)
    except ValueError:
        return redirect(back)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "council.checked_in"), "ok")
    return redirect(back)


@router.get(BASE + "/ballot")
# The receipt is shown once, kept by the redirect after the ballot (render serves it); afterwards this
# address shows the ballot page, which says the ballot was cast.
@router.get(BASE + "/receipt")
async def ballot(request: Request, council_id: UUID, session_id: UUID, user: UserDep, api: ApiDep) -> Response:
    page = await reads.session_page(api, council_id, session_id)
    return await render(request, "councils/ballot.html", {**page, "me": _mine(page, user.username),
                                                           "key": new_secret()})


@router.post(BASE + "/ballot")
async def cast(request: Request, council_id: UUID, session_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await BallotForm.read(request)
    back = BACKS["ballot"].format(council_id=council_id, session_id=session_id)
    try:
        answer = await api.post("nominations", f"/v1/councils/{council_id}/sessions/{session_id}/ballots",
                                json={"approve": form.approve}, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(back)
    page = await reads.session_page(api, council_id, session_id)
    agreed = [n["name"] for n in page["session"]["nominees"] if n["nominee_id"] in form.approve]
    return await show_again(request, "councils/receipt.html", {
        **page, "receipt": answer["receipt"], "agreed": agreed},
        at=(BASE + "/receipt").format(council_id=council_id, session_id=session_id), status_code=200)


@router.post(BASE + "/minutes/confirm")
async def confirm_minutes(request: Request, council_id: UUID, session_id: UUID, user: UserDep,
                          api: ApiDep) -> Response:
    """The secretary (at the desk, with its name) or the chair (on its phone) confirms the minutes."""
    form = await ConfirmForm.read(request)
    back = BACKS.get(form.back, BACKS["desk"]).format(council_id=council_id, session_id=session_id)
    body: dict[str, str | None] = {"role": "chair" if form.role == "chair" else "secretary"}
    if body["role"] == "secretary":
        body["name"] = form.name or None
    try:
        done = await api.post("nominations", f"/v1/councils/{council_id}/sessions/{session_id}/minutes/confirmations",
                              json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "council.minutes_frozen" if done["frozen_at"]
                                     else "council.minutes_confirmed"), "ok")
    return redirect(back)


@router.post(BASE + "/{action}")
async def act(request: Request, council_id: UUID, session_id: UUID, action: str, user: UserDep,
              api: ApiDep) -> Response:
    form = await Form.read(request)
    back = BACKS["desk"].format(council_id=council_id, session_id=session_id)
    if action not in ("open", "close"):
        return redirect(back)
    try:
        await api.post("nominations", f"/v1/councils/{council_id}/sessions/{session_id}/{action}",
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, f"council.done.{action}"), "ok")
    return redirect(back)
