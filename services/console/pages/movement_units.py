"""Emulation movements, the units' side and the models: a unit's registration and report forms
(usable on a phone), the models gallery with search (diacritics-insensitive, by the API), a model's
page with the organiser's assessment, registering a model, and selecting models for a publication."""
from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import awards
from services.console import movement_reads as reads
from services.console.api import Api, ApiError
from services.console.errors import PageNotFound
from services.console.forms import Form, parse_day, parse_year
from services.console.pages.movements import _organiser
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, flash, message, redirect, render

router = APIRouter()
FIELD_CODE = re.compile(r"[a-z][a-z_]{1,39}")
UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
STATES = ("registered", "under_assessment", "recognised", "not_recognised")
FIGURES = ("money_vnd", "houses", "households", "people", "workdays", "km_roads")
UUID_TEXT = re.compile(r"[0-9a-f-]{36}")


async def _own_units(api: Api, movement_id: UUID) -> list[dict[str, Any]]:
    """The units in scope the signed-in province acts for (itself and its children)."""
    session = api.session
    if session is None or session.province is None:
        return []
    return await reads.units(api, movement_id=movement_id, parent=session.province)


# ---------------------------------------------------------------- registration

class RegistrationForm(Form):
    unit_code: str = ""
    note: str = ""
    aim: list[str] = []


