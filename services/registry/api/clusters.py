from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from services.registry.schemas import (
    ORGANISER_CODE,
    Cluster,
    ClusterDetail,
    ClusterIn,
    ClusterPatch,
    ClusterYear,
    Leadership,
    LeadershipCorrectionIn,
    LeadershipIn,
    MembersChangeIn,
    MembershipChange,
    MembershipChangeResult,
    Page,
    Period,
    PeriodIn,
    PeriodSet,
)
from services.registry.service import clusters, leadership, periods
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.clock import Today
from shared.contracts.common import CLUSTER_CODE_PATTERN, ClusterCode, Year
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor

router = APIRouter(prefix="/v1/clusters", tags=["clusters"])

@router.post("", status_code=201, summary="Create a cluster (its organiser's emulation office)",
             response_model=ClusterDetail, responses=problems(401, 403, 409, 422))
async def create_cluster(body: ClusterIn, principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:cluster.create", body=body,
            status_code=201,
            run=lambda: clusters.create_cluster(conn, actor=principal, code=body.code, name=body.name,
                                               organizer=body.organizer, kind=body.kind,
                                               allow_shared_members=body.allow_shared_members,
                                               organiser=body.organiser))


@router.get("", summary="Clusters, by code; ?year= keeps those with a period that year, with its lead, deputy "
                        "and member count", response_model=Page[ClusterYear | Cluster],
             responses=problems(422))
async def list_clusters(db: Db, today: Today, cursor: str | None = None,
                        limit: Annotated[int, Query(ge=1, le=500)] = 100,
                        year: Annotated[Year | None, Query()] = None,
                        organiser: Annotated[str | None, Query(pattern=ORGANISER_CODE,
                                                               description="Only this organiser's clusters")] = None
                        ) -> dict:
    after = text_cursor(cursor, pattern=CLUSTER_CODE_PATTERN)
    async with db.connection() as conn:
        items = await clusters.list_clusters(conn, after=after, limit=limit + 1, year=year, today=today,
                                             organiser=organiser)
    return page(items, limit, lambda item: item["code"])


@router.get("/{code}", summary="One cluster and the years it has periods for", response_model=ClusterDetail,
             responses=problems(404, 422))
async def get_cluster(code: ClusterCode, db: Db) -> dict:
    async with db.connection() as conn:
        return await clusters.get_cluster(conn, code=code)


@router.patch("/{code}", summary="Rename a cluster, change its organizer or allow shared members (ministry)",
              response_model=ClusterDetail,
             responses=problems(401, 403, 404, 422))
async def update_cluster(code: ClusterCode, body: ClusterPatch, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:cluster.update:{code}",
            body=body, status_code=200,
            run=lambda: clusters.update_cluster(conn, actor=principal, code=code, name=body.name,
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
            run=lambda: periods.set_period(conn, actor=principal, cluster=code, year=year, members=body.members,
                                           rotation_order=body.rotation_order, copy_from=body.copy_from,
                                           reference_date=body.reference_date))


@router.get("/{code}/periods/{year}", summary="Members on a day, lead, deputy and rotation order of a year",
            response_model=Period,
             responses=problems(404, 422))
async def get_period(code: ClusterCode, year: Year, db: Db, today: Today,
                     on: Annotated[date | None, Query(description="The day whose members to show (default: today "
                                                                  "in Vietnam, within the year)")] = None) -> dict:
    async with db.connection() as conn:
        return await periods.period_on(conn, cluster=code, year=year, on=on, today=today)


@router.post("/{code}/periods/{year}/members", summary="Members join or leave during the year, from an effective "
             "date, with a reason (ministry)", response_model=MembershipChangeResult,
             responses=problems(401, 403, 404, 409, 422))
async def change_members(code: ClusterCode, year: Year, body: MembersChangeIn, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:members:{code}/{year}",
            body=body, status_code=200,
            run=lambda: periods.change_members(conn, actor=principal, cluster=code, year=year,
                                               effective_date=body.effective_date, add=body.add, remove=body.remove,
                                               reason=body.reason))


@router.get("/{code}/periods/{year}/history", summary="Every change of the period's members, oldest first",
            response_model=Page[MembershipChange],
             responses=problems(404, 422))
async def period_history(code: ClusterCode, year: Year, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await periods.period_history(conn, cluster=code, year=year), "next": None}


@router.post("/{code}/periods/{year}/leadership", status_code=201,
             summary="Decide a year's lead and deputy by rotation or election",
             response_model=Leadership, responses=problems(401, 403, 404, 409, 422))
async def decide_leadership(code: ClusterCode, year: Year, body: LeadershipIn, principal: CurrentPrincipal, db: Db,
                            today: Today, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:leadership:{code}/{year}",
            body=body, status_code=201,
            run=lambda: leadership.decide_leadership(conn, actor=principal, cluster=code, year=year,
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
            run=lambda: leadership.correct_leadership(conn, actor=principal, cluster=code, year=year, lead=body.lead,
                                                   deputy=body.deputy, reason=body.reason, today=today))


@router.get("/{code}/leadership", summary="Lead and deputy across the years",
             response_model=Page[Leadership], responses=problems(404, 422))
async def leadership_history(code: ClusterCode, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await leadership.leadership_history(conn, cluster=code), "next": None}
