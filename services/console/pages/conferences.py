"""The cluster's conference in the console: the secretary's desk (roster, check-in, quorum, open and
adjourn the session, open each vote of the conference), the hall screen (a QR code that opens the
delegate's check-in on a phone, attendance, whether the quorum holds) and the delegate's phone (its
unit's delegates, each checked in with one tap). Every write goes to the API with the user's token."""
from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import conference_reads as reads
from services.console import documents
from services.console.api import ApiError
from services.console.forms import Form
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, flash, message, redirect, render

router = APIRouter()
ARRIVE_PATH = "/conferences/{conference_id}/arrive"
BACKS = {"desk": "/conferences/{id}/desk", "arrive": ARRIVE_PATH.replace("conference_id", "id")}


class CheckInForm(Form):
    delegate_id: str = ""
    back: str = "desk"


class ActionForm(Form):
    round_id: str = ""


@router.get("/conferences/{conference_id}/desk")
async def desk(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf, roster = await asyncio.gather(reads.conference(api, conference_id), reads.roster(api, conference_id))
    return await render(request, "conferences/desk.html", {
        "conf": conf, "roster": roster, "rounds": await reads.rounds(api, conf["rounds"]), "key": new_secret()})


@router.get("/conferences/{conference_id}/screen")
async def hall_screen(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf = await reads.conference(api, conference_id)
    arrive_url = str(request.base_url).rstrip("/") + ARRIVE_PATH.format(conference_id=conference_id)
    return await render(request, "conferences/hall.html", {
        "conf": conf, "arrive_url": arrive_url,
        "qr": documents.qr_svg(arrive_url, label=message(request, "meeting.qr"))})


@router.get("/conferences/{conference_id}/arrive")
async def arrive(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf, roster = await asyncio.gather(reads.conference(api, conference_id), reads.roster(api, conference_id))
    # A unit's account signs in with the province pages, its code as ``province``.
    mine = [d for d in roster if d["unit"] and d["unit"]["code"] == user.province]
    return await render(request, "conferences/arrive.html", {"conf": conf, "mine": mine, "key": new_secret()})


@router.post("/conferences/{conference_id}/check-ins")
async def check_in(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await CheckInForm.read(request)
    back = BACKS.get(form.back, BACKS["desk"]).format(id=conference_id)
    try:
        UUID(form.delegate_id)
        done = await api.post("nominations", f"/v1/conferences/{conference_id}/check-ins",
                              json={"delegate_id": form.delegate_id}, idempotency_key=form.idempotency_key)
    except ValueError:
        await flash(request, message(request, "meeting.no_delegate"), "error")
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "meeting.checked_in", name=done["delegate"]["name"]), "ok")
    return redirect(back)


@router.post("/conferences/{conference_id}/{action}")
async def session_action(request: Request, conference_id: UUID, action: str, user: UserDep, api: ApiDep) -> Response:
    form = await ActionForm.read(request)
    back = BACKS["desk"].format(id=conference_id)
    try:
        if action in ("open", "adjourn"):
            await api.post("nominations", f"/v1/conferences/{conference_id}/{action}",
                           idempotency_key=form.idempotency_key)
        elif action == "open-round":
            await api.post("nominations", f"/v1/rounds/{UUID(form.round_id)}/open",
                           idempotency_key=form.idempotency_key)
        else:
            return redirect(back)
    except ValueError:
        return redirect(back)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, f"meeting.done.{action}"), "ok")
    return redirect(back)
