"""Emulation movements, the organiser's side: the list, the editor (period, phases, criteria, titles,
scope, document), the dashboard (registered vs expected by level, models by field and phase, charts,
.xlsx), launch, extensions, phase reviews, and the publication printed as PDF. Every rule is the
API's: the pages call it with the user's token and show what it answers."""
from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import awards, documents, movement_documents
from services.console import movement_reads as reads
from services.console.api import Api, ApiError
from services.console.forms import Form, parse_day
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, flash, get_lang, message, redirect, render, t_for

router = APIRouter()
UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
PHASE_ROWS = 4
KINDS = ("province", "commune", "agency", "ministry", "other")


def _day(text: str) -> str:
    day = parse_day(text)
    return day.isoformat() if day else text


def _lines(text: str, size: int) -> list[list[str]]:
    """"a | b | c" lines, padded to ``size`` parts; blank lines skipped."""
    rows = []
    for raw in text.splitlines():
        if raw.strip():
            parts = [p.strip() for p in raw.split("|")]
            rows.append((parts + [""] * size)[:size])
    return rows


class MovementForm(Form):
    name: str = ""
    kind: str = "regular"
    organiser_code: str = ""
    organiser_name: str = ""
    starts_on: str = ""
    ends_on: str = ""
    registration_deadline: str = ""
    description: str = ""
    document_number: str = ""
    document_date: str = ""
    document_signer: str = ""
    criteria: str = ""
    titles: str = ""
    scope: str = "units"
    units: str = ""

    def body(self) -> dict[str, Any]:
        phases: list[dict[str, Any]] = []
        for n in range(1, PHASE_ROWS + 1):
            row = self.prefixed(f"phase{n}-")
            if any(row.get(k) for k in ("name", "starts_on", "ends_on", "report_deadline")):
                phases.append({"number": len(phases) + 1, "name": row.get("name", ""),
                               "starts_on": _day(row.get("starts_on", "")), "ends_on": _day(row.get("ends_on", "")),
                               "report_deadline": _day(row.get("report_deadline", ""))})
        units = [{"code": c, "name": n, "kind": k if k in KINDS else "other", "parent_code": p or None}
                 for c, n, k, p in _lines(self.units, 4)]
        return {
            "name": self.name, "kind": self.kind, "organiser_code": self.organiser_code.upper(),
            "organiser_name": self.organiser_name, "starts_on": _day(self.starts_on), "ends_on": _day(self.ends_on),
            "registration_deadline": _day(self.registration_deadline), "description": self.description or None,
            "document_number": self.document_number or None, "document_date": _day(self.document_date) or None,
            "document_signer": self.document_signer or None, "phases": phases, "scope": self.scope,
            "criteria": [{"code": c, "text": t, "target": g or None} for c, t, g in _lines(self.criteria, 3)],
            "titles": [{"code": c, "name": n} for c, n in _lines(self.titles, 2)],
            "units": units if self.scope == "units" else []}


# ---------------------------------------------------------------- list and editor

@router.get("/movements")
async def movements(request: Request, api: ApiDep) -> Response:
    page = await reads.movements(api)
    return await render(request, "movements/list.html", {"movements": page})


def _editor_values(user: Any) -> dict[str, Any]:
    year = date.today().year
    organiser = (user.organiser if user.role == "staff" and user.organiser
                 else f"UBND-{user.province}" if user.role == "province" and user.province else "BNV")
    return {"kind": "regular", "scope": "units", "organiser_code": organiser,
            "starts_on": f"01/01/{year}", "ends_on": f"31/12/{year}", "registration_deadline": f"31/03/{year}",
            "phase1-name": "Đợt 1", "phase1-starts_on": f"01/01/{year}", "phase1-ends_on": f"30/06/{year}",
            "phase1-report_deadline": f"10/07/{year}", "phase2-name": "Đợt 2", "phase2-starts_on": f"01/07/{year}",
            "phase2-ends_on": f"31/12/{year}", "phase2-report_deadline": f"10/01/{year + 1}"}


