"""``/v1/statistics/forms``: the yearly statistics forms (an organiser's office for its own, the
ministry for every organiser's and the national forms). Thin: parse, read, call ``service``."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Response

from services.nominations.statistics import service
from services.nominations.statistics.schemas import CellRecords, Dashboard, Form, FormCode, FormList
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import problems
from shared.pagination import id_cursor

router = APIRouter(prefix="/v1/statistics/forms", tags=["statistics"])
dashboard = APIRouter(prefix="/v1/statistics", tags=["statistics"])

Organiser = Annotated[str | None, Query(pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
                                        description="Whose records (an office's own by default; omitted by the "
                                                    "ministry: every organiser, the national forms)")]
YearQ = Annotated[int, Query(ge=2000, le=2100, description="The reporting year")]


@router.get("", response_model=FormList, responses=problems(403),
            summary="The year's statistics forms for an organiser")
async def list_forms(principal: CurrentPrincipal, db: Db, year: YearQ, organiser: Organiser = None) -> Any:
    async with db.connection() as conn:
        return await service.list_forms(conn, actor=principal, organiser=organiser, year=year)


@router.get("/{form}", response_model=Form,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                                         "application/pdf": {}}}, **problems(403, 404, 503)},
            summary="One form's cells, each with the URL of the records it counts; .xlsx or PDF by Accept",
            description="JSON by default; the form's layout as a workbook with `Accept: application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet` (or `?format=xlsx`), as PDF with `Accept: "
                        "application/pdf` (or `?format=pdf`). Documents are built off the event loop.")
async def get_form(form: FormCode, principal: CurrentPrincipal, db: Db, year: YearQ, builder: service.Documents,
                   settings: service.Settings, organiser: Organiser = None,
                   format: Literal["json", "xlsx", "pdf"] | None = None,
                   accept: Annotated[str | None, Header(max_length=1000)] = None) -> Any:
    kind = service.negotiate(format, accept)
    async with db.connection() as conn:
        answer = await service.get_form(conn, actor=principal, organiser=organiser, year=year, form=form)
    if kind == "json":
        return answer
    data, media_type, name = await service.form_document(answer, kind=kind, builder=builder, settings=settings)
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"})


@router.get("/{form}/cells/{cell}/records", response_model=CellRecords, responses=problems(403, 404),
            summary="The records one cell counts (awards paged by the register's id, movements all)")
async def cell_records(form: FormCode, cell: Annotated[str, Path(pattern=r"^[a-z0-9_]{1,40}\.[a-z0-9_]{1,60}$")],
                       principal: CurrentPrincipal, db: Db, year: YearQ, organiser: Organiser = None,
                       after: Annotated[str | None, Query(max_length=500)] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Any:
    async with db.connection() as conn:
        return await service.cell_records(conn, actor=principal, organiser=organiser, year=year, form=form, cell=cell,
                                          after=id_cursor(after), limit=limit)


@dashboard.get("/dashboard", response_model=Dashboard, responses=problems(403),
               summary="Awards by form and year, Government flags against the cap, movements and models by field, "
                       "participation (an organiser's, or every organiser's for the ministry)")
async def get_dashboard(principal: CurrentPrincipal, db: Db, registry: service.Registry, settings: service.Settings,
                        year: YearQ, organiser: Organiser = None) -> Any:
    async with db.connection() as conn:
        return await service.dashboard(conn, actor=principal, registry=registry, organiser=organiser, year=year,
                                       default_share=settings.government_flag_cap_share)
