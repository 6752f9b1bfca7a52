"""Covenants and score sheets of a cluster-year."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Iterator

from fastapi import APIRouter, Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from services.nominations.scoring import service
from services.nominations.scoring.schemas import (
    Covenant,
    CovenantIn,
    Locked,
    ReviewIn,
    Sheet,
    SheetIn,
    SheetList,
)
from services.nominations.scoring.service import rankings as service_rankings
from services.nominations.scoring.service import scores as service_scores
from shared.app import Db, Jobs, Redis
from shared.auth import CurrentPrincipal, Principal
from shared.db import INT_MAX
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/v1/clusters/{code}/periods/{year}", tags=["covenants and score sheets"])

ClusterCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Year = Annotated[int, Path(ge=2000, le=2100)]
Province = Annotated[str, Path(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$")]


@contextmanager
def field_errors() -> Iterator[None]:
    """The domain lists every invalid field; answer with all of them in one 422."""
    try:
        yield
    except service_scores.RULE_ERRORS as exc:
        raise RequestValidationError([{"loc": (field,), "msg": message, "type": code, "ctx": params}
                                      for field, message, code, params in exc.items]) from exc


class Recompute:
    """Schedules the ranking run after the commit of a change the ranking depends on (debounced per
    cluster-year), through the app's job sender."""

    def __init__(self, redis: Redis, jobs: Jobs, ranking: service_rankings.Ranking) -> None:
        self.redis, self.jobs, self.ranking = redis, jobs, ranking

    async def __call__(self, *, cluster: str, year: int) -> None:
        await service_rankings.request_recompute(self.redis, sender=self.jobs, ranking=self.ranking, cluster=cluster,
                                                 year=year)


ScheduleRecompute = Annotated[Recompute, Depends()]


def _scope(principal: Principal, action: str, code: str, year: int, province: str = "") -> str:
    return f"{principal.subject}:{action}:{code}/{year}/{province}"


# ---------------------------------------------------------------- covenant

@router.put("/covenant", summary="Write the covenant (lead or ministry); publish freezes a version",
             response_model=Covenant, responses=problems(401, 403, 404, 409, 422, 503), response_model_exclude_unset=True)
async def put_covenant(code: ClusterCode, year: Year, body: CovenantIn, registry: service.Registry,
                       schedule_recompute: ScheduleRecompute, principal: CurrentPrincipal, db: Db) -> dict:
    service_scores.require_covenant_role(principal)
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    with field_errors():
        async with db.transaction() as conn:
            result = await service_scores.put_covenant(conn, actor=principal, period=period,
                                                       criteria=[c.model_dump() for c in body.criteria],
                                                       publish=body.publish, reason=body.reason)
    if "reopened" in result:  # an amendment moved the sheets to a new version: the ranking changes
        await schedule_recompute(cluster=code, year=year)
    return result


@router.get("/covenant", summary="A covenant version (default: the one in force, else the draft)",
             response_model=Covenant, responses=problems(401, 403, 404, 422))
async def get_covenant(code: ClusterCode, year: Year, principal: CurrentPrincipal, db: Db,
                       version: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None) -> dict:
    async with db.connection() as conn:
        return await service_scores.get_covenant(conn, cluster=code, year=year, version=version, actor=principal)


# ---------------------------------------------------------------- score sheets

@router.put("/scores/{province}", summary="Save a province's whole self assessment (that province only)",
             response_model=Sheet, responses=problems(401, 403, 404, 409, 422, 503))
async def save_sheet(code: ClusterCode, year: Year, province: Province, body: SheetIn, registry: service.Registry,
                     principal: CurrentPrincipal, db: Db) -> dict:
    service_scores.require_own_sheet(principal, province)  # before asking the registry anything
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    with field_errors():
        async with db.transaction() as conn:
            return await service_scores.save_sheet(conn, actor=principal, period=period, province=province,
                                                   scores=body.scores, notes=body.notes)


@router.post("/scores/{province}/submit", summary="Submit a complete sheet for cross-checking",
             response_model=Sheet, responses=problems(401, 403, 404, 409, 422, 503))
async def submit_sheet(code: ClusterCode, year: Year, province: Province, registry: service.Registry,
                       schedule_recompute: ScheduleRecompute, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    service_scores.require_own_sheet(principal, province)  # before asking the registry anything
    period = await service_scores.registry_period(registry, cluster=code, year=year)  # membership on the day
    with field_errors():
        async with db.transaction() as conn:
            response = await idempotent(
                conn, schema="nominations", key=idempotency_key, body={},
                scope=_scope(principal, "scores.submit", code, year, province), status_code=200,
                run=lambda: service_scores.submit_sheet(conn, actor=principal, period=period, province=province))
    await schedule_recompute(cluster=code, year=year)
    return response


@router.put("/scores/{province}/review", summary="Cross-check a submitted sheet: adjustments with reasons (lead)",
             response_model=Sheet, responses=problems(401, 403, 404, 409, 422, 503))
async def review_sheet(code: ClusterCode, year: Year, province: Province, body: ReviewIn, registry: service.Registry,
                       schedule_recompute: ScheduleRecompute, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    service_scores.require_province_role(principal)
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    adjustments = {c: (a.points, a.reason) for c, a in body.adjustments.items()}
    with field_errors():
        async with db.transaction() as conn:
            response = await idempotent(
                conn, schema="nominations", key=idempotency_key, body=body,
                scope=_scope(principal, "scores.review", code, year, province), status_code=200,
                run=lambda: service_scores.review_sheet(conn, actor=principal, period=period, province=province,
                                                        adjustments=adjustments))
    await schedule_recompute(cluster=code, year=year)
    return response


@router.get("/scores", summary="Every member's sheet and where it stands (lead, ministry; a member sees its own)",
            response_model=SheetList,
             responses=problems(401, 403, 404, 422, 503))
async def list_sheets(code: ClusterCode, year: Year, registry: service.Registry, principal: CurrentPrincipal,
                      db: Db) -> dict:
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    async with db.transaction() as conn:
        return await service_scores.list_sheets(conn, actor=principal, period=period)


@router.get("/scores/{province}", summary="A sheet with every adjustment and who made it",
             response_model=Sheet, responses=problems(401, 403, 404, 422, 503))
async def get_sheet(code: ClusterCode, year: Year, province: Province, registry: service.Registry,
                    principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await service_scores.get_sheet(conn, actor=principal, cluster=code, year=year, province=province,
                                              load_period=lambda: service_scores.registry_period(registry, cluster=code,
                                                                                                 year=year))


@router.post("/scores/lock", summary="Lock every sheet for the conference (lead, once all have submitted)",
             response_model=Locked, responses=problems(401, 403, 404, 409, 422, 503))
async def lock_sheets(code: ClusterCode, year: Year, registry: service.Registry,
                      schedule_recompute: ScheduleRecompute, principal: CurrentPrincipal, db: Db,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    service_scores.require_province_role(principal)
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    async with db.transaction() as conn:
        response = await idempotent(
            conn, schema="nominations", key=idempotency_key, body={},
            scope=_scope(principal, "scores.lock", code, year),
            status_code=200, run=lambda: service_scores.lock_sheets(conn, actor=principal, period=period))
    # The last chance to rank what was locked, should an earlier run have been lost.
    await schedule_recompute(cluster=code, year=year)
    return response