@router.get("/movements/new")
async def new_movement(request: Request, user: UserDep) -> Response:
    return await render(request, "movements/edit.html", {"values": _editor_values(user),
                                                         "key": new_secret(), "phase_rows": PHASE_ROWS})


@router.post("/movements/new")
async def create_movement(request: Request, user: UserDep, api: ApiDep) -> Response:
    form = await MovementForm.read(request)
    try:
        made = await api.post("nominations", "/v1/movements", json=form.body(), idempotency_key=form.idempotency_key)
    except ApiError as exc:
        errors = exc.field_errors({"phases": "phases", "units": "units", "criteria": "criteria", "titles": "titles"})
        if not errors:
            errors["_form"] = exc.message
        return await render(request, "movements/edit.html", {"values": form.typed(), "errors": errors,
                                                             "key": form.key, "phase_rows": PHASE_ROWS},
                            status_code=422)
    await flash(request, message(request, "mv.created"), "ok")
    return redirect(f"/movements/{made['id']}")


# ---------------------------------------------------------------- the movement and its dashboard

def _organiser(api: Api, movement: dict[str, Any]) -> bool:
    """Mirrors the API's rule only to choose what to show; the API decides."""
    s = api.session
    if s is None or not s.signed_in:
        return False
    code = movement["organiser_code"]
    return (s.role == "ministry" or (s.role == "staff" and s.organiser == code)
            or (s.role == "province" and "-" in code and code.rsplit("-", 1)[-1] == s.province))


def _charts(rollup: dict[str, Any], lang: str, t: Any) -> dict[str, str]:
    parents = [{"key": p["parent_code"], "label": p["parent_code"],
                "value": round(100 * p["registered"] / p["expected"], 1) if p["expected"] else 0}
               for p in rollup["by_parent"][:40]]
    fields = [{"key": f["field"], "label": f["field_name"], "value": f["models"]} for f in rollup["by_field"]]
    return {
        "parents": documents.bar_chart_svg(parents, max_value=100, label=t("mv.by_parent_chart"), lang=lang)
        if parents else "",
        "fields": documents.bar_chart_svg(fields, max_value=max([f["value"] for f in fields] or [1]),
                                          label=t("mv.by_field_chart"), lang=lang) if fields else ""}


async def _movement_page(request: Request, api: Api, movement_id: UUID, *, errors: dict[str, str] | None = None,
                         status_code: int = 200) -> Response:
    movement = await reads.movement(api, movement_id=movement_id)
    # A large scope shows its levels; a level's units one level down (?parent=).
    parent = request.query_params.get("parent", "")
    parent = parent if UNIT_CODE.fullmatch(parent) else ""
    organiser = _organiser(api, movement)
    rollup, charts, publications = None, {}, []
    if organiser or (api.session is not None and api.session.role == "province"):
        try:
            rollup = await reads.rollup(api, movement_id=movement_id, with_units=movement["units"] <= 200,
                                        parent=parent or None)
        except ApiError:
            rollup = None  # a province outside the scope: the public page only
    if rollup is not None:
        charts = _charts(rollup, get_lang(request), t_for(request))
    if movement["state"] != "draft":
        publications = await reads.publications(api, movement_id=movement_id)
    return await render(request, "movements/movement.html", {
        "m": movement, "organiser": organiser, "rollup": rollup, "charts": charts, "publications": publications,
        "parent": parent,
        "key": new_secret(), "errors": errors or {}}, status_code=status_code)


@router.get("/movements/{movement_id}")
async def movement(request: Request, movement_id: UUID, api: ApiDep) -> Response:
    return await _movement_page(request, api, movement_id)


class LaunchForm(Form):
    document_number: str = ""
    document_date: str = ""
    document_signer: str = ""


