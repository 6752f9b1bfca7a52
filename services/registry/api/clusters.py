from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator, model_validator

from services.registry import service
from services.registry.schemas import (
    Cluster,
    ClusterDetail,
    ClusterYear,
    Leadership,
    MembershipChange,
    MembershipChangeResult,
    Page,
    Period,
    PeriodSet,
)
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.clock import Today
from shared.errors import FieldValueError, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor
from shared.text import nfc

router = APIRouter(prefix="/v1/clusters", tags=["clusters"])

CLUSTER_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
ClusterCode = Annotated[str, Path(pattern=CLUSTER_CODE)]
Year = Annotated[int, Path(ge=2000, le=2100)]
Code = Annotated[str, Field(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$", description="A unit's code (a province's two "
                                                                               "digits for the ministry's clusters)")]
ORGANISER = r"^[A-Z][A-Z0-9-]{1,15}$"


class ClusterIn(BaseModel):
    code: str = Field(pattern=CLUSTER_CODE)
    name: str = Field(min_length=1, max_length=300)
    organizer: str | None = Field(default=None, min_length=1, max_length=300, examples=["Bộ Nội vụ"],
                                  description="The name its documents show (default: the organiser's name)")
    organiser: str = Field(default="BNV", pattern=ORGANISER, description="Whose cluster it is (default: the "
                                                                         "ministry); its emulation office creates it")
    kind: Literal["cum", "khoi"] = Field(description="cụm (by region) or khối (by sector)")
    allow_shared_members: bool = Field(default=False, description="Its members may also sit in another cluster of "
                                                                  "the same kind in one year")

    _nfc = field_validator("name", "organizer")(nfc)


class PeriodIn(BaseModel):
    members: list[Code] | None = Field(default=None, max_length=100)
    rotation_order: list[Code] | None = Field(default=None, max_length=100)
    copy_from: int | None = Field(default=None, ge=2000, le=2100)
    reference_date: date | None = Field(default=None, description="Members must be in force on this date "
                                                                   "(default: 1 January of the year)")


class ClusterPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    organizer: str | None = Field(default=None, min_length=1, max_length=300)
    allow_shared_members: bool | None = Field(
        default=None, description="Allow this cluster's members to sit in another cluster of the same kind "
                                  "in one year")

    _nfc = field_validator("name", "organizer")(nfc)

    @model_validator(mode="after")
    def _changes_something(self) -> ClusterPatch:
        if self.name is None and self.organizer is None and self.allow_shared_members is None:
            raise FieldValueError("name", "give name, organizer or allow_shared_members")
        return self


class MembersChangeIn(BaseModel):
    effective_date: date = Field(description="The first day the change holds (members added join, members "
                                             "removed are no longer members); within the period's year")
    add: list[Code] = Field(default_factory=list, max_length=100)
    remove: list[Code] = Field(default_factory=list, max_length=100)
    reason: str = Field(min_length=1, max_length=2000, description="Why (a decision's number, say)")

    _nfc = field_validator("reason")(nfc)


class LeadershipCorrectionIn(BaseModel):
    lead: Code
    deputy: Code
    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class LeadershipIn(BaseModel):
    method: Literal["rotation", "election"]
    lead: Code | None = None
    deputy: Code | None = None

    @model_validator(mode="after")
    def _election_names_both(self) -> LeadershipIn:
        if self.method == "election" and (self.lead is None or self.deputy is None):
            raise FieldValueError("lead" if self.lead is None else "deputy", "an election names both lead and deputy")
        return self


@router.post("", status_code=201, summary="Create a cluster (its organiser's emulation office)",
             response_model=ClusterDetail, responses=problems(401, 403, 409, 422))
async def create_cluster(body: ClusterIn, principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:cluster.create", body=body,
            status_code=201,
            run=lambda: service.create_cluster(conn, actor=principal, code=body.code, name=body.name,
                                               organizer=body.organizer, kind=body.kind,
                                               allow_shared_members=body.allow_shared_members,
                                               organiser=body.organiser))


@router.get("", summary="Clusters, by code; ?year= keeps those with a period that year, with its lead, deputy "
                        "and member count", response_model=Page[ClusterYear | Cluster],
             responses=problems(422))
