from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.nominations.scoring.schemas import (
    Page,
    Recomputed,
    RecomputeQueued,
    Snapshot,
)
from services.nominations.scoring.service import rankings as service_rankings
from shared.app import Db, Jobs
from shared.auth import CurrentPrincipal
from shared.db import BIGINT_MAX
from shared.errors import Unavailable, problems
from shared.jobs import JobNotSent
from shared.jobs import transaction as jobs_transaction
from shared.pagination import id_cursor, page

router = APIRouter(prefix="/v1/rankings", tags=["rankings"])

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
Year = Annotated[int, Path(ge=2000, le=2100)]
ORGANISER = r"^[A-Z][A-Z0-9-]{1,15}$"


@router.get("/{year}", summary="The latest ranking of a cluster-year, with its time and input digest",
             response_model=Snapshot, responses=problems(401, 403, 404, 422), response_model_exclude_unset=True)
async def cluster_ranking(year: Year, cluster: Annotated[str, Query(pattern=CODE)], principal: CurrentPrincipal,
                          db: Db) -> dict:
    async with db.connection() as conn:
        return await service_rankings.cluster_ranking(conn, year=year, cluster=cluster, actor=principal)


@router.get("/{year}/national",
             summary="Every unit of an organiser's clusters, ranked by its share of its cluster's maximum",
             response_model=Snapshot, responses=problems(401, 403, 404, 422), response_model_exclude_unset=True)
async def national_ranking(year: Year, principal: CurrentPrincipal, db: Db,
                           organiser: Annotated[str, Query(pattern=ORGANISER,
                                                           description="the organiser (default: the ministry)")]
                           = "BNV") -> dict:
    async with db.connection() as conn:
        return await service_rankings.national_ranking(conn, year=year, organiser=organiser, actor=principal)


@router.get("/{year}/snapshots",
             summary="An organiser's snapshots of the year the caller may read, newest first, without the tables",
             response_model=Page[Snapshot], responses=problems(401, 422), response_model_exclude_unset=True)
async def list_snapshots(year: Year, principal: CurrentPrincipal, db: Db, cursor: str | None = None,
                         limit: Annotated[int, Query(ge=1, le=500)] = 100,
                         cluster: Annotated[str | None, Query(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,39})$",
                                                              description="a cluster code, or * for the national view")]
                         = None,
                         organiser: Annotated[str | None, Query(
                             pattern=ORGANISER, description="the organiser (default: the cluster's, else the ministry)")]
                         = None) -> dict:
    before = id_cursor(cursor)
    async with db.connection() as conn:
        items = await service_rankings.list_snapshots(conn, year=year, scope=cluster, before=before, limit=limit + 1,
                                                      organiser=organiser, actor=principal)
    return page(items, limit, lambda item: item["snapshot_id"])


@router.get("/{year}/snapshots/{snapshot_id}", summary="One snapshot with its table",
             response_model=Snapshot, responses=problems(401, 403, 404, 422), response_model_exclude_unset=True)
async def get_snapshot(year: Year, snapshot_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await service_rankings.get_snapshot(conn, year=year, snapshot_id=snapshot_id, actor=principal)


@router.post("/{year}/recompute", status_code=202,
             summary="Recompute the year's rankings (ministry): queued, or in this request with inline=true",
             responses={200: {"description": "inline=true: the scopes written and those unchanged",
                              "model": Recomputed}, **problems(401, 403, 422, 503)},
             response_model=RecomputeQueued)
async def recompute(year: Year, principal: CurrentPrincipal, db: Db, jobs: Jobs, ranking: service_rankings.Ranking,
                    cluster: Annotated[str | None, Query(pattern=CODE)] = None,
                    inline: Annotated[bool, Query(description="run now and answer with what was written")] = False) -> Any:
    service_rankings.require_recompute_role(principal)
    if inline:
        async with db.transaction() as conn:
            await service_rankings.record_recompute_request(conn, actor=principal, year=year, cluster=cluster,
                                                            inline=inline)
        async with db.connection() as conn:
            result = await service_rankings.recompute(conn, year=year, cluster=cluster, config=ranking.config)
        return JSONResponse(result, status_code=200)
    task_id = str(uuid.uuid4())
    try:
        async with jobs_transaction(db, jobs) as (conn, after):
            await service_rankings.record_recompute_request(conn, actor=principal, year=year, cluster=cluster,
                                                            inline=inline)
            after.add(service_rankings.recompute_job(year=year, cluster=cluster, queue=ranking.queue, task_id=task_id))
    except JobNotSent as exc:
        raise Unavailable(f"the task queue cannot be reached ({type(exc.cause).__name__})",
                          slug="queue-unavailable") from exc
    return {"task_id": task_id, "year": year, "cluster": cluster, "queue": ranking.queue}