@router.post("/movements/{movement_id}/launch")
async def launch(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await LaunchForm.read(request)
    body = {"document_number": form.document_number or None, "document_date": _day(form.document_date) or None,
            "document_signer": form.document_signer or None}
    try:
        await api.post("nominations", f"/v1/movements/{movement_id}/launch", json=body,
                       idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _movement_page(request, api, movement_id, errors=exc.field_errors() or {"_form": exc.message},
                                    status_code=422)
    await flash(request, message(request, "mv.launched"), "ok")
    return redirect(f"/movements/{movement_id}")


class ExtendForm(Form):
    window: str = ""
    until: str = ""
    reason: str = ""


@router.post("/movements/{movement_id}/extend")
async def extend(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await ExtendForm.read(request)
    try:
        await api.post("nominations", f"/v1/movements/{movement_id}/extensions", idempotency_key=form.idempotency_key,
                       json={"window": form.window, "until": _day(form.until), "reason": form.reason})
    except ApiError as exc:
        return await _movement_page(request, api, movement_id, errors=exc.field_errors() or {"_form": exc.message},
                                    status_code=422)
    await flash(request, message(request, "mv.extended"), "ok")
    return redirect(f"/movements/{movement_id}")


class PhaseReviewForm(Form):
    phase: str = ""
    summary: str = ""


@router.post("/movements/{movement_id}/review-phase")
async def review_phase(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await PhaseReviewForm.read(request)
    number = form.phase if form.phase.isdigit() and 1 <= int(form.phase) <= 20 else "1"
    try:
        await api.post("nominations", f"/v1/movements/{movement_id}/phases/{number}/review",
                       json={"summary": form.summary}, idempotency_key=form.idempotency_key)
    except ApiError as exc:
        return await _movement_page(request, api, movement_id, errors=exc.field_errors() or {"_form": exc.message},
                                    status_code=422)
    await flash(request, message(request, "mv.reviewed"), "ok")
    return redirect(f"/movements/{movement_id}")


@router.get("/movements/{movement_id}/rollup.xlsx")
async def rollup_export(movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    movement = await reads.movement(api, movement_id=movement_id)
    rollup = await reads.rollup(api, movement_id=movement_id, with_units=True)
    return Response(movement_documents.rollup_xlsx(movement, rollup), media_type=movement_documents.XLSX,
                    headers={"Content-Disposition": 'attachment; filename="tong-hop-phong-trao.xlsx"'})


@router.get("/movement-publications/{publication_id}.pdf")
async def publication_pdf(publication_id: UUID, api: ApiDep) -> Response:
    publication = await reads.publication(api, publication_id=publication_id)
    movement = await reads.movement(api, movement_id=publication["movement_id"])
    return Response(movement_documents.book_pdf(movement, publication), media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="an-pham-mo-hinh.pdf"'})


# ---------------------------------------------------------------- the movement's documents

@router.post("/movements/{movement_id}/documents")
async def upload(request: Request, movement_id: UUID, user: UserDep, api: ApiDep) -> Response:
    form = await request.form()  # a file: read as multipart, not as a form model of text fields
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return await _movement_page(request, api, movement_id, errors={"file": message(request, "mv.file_missing")},
                                    status_code=422)
    try:
        # The API takes the raw bytes; the console relays them with the user's own token.
        await api.request("nominations", "POST", f"/v1/movements/{movement_id}/documents",
                          params={"filename": upload.filename}, content=await upload.read(),
                          idempotency_key=new_secret())
    except ApiError as exc:
        return await _movement_page(request, api, movement_id, errors={"file": exc.message}, status_code=422)
    await flash(request, message(request, "mv.file_added"), "ok")
    return redirect(f"/movements/{movement_id}")


@router.get("/movement-documents/{document_id}")
async def document(document_id: UUID, api: ApiDep) -> Response:
    resp = await awards.file(api, f"/v1/movement-documents/{document_id}")
    return Response(resp.content, media_type=resp.headers.get("content-type", "application/octet-stream"),
                    headers={"Content-Disposition": resp.headers.get("content-disposition", "attachment"),
                             "X-Content-Type-Options": "nosniff"})
