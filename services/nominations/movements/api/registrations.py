"""Registrations (a unit registers its targets and titles; its staff and parent level list them) and
reports per phase (sơ kết) and for the whole movement (tổng kết)."""
from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.nominations.movements.schemas import RegistrationIn, RegistrationOut, ReportIn, ReportOut
from services.nominations.movements.service import registrations as service
from services.nominations.movements.service.common import SCHEMA
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.clock import Today
from shared.contracts.pages import Page
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor

router = APIRouter(prefix="/v1/movements/{movement_id}", tags=["movement registrations and reports"])

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
UnitPath = Annotated[str, Path(pattern=CODE)]
UnitCode = Annotated[str | None, Query(pattern=CODE)]


@router.post("/registrations", response_model=RegistrationOut, status_code=201,
             responses=problems(401, 403, 404, 409, 422),
             summary="A unit registers (or re-registers) its targets and the titles it aims for, by the deadline")
async def register(movement_id: uuid.UUID, body: RegistrationIn, principal: CurrentPrincipal, db: Db, today: Today,
                   idempotency_key: IdempotencyKey = None) -> Any:
    async def run() -> dict[str, Any]:
        row, _ = await service.register(conn, actor=principal, movement_id=movement_id, unit_code=body.unit_code,
                                        targets=[t.model_dump() for t in body.targets],
                                        titles=[t.model_dump() for t in body.titles], note=body.note, today=today)
        return row

    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=201, run=run,
            scope=f"{principal.subject}:movement.register:{movement_id}:{body.unit_code}")


@router.get("/registrations", response_model=Page[RegistrationOut], responses=problems(401, 403, 404, 422),
            summary="Registrations by unit code: all for the organiser; a unit's own and its children's")
async def list_registrations(movement_id: uuid.UUID, principal: CurrentPrincipal, db: Db, parent: UnitCode = None,
                             cursor: Annotated[str | None, Query(max_length=500)] = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Any:
    after = text_cursor(cursor, pattern=CODE)
    async with db.connection() as conn:
        items = await service.listing(conn, actor=principal, movement_id=movement_id, parent=parent, after=after,
                                      limit=limit + 1)
    return page(items, limit, lambda r: r["unit_code"])


@router.delete("/registrations/{unit_code}", response_model=RegistrationOut,
               responses=problems(401, 403, 404, 409, 422), summary="A unit withdraws its registration")
async def withdraw(movement_id: uuid.UUID, unit_code: UnitPath, principal: CurrentPrincipal, db: Db, today: Today,
                   idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body={}, status_code=200,
            scope=f"{principal.subject}:movement.withdraw:{movement_id}:{unit_code}",
            run=lambda: service.withdraw(conn, actor=principal, movement_id=movement_id, unit_code=unit_code,
                                         today=today))


@router.put("/reports", response_model=ReportOut, responses=problems(401, 403, 404, 409, 422),
            summary="A unit reports its results for a phase (sơ kết) or the movement (tổng kết, phase 0)")
async def report(movement_id: uuid.UUID, body: ReportIn, principal: CurrentPrincipal, db: Db, today: Today,
                 idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=200,
            scope=f"{principal.subject}:movement.report:{movement_id}:{body.unit_code}:{body.phase}",
            run=lambda: service.report(conn, actor=principal, movement_id=movement_id, unit_code=body.unit_code,
                                       phase_number=body.phase, results=[r.model_dump() for r in body.results],
                                       summary=body.summary, today=today))


@router.get("/reports", response_model=list[ReportOut], responses=problems(401, 403, 404, 422),
            summary="Reports: all for the organiser; a unit's own and its children's")
async def list_reports(movement_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                       phase: Annotated[int | None, Query(ge=0, le=20)] = None) -> Any:
    async with db.connection() as conn:
        return await service.reports(conn, actor=principal, movement_id=movement_id, phase_number=phase)