async def _registration_page(request: Request, api: Api, movement_id: UUID, *, values: dict[str, Any] | None = None,
                             errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    movement = await reads.movement(api, movement_id=movement_id)
    return await render(request, "movements/register.html", {
        "m": movement, "units": await _own_units(api, movement_id), "values": values or {}, "errors": errors or {},
        "key": new_secret()}, status_code=status_code)


@router.get("/movements/{movement_id}/register")
async def registration(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _registration_page(request, api, movement_id)


@router.post("/movements/{movement_id}/register")
async def register(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await RegistrationForm.read(request)
    targets = [{"criterion": code, "target": value} for code, value in form.prefixed("target-").items() if value]
    names = form.prefixed("aim-name-")
    titles = [{"title": code, "kind": "unit", "name": names.get(code) or form.unit_code} for code in form.aim]
    body = {"unit_code": form.unit_code, "targets": targets, "titles": titles, "note": form.note or None}
    try:
        await api.post("nominations", f"/v1/movements/{movement_id}/registrations", json=body,
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _registration_page(request, api, movement_id, values=form.typed(),
                                        errors=exc.field_errors() or {"_form": exc.message}, status_code=422)
    await flash(request, message(request, "mv.registered_ok"), "ok")
    return redirect(f"/movements/{movement_id}")


# ---------------------------------------------------------------- reports

class ReportForm(Form):
    unit_code: str = ""
    phase: str = ""
    summary: str = ""


async def _report_page(request: Request, api: Api, movement_id: UUID, *, values: dict[str, Any] | None = None,
                       errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    movement = await reads.movement(api, movement_id=movement_id)
    return await render(request, "movements/report.html", {
        "m": movement, "units": await _own_units(api, movement_id), "values": values or {}, "errors": errors or {},
        "key": new_secret()}, status_code=status_code)


@router.get("/movements/{movement_id}/report")
async def report_form(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _report_page(request, api, movement_id)


@router.post("/movements/{movement_id}/report")
async def report(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await ReportForm.read(request)
    results = [{"criterion": code, "result": value} for code, value in form.prefixed("result-").items() if value]
    body = {"unit_code": form.unit_code, "phase": int(form.phase) if form.phase.isdigit() else 0,
            "results": results, "summary": form.summary}
    try:
        await api.put("nominations", f"/v1/movements/{movement_id}/reports", json=body,
                      idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _report_page(request, api, movement_id, values=form.typed(),
                                  errors=exc.field_errors() or {"_form": exc.message}, status_code=422)
    await flash(request, message(request, "mv.reported"), "ok")
    return redirect(f"/movements/{movement_id}")


# ---------------------------------------------------------------- the models gallery

@router.get("/movements/{movement_id}/models")
async def gallery(request: Request, movement_id: UUID, api: ApiDep, cursor: str | None = None) -> Response:
    q = request.query_params
    values = {k: (q.get(k) or "").strip() for k in ("q", "field", "unit", "state")}
    params: dict[str, Any] = {"limit": 60}
    if values["q"]:
        params["q"] = values["q"][:200]
    if FIELD_CODE.fullmatch(values["field"]):
        params["field"] = values["field"]
    if UNIT_CODE.fullmatch(values["unit"]):
        params["unit"] = values["unit"]
    if values["state"] in STATES:
        params["state"] = values["state"]
    if cursor:
        params["cursor"] = cursor[:500]
    movement = await reads.movement(api, movement_id=movement_id)
    page = await reads.models(api, movement_id=movement_id, params=params)
    fields = await reads.fields(api)
    unit = api.session is not None and api.session.role == "province"
    award_forms = await awards.proposable_forms(api) if unit else []
    more = "&".join(f"{k}={v}" for k, v in params.items() if k not in ("limit", "cursor"))
    return await render(request, "movements/gallery.html", {
        "m": movement, "models": page["items"], "next": page["next"], "values": values, "fields": fields,
        "organiser": _organiser(api, movement), "unit": unit, "award_forms": award_forms, "more_query": more,
        "key": new_secret()})


class ModelForm(Form):
    unit_code: str = ""
    title: str = ""
    field: str = ""
    owner_kind: str = "collective"
    owner_name: str = ""
    description: str = ""


async def _model_form_page(request: Request, api: Api, movement_id: UUID, *, values: dict[str, Any] | None = None,
                           errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    movement = await reads.movement(api, movement_id=movement_id)
    return await render(request, "movements/model_new.html", {
        "m": movement, "units": await _own_units(api, movement_id), "values": values or {"owner_kind": "collective"},
        "fields": await reads.fields(api), "figures": FIGURES,
        "errors": errors or {}, "key": new_secret()}, status_code=status_code)


@router.get("/movements/{movement_id}/models/new")
async def new_model(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    return await _model_form_page(request, api, movement_id)


@router.post("/movements/{movement_id}/models/new")
async def create_model(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await ModelForm.read(request)
    figures: dict[str, Any] = {}
    for key, value in form.prefixed("figure-").items():
        if value:
            digits = value.replace(".", "").replace(",", "").replace(" ", "")
            figures[key] = int(digits) if digits.isdigit() else value
    body = {"unit_code": form.unit_code, "title": form.title, "field": form.field, "owner_kind": form.owner_kind,
            "owner_name": form.owner_name, "description": form.description, "figures": figures}
    try:
        made = await api.post("nominations", f"/v1/movements/{movement_id}/models", json=body,
                              idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = {k.replace("figures.", "figure-"): v for k, v in exc.field_errors().items()}
        return await _model_form_page(request, api, movement_id, values=form.typed(),
                                      errors=errors or {"_form": exc.message}, status_code=422)
    await flash(request, message(request, "mv.model_registered"), "ok")
    return redirect(f"/movement-models/{made['id']}")


# ---------------------------------------------------------------- a model and its assessment

async def _model_page(request: Request, api: Api, model_id: UUID, *, errors: dict[str, str] | None = None,
                      status_code: int = 200) -> Response:
    model = await reads.model(api, model_id=model_id)
    movement = await reads.movement(api, movement_id=model["movement_id"])
    return await render(request, "movements/model.html", {
        "model": model, "m": movement, "organiser": _organiser(api, movement), "errors": errors or {},
        "key": new_secret()}, status_code=status_code)


@router.get("/movement-models/{model_id}")
async def model_page(request: Request, model_id: UUID, api: ApiDep) -> Response:
    return await _model_page(request, api, model_id)


class MoveForm(Form):
    level: str = ""
    decision_number: str = ""
    decision_date: str = ""
    note: str = ""


@router.post("/movement-models/{model_id}/{route}")
async def move(request: Request, model_id: UUID, route: str, user: UserDep, api: ApiDep) -> Response:
    if route not in ("assess", "recognise", "reject"):
        raise PageNotFound()
    form = await MoveForm.read(request)
    body: dict[str, Any] = {"note": form.note or None}
    if route == "recognise":
        day = parse_day(form.decision_date)
        body |= {"level": form.level, "decision_number": form.decision_number,
                 "decision_date": day.isoformat() if day else form.decision_date}
    if route == "reject":
        body["note"] = form.note
    try:
        await api.post("nominations", f"/v1/movement-models/{model_id}/{route}", json=body,
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _model_page(request, api, model_id, errors=exc.field_errors() or {"_form": exc.message},
                                 status_code=422)
    await flash(request, message(request, "mv.moved"), "ok")
    return redirect(f"/movement-models/{model_id}")


class PublicationForm(Form):
    title: str = ""
    model: list[str] = []


@router.post("/movements/{movement_id}/publications")
async def create_publication(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await PublicationForm.read(request)
    body = {"title": form.title, "models": [m for m in form.model if UUID_TEXT.fullmatch(m)]}
    try:
        await api.post("nominations", f"/v1/movements/{movement_id}/publications", json=body,
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(f"/movements/{movement_id}/models?state=recognised")
    await flash(request, message(request, "mv.publication_created"), "ok")
    return redirect(f"/movements/{movement_id}")


class ProposeForm(Form):
    cluster_code: str = ""
    year: str = ""
    form: str = ""
    model: list[str] = []


@router.post("/movements/{movement_id}/propose")
async def propose(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """The review proposes the selected recognised models' owners into the province's commendation
    proposal, where the province completes and submits it."""
    form = await ProposeForm.read(request)
    body = {"cluster_code": form.cluster_code, "year": parse_year(form.year) or 0, "form": form.form,
            "models": [m for m in form.model if UUID_TEXT.fullmatch(m)]}
    try:
        made = await api.post("nominations", f"/v1/movements/{movement_id}/proposals", json=body,
                              idempotency_key=form.idempotency_key)
    except ApiError as exc:
        await flash(request, exc.message, "error")
        return redirect(f"/movements/{movement_id}/models?state=recognised")
    skipped = "; ".join(f"{s['name']} ({s['reason']})" for s in made["skipped"]) or "0"
    await flash(request, message(request, "mv.proposed", added=len(made["added"]), skipped=skipped), "ok")
    return redirect(f"/commendations/proposals/{made['proposal_id']}")
