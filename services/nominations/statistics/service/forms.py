"""The yearly statistics forms: which there are, one form's cells, the records behind a cell."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
from fastapi import Depends, Request

from services.nominations.settings import NominationsSettings
from services.nominations.statistics import documents
from services.nominations.statistics.domain import cells, classify, forms, policy
from services.nominations.statistics.store import facts
from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.exports import DocumentBuilder
from shared.pagination import encode_cursor

PREFIX = "/v1/statistics/forms"


def _authorise(actor: Principal, organiser: str | None) -> str | None:
    organiser = policy.scope(actor, organiser)
    if not policy.may_read(actor, organiser):
        if organiser is None:
            raise Forbidden("the national forms (every organiser) are the ministry's", field="organiser")
        raise Forbidden(f"the statistics forms of {organiser} are its emulation office's and the ministry's",
                        field="organiser", slug="other-organiser" if actor.staff_of else None)
    return organiser


def _query(organiser: str | None, year: int) -> str:
    return urlencode({k: v for k, v in (("organiser", organiser), ("year", year)) if v is not None})


def _form(year: int, code: str) -> cells.FormDef:
    form = forms.form_for(year, code)
    if form is None:
        raise NotFound(f"no statistics form {code}: the forms are {', '.join(forms.CODES)}", field="form")
    return form


def _describe(form: cells.FormDef, organiser: str | None, year: int) -> dict[str, Any]:
    return {"form": form.code, "symbol": form.symbol, "title": form.title, "subject": form.subject,
            "unit": form.unit, "basis": form.basis, "notes": list(form.notes), "organiser": organiser, "year": year,
            "url": f"{PREFIX}/{form.code}?{_query(organiser, year)}"}


async def list_forms(conn: asyncpg.Connection, *, actor: Principal, organiser: str | None,
                     year: int) -> dict[str, Any]:
    organiser = _authorise(actor, organiser)
    return {"organiser": organiser, "year": year, "due": date(year, 12, 15),
            "items": [_describe(f, organiser, year) for f in forms.forms_for(year)], "next": None}


def _form_classes(rows: list[asyncpg.Record]) -> dict[str, str]:
    return {r["code"]: classify.form_class(code=r["code"], name=r["name"], round_award=r["round_award"],
                                           organiser=r["organiser"]) for r in rows}


def _movement_dims(m: Mapping[str, Any]) -> dict[str, cells.Value]:
    level = classify.launcher_level(m["organiser_code"])
    return {"kind": m["kind"], "level": level,
            "scope": classify.movement_scope(level=level, unit_kinds=frozenset(m["unit_kinds"]),
                                             is_cluster=m["is_cluster"]),
            "duration": classify.duration_bucket(m["starts_on"], m["ends_on"])}


async def _facts(conn: asyncpg.Connection, form: cells.FormDef, organiser: str | None,
                 year: int) -> list[cells.Fact]:
    if form.subject == "movements":
        return [cells.Fact(_movement_dims(m), 1) for m in await facts.movements(conn, organiser=organiser, year=year)]
    classes = _form_classes(await facts.award_forms(conn))
    return [cells.Fact({"form_class": classes.get(g["form_code"], "other"), "kind": g["kind"],
                        "proposer": g["proposer"], "gender": g["gender"], "leader_level": g["leader_level"],
                        "direct_worker": g["direct_worker"], "ethnic_minority": g["ethnic_minority"]}, g["n"])
            for g in await facts.award_groups(conn, organiser=organiser, year=year)]


async def compute_form(conn: asyncpg.Connection, *, organiser: str | None, year: int,
                       form: str) -> dict[str, Any]:
    """One form's figures for an organiser (None: every organiser, the national form) and a year,
    without authorisation (the benchmark's and the console's entry point; ``get_form`` checks the
    caller first): the form's description, its columns, and its rows with each cell's figure and
    the URL listing the records it counts."""
    definition = _form(year, form)
    values = cells.compute(definition, await _facts(conn, definition, organiser, year))
    query = _query(organiser, year)
    out = _describe(definition, organiser, year)
    out["columns"] = [{"key": c.key, "number": c.number, "label": c.label} for c in definition.columns]
    out["rows"] = cells.table(definition, values,
                              link=lambda cid: f"{PREFIX}/{definition.code}/cells/{cid}/records?{query}")
    return out


async def get_form(conn: asyncpg.Connection, *, actor: Principal, organiser: str | None, year: int,
                   form: str) -> dict[str, Any]:
    organiser = _authorise(actor, organiser)
    return await compute_form(conn, organiser=organiser, year=year, form=form)


def _movement_out(m: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(m["id"]), "name": m["name"], "kind": m["kind"], "organiser_code": m["organiser_code"],
            "organiser_name": m["organiser_name"], "starts_on": m["starts_on"], "ends_on": m["ends_on"],
            "state": m["state"], "document_number": m["document_number"], "document_date": m["document_date"],
            "scope": dims["scope"], "level": dims["level"], "duration": dims["duration"],
            "url": f"/v1/movements/{m['id']}"}


async def cell_records(conn: asyncpg.Connection, *, actor: Principal, organiser: str | None, year: int, form: str,
                       cell: str, after: int | None, limit: int) -> dict[str, Any]:
    """The records one cell counts: movements (all of them, a year's are few) or awards (paged by
    the register's id), with what the cell counted them by."""
    organiser = _authorise(actor, organiser)
    definition = _form(year, form)
    if cells.find_cell(definition, cell) is None:
        raise NotFound(f"form {form} has no cell {cell}", field="cell")
    condition = cells.cell_condition(definition, cell)
    base = {"form": form, "cell": cell, "organiser": organiser, "year": year}
    if condition is None:  # a shaded cell counts nothing
        return {**base, "items": [], "next": None}
    if definition.subject == "movements":
        rows = await facts.movements(conn, organiser=organiser, year=year)
        items = [_movement_out(m, d) for m in rows if cells.matches(d := _movement_dims(m), condition)]
        return {**base, "items": items, "next": None}
    classes = _form_classes(await facts.award_forms(conn))
    codes = sorted(code for code, klass in classes.items()
                   if cells.matches({"form_class": klass}, {"form_class": condition.get("form_class", frozenset([klass]))}))
    rows = await facts.award_records(conn, organiser=organiser, year=year, form_codes=codes, condition=condition,
                                     after=after, limit=limit + 1)
    items = [dict(r) for r in rows[:limit]]
    return {**base, "items": items, "next": encode_cursor(items[-1]["id"]) if len(rows) > limit else None}


# ---------------------------------------------------------------- the form as a document

async def get_documents(request: Request) -> DocumentBuilder:
    documents: DocumentBuilder = request.app.state.documents
    return documents


Documents = Annotated[DocumentBuilder, Depends(get_documents)]
FORMATS = {"xlsx": documents.XLSX, "pdf": documents.PDF}


def negotiate(format: str | None, accept: str | None) -> str:
    """``json``, ``xlsx`` or ``pdf``: the ``format`` asked, else the first the ``Accept`` header names."""
    if format is not None:
        return format
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        for name, media_type in FORMATS.items():
            if media == media_type:
                return name
        if media in ("application/json", "*/*", "application/*"):
            return "json"
    return "json"


async def form_document(data: dict[str, Any], *, kind: str, builder: DocumentBuilder,
                        settings: NominationsSettings) -> tuple[bytes, str, str]:
    """A form (``get_form``'s answer) as a workbook or a PDF, built in a worker process (no
    connection held meanwhile): (bytes, media type, file name)."""
    name = f"{data['symbol'].split('.')[0]}-{data['organiser'] or 'toan-quoc'}-{data['year']}.{kind}"
    if kind == "xlsx":
        return await builder.build(documents.workbook, data), documents.XLSX, name
    return await builder.build(documents.pdf, data, settings.pdf_fonts), documents.PDF, name
