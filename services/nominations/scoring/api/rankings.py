from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from services.nominations.scoring.service import rankings as service_rankings
from services.nominations.scoring.service.rankings import RankingSettings
from services.nominations.scoring.store import covenants as covenant_store
from services.nominations.scoring.store import rankings as ranking_store
from shared import audit
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.db import BIGINT_MAX
from shared.errors import NotFound, Unavailable
from shared.pagination import id_cursor, page

router = APIRouter(prefix="/v1/rankings", tags=["rankings"])

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
Year = Annotated[int, Path(ge=2000, le=2100)]


def ranking_settings(request: Request) -> RankingSettings:
    """The app's ranking settings (tests and the bench may set ``app.state.ranking_settings``)."""
    if getattr(request.app.state, "ranking_settings", None) is None:
        request.app.state.ranking_settings = RankingSettings()
    return request.app.state.ranking_settings


async def schedule_recompute(request: Request, *, cluster: str, year: int) -> None:
    """Call after the commit of a change the ranking depends on (debounced per cluster-year)."""
    await service_rankings.request_recompute(request.app.state.redis, broker_url=request.app.state.settings.redis_url,
                                             ranking=ranking_settings(request), cluster=cluster, year=year)


@router.get("/{year}", summary="The latest ranking of a cluster-year, with its time and input digest")
async def cluster_ranking(year: Year, cluster: Annotated[str, Query(pattern=CODE)], principal: CurrentPrincipal,
                          db: Db) -> dict:
    async with db.connection() as conn:
        row = await ranking_store.latest(conn, scope=cluster, year=year)
        if row is None:
            raise NotFound(f"{cluster} has no ranking for {year} yet", field="cluster")
        names = await covenant_store.cluster_years(conn, year=year, clusters=[cluster])
    return service_rankings.snapshot_view(row, cluster_name=names[0]["cluster_name"] if names else None)


@router.get("/{year}/national", summary="Every unit of every cluster, ranked by its share of its cluster's maximum")
async def national_ranking(year: Year, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        row = await ranking_store.latest(conn, scope=ranking_store.NATIONAL, year=year)
    if row is None:
        raise NotFound(f"no national ranking for {year} yet", field="year")
    return service_rankings.snapshot_view(row)


@router.get("/{year}/snapshots", summary="Every snapshot of the year, newest first, without the tables")
async def list_snapshots(year: Year, principal: CurrentPrincipal, db: Db, cursor: str | None = None,
                         limit: Annotated[int, Query(ge=1, le=500)] = 100,
                         cluster: Annotated[str | None, Query(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,39})$",
                                                              description="a cluster code, or * for the national view")]
                         = None) -> dict:
    before = id_cursor(cursor)
    async with db.connection() as conn:
        rows = await ranking_store.page(conn, year=year, scope=cluster, before=before, limit=limit + 1)
    return page([service_rankings.snapshot_view(r) for r in rows], limit, lambda item: item["snapshot_id"])


@router.get("/{year}/snapshots/{snapshot_id}", summary="One snapshot with its table")
async def get_snapshot(year: Year, snapshot_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        row = await ranking_store.by_id(conn, year=year, snapshot_id=snapshot_id)
    if row is None:
        raise NotFound(f"no snapshot {snapshot_id} in {year}", field="snapshot_id")
    return service_rankings.snapshot_view(row)


@router.post("/{year}/recompute", status_code=202,
             summary="Recompute the year's rankings (ministry): queued, or in this request with inline=true",
             responses={200: {"description": "inline=true: the scopes written and those unchanged",
                              "content": {"application/json": {}}}})
async def recompute(year: Year, request: Request, principal: CurrentPrincipal, db: Db,
                    cluster: Annotated[str | None, Query(pattern=CODE)] = None,
                    inline: Annotated[bool, Query(description="run now and answer with what was written")] = False):
    principal.require_role("ministry")
    settings = ranking_settings(request)
    async with db.transaction() as conn:
        await audit.record(conn, schema="nominations", actor=principal, action="rankings.recompute",
                           target=f"rankings:{year}", details={"cluster": cluster, "inline": inline})
    if inline:
        async with db.connection() as conn:
            result = await service_rankings.recompute(conn, year=year, cluster=cluster, config=settings.config)
        return JSONResponse(result, status_code=200)
    try:
        task_id = await service_rankings.enqueue(request.app.state.settings.redis_url, year=year, cluster=cluster,
                                                 queue=settings.queue)
    except Exception as exc:
        raise Unavailable(f"the task queue cannot be reached ({type(exc).__name__})", slug="queue-unavailable") from exc
    return {"task_id": task_id, "year": year, "cluster": cluster, "queue": settings.queue}
