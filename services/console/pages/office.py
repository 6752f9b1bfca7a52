"""An organiser's emulation office: its year at a glance, its clusters, units, award forms and
decisions; managing its units (create, rename, merge, dissolve, with their history), its clusters'
members and leadership, and its staff and units' accounts. A province's office sees only its own
organiser (the APIs answer so); the ministry picks any organiser (``?organiser=``): the national
view, read-only where the organiser is not its own (the APIs refuse its writes there)."""
from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import office_reads
from services.console.api import Api, ApiError
from services.console.errors import PageNotFound
from services.console.forms import Day, Form, Year
from services.console.sessions import Session, new_secret
from services.console.web import ApiDep, MinistryUser, flash, message, redirect, render, show_again
from shared.clock import vietnam_today

router = APIRouter()
MINISTRY = "BNV"
UNIT_KINDS = ("department", "commune", "district", "public_service", "enterprise", "collective")


class UnitForm(Form):
    code: str = ""
    name: str = ""
    kind: str = "department"
    form: str = ""


class ChangeForm(Form):
    name: str = ""
    effective_date: Day = None
    reason: str = ""


class MergeForm(Form):
    sources: list[str] = []
    successor_code: str = ""
    successor_name: str = ""
    effective_date: Day = None
    reason: str = ""


class ClusterForm(Form):
    code: str = ""
    name: str = ""
    kind: str = "cum"


class MembersForm(Form):
    cluster: str = ""
    year: Year = None
    members: list[str] = []
    lead: str = ""
    deputy: str = ""


class AccountForm(Form):
    username: str = ""
    role: str = "unit"
    unit_code: str = ""
    display_name: str = ""
    position: str = ""


def _organiser(user: Session, asked: str | None) -> str:
    """Whose office this is: a staff account's own organiser; the ministry's choice (default BNV)."""
    if user.role == "staff":
        return user.organiser or ""
    return asked or MINISTRY


def _may_change(user: Session, organiser: str) -> bool:
    return (user.role == "staff" and user.organiser == organiser) or (user.role == "ministry" and organiser == MINISTRY)


async def _context(api: Api, user: Session, organiser: str, year: int) -> dict[str, Any]:
    found = await office_reads.office(api, organiser=organiser, year=year)
    if found is None:
        raise PageNotFound()
    return {**found, "may_change": _may_change(user, organiser), "national": user.role == "ministry",
            "unit_kinds": UNIT_KINDS, "key": new_secret()}


@router.get("/office")
async def office(request: Request, user: MinistryUser, api: ApiDep, organiser: str | None = None,
                 year: int | None = None) -> Response:
    year = year or vietnam_today().year
    if not 2000 <= year <= 2100:
        raise PageNotFound()
    context = await _context(api, user, _organiser(user, organiser), year)
    if context["national"]:
        context["nationwide"] = await office_reads.national(api, year=year, organisers=context["organisers"])
    return await render(request, "office/home.html", context)


@router.get("/office/units")
async def units(request: Request, user: MinistryUser, api: ApiDep, organiser: str | None = None) -> Response:
    return await render(request, "office/units.html",
                        await _context(api, user, _organiser(user, organiser), vietnam_today().year))


async def _done(request: Request, key: str, where: str) -> Response:
    await flash(request, message(request, key), "ok")
    return redirect(where)


async def _refused(request: Request, api: Api, user: Session, organiser: str, exc: ApiError,
                   template: str = "office/units.html") -> Response:
    context = await _context(api, user, organiser, vietnam_today().year)
    errors = exc.field_errors()
    errors["_form"] = exc.message
    return await render(request, template, {**context, "errors": errors}, status_code=422)


