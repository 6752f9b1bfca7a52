"""The cluster's conference in the console: the secretary's desk (roster, check-in, quorum, open and
adjourn the session, open each vote of the conference), the hall screen (a QR code that opens the
delegate's check-in on a phone, attendance, whether the quorum holds) and the delegate's phone (its
unit's delegates, each checked in with one tap). Every write goes to the API with the user's token."""
from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console import conference_reads as reads
from services.console import documents
from services.console.api import ApiError
from services.console.forms import Form
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, flash, get_lang, message, redirect, render

router = APIRouter()
ARRIVE_PATH = "/conferences/{conference_id}/arrive"
BACKS = {"desk": "/conferences/{id}/desk", "arrive": ARRIVE_PATH.replace("conference_id", "id")}


class CheckInForm(Form):
    delegate_id: str = ""
    back: str = "desk"


class ActionForm(Form):
    round_id: str = ""


class SignForm(Form):
    signer_name: str = ""
    signer_position: str = ""


# The minutes as the nominations service renders them (its own styles, no script).
MINUTES_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@router.get("/conferences/{conference_id}/desk")
async def desk(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf, roster = await asyncio.gather(reads.conference(api, conference_id), reads.roster(api, conference_id))
    minutes = await reads.minutes_json(api, conference_id) if conf["state"] == "adjourned" else None
    return await render(request, "conferences/desk.html", {
        "conf": conf, "roster": roster, "rounds": await reads.rounds(api, conf["rounds"]), "key": new_secret(),
        "minutes": minutes})


@router.get("/conferences/{conference_id}/screen")
async def hall_screen(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf = await reads.conference(api, conference_id)
    arrive_url = str(request.base_url).rstrip("/") + ARRIVE_PATH.format(conference_id=conference_id)
    # The results as the chair announces them: each vote of the conference once counted.
    counted = [r for r in await reads.visible_rounds(api, conf["rounds"]) if r["result"] is not None]
    return await render(request, "conferences/hall.html", {
        "conf": conf, "arrive_url": arrive_url, "results": [reads.outcome(r, get_lang(request)) for r in counted],
        "qr": documents.qr_svg(arrive_url, label=message(request, "meeting.qr"))})


@router.get("/conferences/{conference_id}/arrive")
async def arrive(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf, roster = await asyncio.gather(reads.conference(api, conference_id), reads.roster(api, conference_id))
    # A unit's account signs in with the province pages, its code as ``province``.
    mine = [d for d in roster if d["unit"] and d["unit"]["code"] == user.province]
    # The votes open now that this unit has not cast yet: one tap to its ballot.
    votes = [r for r in await reads.visible_rounds(api, conf["rounds"])
             if r["state"] == "open" and user.province in (r["electorate"] or []) and not r.get("voted")]
    return await render(request, "conferences/arrive.html", {"conf": conf, "mine": mine, "key": new_secret(),
                                                             "votes": votes})


@router.get("/conferences/{conference_id}/minutes")
async def minutes_print(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    html = await reads.minutes(api, conference_id, "html")
    return HTMLResponse(html.decode(), headers={"Content-Security-Policy": MINUTES_CSP})


@router.get("/conferences/{conference_id}/minutes.pdf")
async def minutes_pdf(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return Response(await reads.minutes(api, conference_id, "pdf"), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="bien-ban-hoi-nghi-{conference_id}.pdf"'})


@router.get("/conferences/{conference_id}/covenant")
async def covenant(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    conf = await reads.conference(api, conference_id)
    signatures = await reads.signatures(api, conf["cluster_code"], conf["year"] + 1)
    mine = next((s for s in (signatures or {}).get("signatures", []) if s["unit"]["code"] == user.province), None)
    unit = next((u["name"] for u in conf["member_units"] if u["code"] == user.province), None)
    return await render(request, "conferences/covenant.html", {
        "conf": conf, "signatures": signatures, "mine": mine, "unit": unit, "key": new_secret()})


@router.post("/conferences/{conference_id}/covenant")
async def sign_covenant(request: Request, conference_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await SignForm.read(request)
    back = f"/conferences/{conference_id}/covenant"
    if not form.signer_name.strip() or not form.signer_position.strip():
        await flash(request, message(request, "covenant.missing"), "error")
        return redirect(back)
    conf = await reads.conference(api, conference_id)
    try:
        await api.post("nominations", f"/v1/clusters/{conf['cluster_code']}/periods/{conf['year'] + 1}/covenant/"
                       "signatures", json={"signer_name": form.signer_name.strip(),
                                           "signer_position": form.signer_position.strip()},
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, "covenant.done"), "ok")
    return redirect(back)


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
        elif action in ("confirm-chair", "confirm-secretary"):
            await api.post("nominations", f"/v1/conferences/{conference_id}/minutes/confirmations",
                           json={"role": action.removeprefix("confirm-")}, idempotency_key=form.idempotency_key)
        else:
            return redirect(back)
    except ValueError:
        return redirect(back)
    except ApiError as exc:
        await flash(request, exc.message, "error")
    else:
        await flash(request, message(request, f"meeting.done.{action}"), "ok")
    return redirect(back)
