from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.registry import service
from services.registry.schemas import MergerIn
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/v1/provinces", tags=["provinces"])

ProvinceCode = Annotated[str, Path(pattern=r"^[0-9]{2}$", description="Two-digit province code")]
OnDate = Annotated[date | None, Query(description="The date to read the timeline at (default: today)")]


@router.get("", summary="Provincial units in force on a date")
async def list_provinces(db: Db, on: OnDate = None) -> dict:
    async with db.connection() as conn:
        items = await service.provinces_in_force(conn, on=on or date.today())
    return {"items": items, "next": None}


@router.get("/{code}", summary="One unit as it was on a date, with successor and predecessors")
async def get_province(code: ProvinceCode, db: Db, on: OnDate = None) -> dict:
    async with db.connection() as conn:
        return await service.province_on(conn, code=code, on=on or date.today())


@router.get("/{code}/history", summary="Every unit that has carried this code")
async def province_history(code: ProvinceCode, db: Db) -> dict:
    async with db.connection() as conn:
        items = await service.province_history(conn, code=code)
    return {"items": items, "next": None}


@router.post("/mergers", status_code=201, summary="Merge units into a successor (ministry)")
async def merge(body: MergerIn, principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None):
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:merge", body=body,
            status_code=201,
            run=lambda: service.merge_provinces(
                conn, actor=principal, source_codes=body.sources, successor_code=body.successor.code,
                successor_name=body.successor.name, successor_kind=body.successor.kind,
                effective_date=body.effective_date))
