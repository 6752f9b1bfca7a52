from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.registry import service
from services.registry.schemas import CLUSTER_CODE, ClusterIn, LeadershipIn, PeriodIn
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor

router = APIRouter(prefix="/v1/clusters", tags=["clusters"])

ClusterCode = Annotated[str, Path(pattern=CLUSTER_CODE)]
Year = Annotated[int, Path(ge=2000, le=2100)]


@router.post("", status_code=201, summary="Create a cluster (ministry)")
async def create_cluster(body: ClusterIn, principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None):
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:cluster.create", body=body,
            status_code=201,
            run=lambda: service.create_cluster(conn, actor=principal, code=body.code, name=body.name,
                                               organizer=body.organizer, kind=body.kind))


@router.get("", summary="Clusters, by code; ?year= keeps those with a period that year")
async def list_clusters(db: Db, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                        year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict:
    after = text_cursor(cursor, pattern=CLUSTER_CODE)
    async with db.connection() as conn:
        items = await service.list_clusters(conn, after=after, limit=limit + 1, year=year)
    return page(items, limit, lambda item: item["code"])


@router.get("/{code}", summary="One cluster and the years it has periods for")
async def get_cluster(code: ClusterCode, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.get_cluster(conn, code=code)


@router.put("/{code}/periods/{year}", summary="Set a year's members and rotation order (ministry)")
async def set_period(code: ClusterCode, year: Year, body: PeriodIn, principal: CurrentPrincipal, db: Db,
                     idempotency_key: IdempotencyKey = None):
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:period:{code}/{year}",
            body=body, status_code=200,
            run=lambda: service.set_period(conn, actor=principal, cluster=code, year=year, members=body.members,
                                           rotation_order=body.rotation_order, copy_from=body.copy_from,
                                           reference_date=body.reference_date))


@router.get("/{code}/periods/{year}", summary="Members, lead, deputy and rotation order of a year")
async def get_period(code: ClusterCode, year: Year, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.get_period(conn, cluster=code, year=year)


@router.post("/{code}/periods/{year}/leadership", status_code=201,
             summary="Decide a year's lead and deputy by rotation or election")
async def decide_leadership(code: ClusterCode, year: Year, body: LeadershipIn, principal: CurrentPrincipal, db: Db,
                            idempotency_key: IdempotencyKey = None):
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:leadership:{code}/{year}",
            body=body, status_code=201,
            run=lambda: service.decide_leadership(conn, actor=principal, cluster=code, year=year,
                                                  method=body.method, lead=body.lead, deputy=body.deputy))


@router.get("/{code}/leadership", summary="Lead and deputy across the years")
async def leadership_history(code: ClusterCode, db: Db) -> dict:
    async with db.connection() as conn:
        return {"items": await service.leadership_history(conn, cluster=code), "next": None}
