from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from services.registry import service
from services.registry.domain.provinces import check_unit_name
from services.registry.schemas import (
    Merged,
    MergerUndone,
    Page,
    Province,
    ProvinceDetail,
)
from services.registry.store import provinces as province_store
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.clock import Today
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.text import nfc

router = APIRouter(prefix="/v1/provinces", tags=["provinces"])

ProvinceCode = Annotated[str, Path(pattern=r"^[0-9]{2}$", description="Two-digit province code")]
OnDate = Annotated[date | None, Query(description="The date to read the timeline at (default: today in Vietnam, "
                                                  "Asia/Ho_Chi_Minh, whatever the server's time zone)")]


class Successor(BaseModel):
    code: str = Field(pattern=r"^[0-9]{2}$")
    name: str = Field(min_length=2, max_length=100, description="Words of letters: no digits or symbols")
    kind: Literal["province", "city"] = "province"

    _nfc = field_validator("name")(nfc)
    _is_a_name = field_validator("name")(check_unit_name)


class MergerIn(BaseModel):
    sources: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field(min_length=1, max_length=20)
    successor: Successor
    effective_date: date = Field(gt=date.min, description="The successor's first day; the sources' last is the day "
                                                          "before. Within the configured window around today "
                                                          "(REGISTRY_MERGER_WINDOW_DAYS, 731 by default)")


@router.get("", summary="Provincial units in force on a date",
             response_model=Page[Province], responses=problems(422))
async def list_provinces(db: Db, today: Today, on: OnDate = None) -> dict:
    async with db.connection() as conn:
        rows = await province_store.in_force(conn, on=on or today)
    return {"items": [province_store.public(r) for r in rows], "next": None}


@router.get("/{code}", summary="One unit as it was on a date, with successor and predecessors",
             response_model=ProvinceDetail, responses=problems(404, 422))
async def get_province(code: ProvinceCode, db: Db, today: Today, on: OnDate = None) -> dict:
    async with db.connection() as conn:
        return await service.province_on(conn, code=code, on=on or today)


@router.get("/{code}/history", summary="Every unit that has carried this code",
             response_model=Page[Province], responses=problems(422))
async def province_history(code: ProvinceCode, db: Db) -> dict:
    async with db.connection() as conn:
        rows = await province_store.history(conn, code=code)
    return {"items": [province_store.public(r) for r in rows], "next": None}


@router.post("/mergers", status_code=201, summary="Merge units into a successor (ministry)",
             response_model=Merged, responses=problems(401, 403, 409, 422))
async def merge(body: MergerIn, principal: CurrentPrincipal, db: Db, today: Today, request: Request,
                idempotency_key: IdempotencyKey = None) -> JSONResponse:
    window_days: int = request.app.state.settings.merger_window_days
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:merge", body=body,
            status_code=201,
            run=lambda: service.merge_provinces(
                conn, actor=principal, source_codes=body.sources, successor_code=body.successor.code,
                successor_name=body.successor.name, successor_kind=body.successor.kind,
                effective_date=body.effective_date, today=today, window_days=window_days))


@router.delete("/mergers/{merger_id}", summary="Undo a merger while nothing refers to the unit it created (ministry)",
               response_model=MergerUndone,
             responses=problems(401, 403, 404, 409, 422))
async def undo_merger(merger_id: Annotated[int, Path(ge=1, le=2**63 - 1)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.transaction() as conn:
        return await service.undo_merger(conn, actor=principal, merger_id=merger_id)
