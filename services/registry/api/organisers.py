"""Organisers (cơ quan tổ chức) and their units (đơn vị)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.registry.schemas import (
    DissolveIn,
    Organiser,
    OrganiserIn,
    Page,
    RenameIn,
    UnitAnswer,
    UnitDetail,
    UnitIn,
    UnitKind,
    UnitMergerIn,
)
from services.registry.service import organisers as service
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.clock import Today
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor

router = APIRouter(tags=["organisers and units"])

from services.registry.schemas import ORGANISER_CODE, UNIT_CODE  # noqa: E402

OrganiserCode = Annotated[str, Path(pattern=ORGANISER_CODE)]
UnitCode = Annotated[str, Path(pattern=UNIT_CODE, description="A unit's code (national or the office's)")]


@router.get("/v1/organisers", summary="Every organiser (the ministry first)", response_model=Page[Organiser],
            responses=problems(422))
async def list_organisers(db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await service.list_organisers(conn), "next": None}


@router.get("/v1/organisers/{code}", summary="One organiser", response_model=Organiser,
            responses=problems(404, 422))
async def get_organiser(code: OrganiserCode, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.get_organiser(conn, code=code)


@router.post("/v1/organisers", status_code=201, summary="Add an organiser (ministry)", response_model=Organiser,
             responses=problems(401, 403, 409, 422))
async def create_organiser(body: OrganiserIn, principal: CurrentPrincipal, db: Db, today: Today,
                           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:organiser.create", body=body,
            status_code=201,
            run=lambda: service.create_organiser(conn, actor=principal, code=body.code, name=body.name,
                                                 kind=body.kind, province_code=body.province_code, today=today))


@router.get("/v1/units", summary="Units in force on a date, by code; ?organiser=, ?kind= and ?province= narrow it",
            response_model=Page[UnitAnswer], responses=problems(422))
async def list_units(db: Db, today: Today, organiser: Annotated[str | None, Query(pattern=ORGANISER_CODE)] = None,
                     kind: UnitKind | None = None,
                     province: Annotated[str | None, Query(pattern=r"^[0-9]{2}$", description=(
                         "Units lying in this province (its communes: the national list's for a day from "
                         "2025-07-01)"))] = None,
                     on: Annotated[date | None, Query(description="Default: today in Vietnam")] = None,
                     cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 500) -> dict:
    after = text_cursor(cursor, pattern=UNIT_CODE)
    async with db.connection() as conn:
        items = await service.units_in_force(conn, on=on or today, organiser=organiser, kind=kind, after=after,
                                             limit=limit + 1, province=province)
    return page(items, limit, lambda item: item["code"])


@router.get("/v1/units/{code}", summary="One unit as it was on a date, with successor, predecessors and history",
            response_model=UnitDetail, responses=problems(404, 422))
async def get_unit(code: UnitCode, db: Db, today: Today,
                   on: Annotated[date | None, Query(description="Default: today in Vietnam")] = None) -> dict:
    async with db.connection() as conn:
        return await service.unit_on(conn, code=code, on=on or today)


@router.get("/v1/units/{code}/history", summary="Every unit that has carried this code",
            response_model=Page[UnitAnswer], responses=problems(422))
async def unit_history(code: UnitCode, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await service.unit_history(conn, code=code), "next": None}


@router.post("/v1/units", status_code=201, summary="Add a unit (the organiser's emulation office)",
             response_model=UnitAnswer, responses=problems(401, 403, 409, 422))
async def create_unit(body: UnitIn, principal: CurrentPrincipal, db: Db,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:unit.create", body=body,
            status_code=201,
            run=lambda: service.create_unit(conn, actor=principal, code=body.code, name=body.name, kind=body.kind,
                                            organiser=body.organiser, form=body.form,
                                            province_code=body.province_code, valid_from=body.valid_from,
                                            valid_to=body.valid_to, successor_code=body.successor_code))


@router.post("/v1/units/{code}/rename", summary="Rename a unit from a date (its organiser's office)",
             response_model=UnitDetail, responses=problems(401, 403, 404, 422))
async def rename_unit(code: UnitCode, body: RenameIn, principal: CurrentPrincipal, db: Db,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:unit.rename:{code}", body=body,
            status_code=200,
            run=lambda: service.rename_unit(conn, actor=principal, code=code, name=body.name,
                                            effective_date=body.effective_date, reason=body.reason))


@router.post("/v1/units/{code}/dissolve", summary="Dissolve a unit from a date, with no successor (its "
             "organiser's office)", response_model=UnitDetail, responses=problems(401, 403, 404, 422))
async def dissolve_unit(code: UnitCode, body: DissolveIn, principal: CurrentPrincipal, db: Db,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:unit.dissolve:{code}",
            body=body, status_code=200,
            run=lambda: service.dissolve_unit(conn, actor=principal, code=code, effective_date=body.effective_date,
                                              reason=body.reason))


@router.post("/v1/units/mergers", status_code=201, summary="Merge units into a successor from a date (their "
             "organiser's office)", response_model=UnitDetail, responses=problems(401, 403, 404, 409, 422))
async def merge_units(body: UnitMergerIn, principal: CurrentPrincipal, db: Db,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:unit.merge", body=body,
            status_code=201,
            run=lambda: service.merge_units(conn, actor=principal, source_codes=body.sources,
                                            successor_code=body.successor.code, successor_name=body.successor.name,
                                            successor_kind=body.successor.kind, successor_form=body.successor.form,
                                            effective_date=body.effective_date, reason=body.reason))
