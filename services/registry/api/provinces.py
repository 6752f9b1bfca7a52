from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.registry.schemas import (
    PROVINCE_CODE,
    Merged,
    MergerIn,
    MergerUndone,
    Page,
    Province,
    ProvinceDetail,
)
from services.registry.service import provinces
from services.registry.service.dependencies import Settings
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.clock import Today
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/v1/provinces", tags=["provinces"])

ProvinceCode = Annotated[str, Path(pattern=PROVINCE_CODE, description="Two-digit province code")]
OnDate = Annotated[date | None, Query(description="The date to read the timeline at (default: today in Vietnam, "
                                                  "Asia/Ho_Chi_Minh, whatever the server's time zone)")]


@router.get("", summary="Provincial units in force on a date",
             response_model=Page[Province], responses=problems(422))
async def list_provinces(db: Db, today: Today, on: OnDate = None) -> dict:
    async with db.connection() as conn:
        return {"items": await provinces.provinces_in_force(conn, on=on or today), "next": None}


@router.get("/{code}", summary="One unit as it was on a date, with successor and predecessors",
             response_model=ProvinceDetail, responses=problems(404, 422))
async def get_province(code: ProvinceCode, db: Db, today: Today, on: OnDate = None) -> dict:
    async with db.connection() as conn:
        return await provinces.province_on(conn, code=code, on=on or today)


@router.get("/{code}/history", summary="Every unit that has carried this code",
             response_model=Page[Province], responses=problems(422))
async def province_history(code: ProvinceCode, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await provinces.province_history(conn, code=code), "next": None}


@router.post("/mergers", status_code=201, summary="Merge units into a successor (ministry)",
             response_model=Merged, responses=problems(401, 403, 409, 422))
async def merge(body: MergerIn, principal: CurrentPrincipal, db: Db, today: Today, settings: Settings,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    window_days = settings.merger_window_days
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:merge", body=body,
            status_code=201,
            run=lambda: provinces.merge_provinces(
                conn, actor=principal, source_codes=body.sources, successor_code=body.successor.code,
                successor_name=body.successor.name, successor_kind=body.successor.kind,
                effective_date=body.effective_date, today=today, window_days=window_days))


@router.delete("/mergers/{merger_id}", summary="Undo a merger while nothing refers to the unit it created (ministry)",
               response_model=MergerUndone,
             responses=problems(401, 403, 404, 409, 422))
async def undo_merger(merger_id: Annotated[int, Path(ge=1, le=2**63 - 1)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.transaction() as conn:
        return await provinces.undo_merger(conn, actor=principal, merger_id=merger_id)
