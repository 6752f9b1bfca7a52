"""The organiser's emulation office founds its council and schedules its sessions: ``/councils``
(its councils; found one from its founding decision, members per term, each with the account it
signs in with) and ``/councils/{id}`` (the members, the sessions with their desks, and a session
scheduled over the nominees the office received from the clusters' lists). Every write goes to the
API with the user's own token."""
from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import council_reads as reads
from services.console.api import ApiError
from services.console.forms import Day, Form, Year
from services.console.sessions import Session, new_secret
from services.console.web import ApiDep, MinistryUser, flash, message, redirect, render

router = APIRouter()
ROLES = ("chair", "vice_chair", "member")
ROWS = 12  # member rows offered by the founding form; more: found it through the API


class FoundForm(Form):
    name: str = ""
    term_from: Day = None
    term_to: Day = None
    decision_number: str = ""
    decision_date: Day = None


class ScheduleForm(Form):
    title: str = ""
    year: Year = None
    held_on: Day = None
    place: str = ""
    nominee_ids: list[str] = []


def _organiser(user: Session) -> str:
    return (user.organiser or "") if user.role == "staff" else "BNV"


def _members(form: Form) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The member rows as typed (for showing again) and those filled in (for the API)."""
    fields = form.prefixed("m-")
    rows = [{k: fields.get(f"{k}-{i}", "") for k in ("name", "position", "role", "account")} for i in range(ROWS)]
    return rows, [r for r in rows if r["name"] or r["account"]]


async def _list_page(request: Request, user: Session, api: ApiDep, **extra: Any) -> Response:
    found = await reads.councils(api, _organiser(user))
    rows = extra.pop("rows", None) or [{"name": "", "position": "", "role": "chair" if i == 0 else "member",
                                        "account": ""} for i in range(ROWS)]
    return await render(request, "councils/list.html", {"councils": found, "rows": rows, "roles": ROLES,
                                                         "key": new_secret(), "form": {}, **extra})


@router.get("/councils")
async def councils(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    return await _list_page(request, user, api)


@router.post("/councils")
async def found(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await FoundForm.read(request)
    rows, members = _members(form)
    body = {"name": form.name, "term_from": form.term_from and form.term_from.isoformat(),
            "term_to": form.term_to and form.term_to.isoformat(), "decision_number": form.decision_number,
            "decision_date": form.decision_date and form.decision_date.isoformat(), "members": members}
    try:
        made = await api.post("nominations", "/v1/councils", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return await _list_page(request, user, api, rows=rows, form=_typed(form))
    await flash(request, message(request, "council.founded"), "ok")
    return redirect(f"/councils/{made['id']}")


def _typed(form: Form) -> dict[str, str]:
    """The founding form's fields as typed, to show a refused form again as it was."""
    return {k: v for k, v in form.prefixed("").items() if not k.startswith("m-")}


@router.get("/councils/{council_id}")
async def council(request: Request, council_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    page = await reads.council_page(api, council_id)
    return await render(request, "councils/council.html", {**page, "key": new_secret()})


@router.post("/councils/{council_id}/sessions")
async def schedule(request: Request, council_id: UUID, user: MinistryUser, api: ApiDep) -> Response:
    form = await ScheduleForm.read(request)
    body = {"title": form.title, "year": form.year, "held_on": form.held_on and form.held_on.isoformat(),
            "place": form.place, "nominee_ids": form.nominee_ids}
    try:
        made = await api.post("nominations", f"/v1/councils/{council_id}/sessions", json=body,
                              idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(f"/councils/{council_id}")
    await flash(request, message(request, "council.scheduled"), "ok")
    return redirect(f"/councils/{council_id}/sessions/{made['id']}/desk")