async def list_clusters(db: Db, today: Today, cursor: str | None = None,
                        limit: Annotated[int, Query(ge=1, le=500)] = 100,
                        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                        organiser: Annotated[str | None, Query(pattern=ORGANISER)] = None) -> dict:
    after = text_cursor(cursor, pattern=CLUSTER_CODE)
    async with db.connection() as conn:
        items = await service.list_clusters(conn, after=after, limit=limit + 1, year=year, today=today,
                                            organiser=organiser)
    return page(items, limit, lambda item: item["code"])


@router.get("/{code}", summary="One cluster and the years it has periods for", response_model=ClusterDetail,
             responses=problems(404, 422))
async def get_cluster(code: ClusterCode, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.get_cluster(conn, code=code)


@router.patch("/{code}", summary="Rename a cluster, change its organizer or allow shared members (ministry)",
              response_model=ClusterDetail,
             responses=problems(401, 403, 404, 422))
async def update_cluster(code: ClusterCode, body: ClusterPatch, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:cluster.update:{code}",
            body=body, status_code=200,
            run=lambda: service.update_cluster(conn, actor=principal, code=code, name=body.name,
                                               organizer=body.organizer,
                                               allow_shared_members=body.allow_shared_members))


@router.put("/{code}/periods/{year}", summary="Set a year's members and rotation order (ministry)",
             response_model=PeriodSet, responses=problems(401, 403, 404, 409, 422))
async def set_period(code: ClusterCode, year: Year, body: PeriodIn, principal: CurrentPrincipal, db: Db,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:period:{code}/{year}",
            body=body, status_code=200,
            run=lambda: service.set_period(conn, actor=principal, cluster=code, year=year, members=body.members,
                                           rotation_order=body.rotation_order, copy_from=body.copy_from,
                                           reference_date=body.reference_date))


@router.get("/{code}/periods/{year}", summary="Members on a day, lead, deputy and rotation order of a year",
            response_model=Period,
             responses=problems(404, 422))
async def get_period(code: ClusterCode, year: Year, db: Db, today: Today,
                     on: Annotated[date | None, Query(description="The day whose members to show (default: today "
                                                                  "in Vietnam, within the year)")] = None) -> dict:
    async with db.connection() as conn:
        return await service.period_on(conn, cluster=code, year=year, on=on, today=today)


@router.post("/{code}/periods/{year}/members", summary="Members join or leave during the year, from an effective "
             "date, with a reason (ministry)", response_model=MembershipChangeResult,
             responses=problems(401, 403, 404, 409, 422))
async def change_members(code: ClusterCode, year: Year, body: MembersChangeIn, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:members:{code}/{year}",
            body=body, status_code=200,
            run=lambda: service.change_members(conn, actor=principal, cluster=code, year=year,
                                               effective_date=body.effective_date, add=body.add, remove=body.remove,
                                               reason=body.reason))


@router.get("/{code}/periods/{year}/history", summary="Every change of the period's members, oldest first",
            response_model=Page[MembershipChange],
             responses=problems(404, 422))
async def period_history(code: ClusterCode, year: Year, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await service.period_history(conn, cluster=code, year=year), "next": None}


@router.post("/{code}/periods/{year}/leadership", status_code=201,
             summary="Decide a year's lead and deputy by rotation or election",
             response_model=Leadership, responses=problems(401, 403, 404, 409, 422))
async def decide_leadership(code: ClusterCode, year: Year, body: LeadershipIn, principal: CurrentPrincipal, db: Db,
                            today: Today, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:leadership:{code}/{year}",
            body=body, status_code=201,
            run=lambda: service.decide_leadership(conn, actor=principal, cluster=code, year=year,
                                                  method=body.method, lead=body.lead, deputy=body.deputy,
                                                  today=today))


@router.put("/{code}/periods/{year}/leadership", summary="Correct a decided lead and deputy, with a reason "
            "(ministry; audited)", response_model=Leadership,
             responses=problems(401, 403, 404, 409, 422))
async def correct_leadership(code: ClusterCode, year: Year, body: LeadershipCorrectionIn, principal: CurrentPrincipal,
                             db: Db, today: Today, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:leadership.correct:{code}/{year}",
            body=body, status_code=200,
            run=lambda: service.correct_leadership(conn, actor=principal, cluster=code, year=year, lead=body.lead,
                                                   deputy=body.deputy, reason=body.reason, today=today))


@router.get("/{code}/leadership", summary="Lead and deputy across the years",
             response_model=Page[Leadership], responses=problems(404, 422))
async def leadership_history(code: ClusterCode, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await service.leadership_history(conn, cluster=code), "next": None}