@router.post("/office/units")
async def unit_create(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    organiser = _organiser(user, None)
    form = await UnitForm.read(request)
    body = {"code": form.code, "name": form.name, "kind": form.kind, "organiser": organiser,
            "form": form.form or None}
    try:
        await api.post("registry", "/v1/units", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _refused(request, api, user, organiser, exc)
    return await _done(request, "office.unit_created", "/office/units")


@router.post("/office/units/{code}/rename")
async def unit_rename(request: Request, code: str, user: MinistryUser, api: ApiDep) -> Response:
    form = await ChangeForm.read(request)
    body = {"name": form.name, "effective_date": form.effective_date.isoformat() if form.effective_date else None,
            "reason": form.reason or None}
    try:
        await api.post("registry", f"/v1/units/{code}/rename", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _refused(request, api, user, _organiser(user, None), exc)
    return await _done(request, "office.unit_renamed", "/office/units")


@router.post("/office/units/{code}/dissolve")
async def unit_dissolve(request: Request, code: str, user: MinistryUser, api: ApiDep) -> Response:
    form = await ChangeForm.read(request)
    body = {"effective_date": form.effective_date.isoformat() if form.effective_date else None,
            "reason": form.reason}
    try:
        await api.post("registry", f"/v1/units/{code}/dissolve", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _refused(request, api, user, _organiser(user, None), exc)
    return await _done(request, "office.unit_dissolved", "/office/units")


@router.post("/office/units-merger")
async def unit_merge(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    form = await MergeForm.read(request)
    body = {"sources": form.sources, "successor": {"code": form.successor_code, "name": form.successor_name or None},
            "effective_date": form.effective_date.isoformat() if form.effective_date else None,
            "reason": form.reason}
    try:
        await api.post("registry", "/v1/units/mergers", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _refused(request, api, user, _organiser(user, None), exc)
    return await _done(request, "office.units_merged", "/office/units")


@router.post("/office/clusters")
async def cluster_create(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    organiser = _organiser(user, None)
    form = await ClusterForm.read(request)
    body = {"code": form.code, "name": form.name, "kind": form.kind, "organiser": organiser}
    try:
        await api.post("registry", "/v1/clusters", json=body, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _refused(request, api, user, organiser, exc, template="office/home.html")
    return await _done(request, "office.cluster_created", "/office")


@router.post("/office/cluster-members")
async def cluster_members(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    """A cluster's members for the year (the office's units), and the lead and deputy its conference
    elected."""
    organiser = _organiser(user, None)
    form = await MembersForm.read(request)
    year, code = form.year or vietnam_today().year, form.cluster
    try:
        await api.put("registry", f"/v1/clusters/{code}/periods/{year}", json={"members": form.members},
                      idempotency_key=form.idempotency_key)
        if form.lead and form.deputy:
            await api.post("registry", f"/v1/clusters/{code}/periods/{year}/leadership",
                           json={"method": "election", "lead": form.lead, "deputy": form.deputy})
    except ApiError as exc:
        return await _refused(request, api, user, organiser, exc, template="office/home.html")
    return await _done(request, "office.members_set", f"/office?year={year}")


@router.get("/office/accounts")
async def accounts(request: Request, user: MinistryUser, api: ApiDep, organiser: str | None = None) -> Response:
    organiser = _organiser(user, organiser)
    context, listed = await asyncio.gather(_context(api, user, organiser, vietnam_today().year),
                                           office_reads.accounts(api, organiser=organiser))
    return await render(request, "office/accounts.html", {**context, "accounts": listed})


@router.post("/office/accounts")
async def account_create(request: Request, user: MinistryUser, api: ApiDep) -> Response:
    """A staff or unit account of this organiser, for a named person, with no password typed by the office:
    the registry answers a one-time code, shown here once, with which the person sets their own."""
    organiser = _organiser(user, None)
    form = await AccountForm.read(request)
    body: dict[str, Any] = {"username": form.username, "role": form.role, "display_name": form.display_name or None,
                            "position": form.position or None}
    if form.role == "staff":
        body["organiser"] = organiser
    else:
        body["unit_code"] = form.unit_code
    errors: dict[str, str] = {}
    if not form.display_name:   # people are named: the documents they sign print it
        errors["display_name"] = message(request, "field.required")
    else:
        try:
            made = await api.post("registry", "/v1/accounts", json=body, idempotency_key=form.idempotency_key)
        except ApiError as exc:
            errors = exc.field_errors()
            errors["_form"] = exc.message
    context = await _context(api, user, organiser, vietnam_today().year)
    listed = await office_reads.accounts(api, organiser=organiser)
    if errors:
        return await render(request, "office/accounts.html", {**context, "accounts": listed, "errors": errors},
                            status_code=422)
    return await show_again(request, "office/accounts.html", {
        **context, "accounts": listed, "setup_code": made.get("setup_code"), "created_username": made["username"],
        "setup_expires_at": made.get("setup_code_expires_at")}, at="/office/accounts", status_code=200)
