"""Ranking use cases: the recompute job, its triggers, and reading snapshots.

Triggers, all ending in ``recompute``:

- a sheet submitted, cross-checked or reopened: ``request_recompute`` after the commit, debounced
  per cluster-year (the first change sets a Redis key and enqueues the job with a countdown; later
  changes find the key and add nothing; the job deletes the key *before* reading, so a change
  committed after that enqueues a fresh run, and none is missed);
- the nightly beat entry ``nominations.recompute_rankings`` with no year: every open year;
- ``POST /v1/rankings/{year}/recompute`` (ministry): enqueued, or run in the request with ``inline``.

Redis or the broker failing after a commit never fails the request: the change is saved and the
nightly run ranks it.
"""
from __future__ import annotations

import functools
import logging
from decimal import Decimal
from typing import Annotated, Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import Depends, Request
from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.nominations import organiser_rules
from services.nominations.scoring.domain import policy
from services.nominations.scoring.domain.ranking import DEFAULT_BANDS, RankingConfig
from services.nominations.scoring.events import publish_rankings
from services.nominations.scoring.store import covenants as covenant_store
from services.nominations.scoring.store import rankings as ranking_store
from services.nominations.settings import NominationsSettings
from shared import audit
from shared.auth import Principal
from shared.db import connect
from shared.errors import Forbidden, NotFound
from shared.jobs import Job, JobSender
from shared.logs import log_fields

log = logging.getLogger("thidua.nominations.rankings")
TASK = "nominations.recompute_rankings"


class RankingSettings(BaseSettings):
    """Ranking configuration (env prefix ``NOMINATIONS_RANKING_``; lists as JSON, e.g.
    ``NOMINATIONS_RANKING_BANDS='[[0.9, "Xuất sắc"], [0, "Đạt"]]'``)."""

    model_config = SettingsConfigDict(env_prefix="NOMINATIONS_RANKING_", extra="ignore")

    tie_break: tuple[str, ...] = ("fewer_penalty", "higher_regular")
    bands: tuple[tuple[Decimal, str], ...] = DEFAULT_BANDS
    # A burst of submissions within this window triggers one run per cluster-year.
    debounce_seconds: float = 15.0
    queue: str = "rankings"

    @model_validator(mode="after")
    def _valid_config(self) -> RankingSettings:
        self.config  # noqa: B018  (raises on a bad tie-break key or band list, at start-up)
        return self

    @property
    def config(self) -> RankingConfig:
        return RankingConfig(tie_break=self.tie_break, bands=self.bands)


def ranking_settings(state: Any) -> RankingSettings:
    """The app's ranking settings (``app.state``; tests and the bench may set ``ranking_settings`` there)."""
    if getattr(state, "ranking_settings", None) is None:
        state.ranking_settings = RankingSettings()
    settings: RankingSettings = state.ranking_settings
    return settings


async def get_ranking_settings(request: Request) -> RankingSettings:
    return ranking_settings(request.app.state)


Ranking = Annotated[RankingSettings, Depends(get_ranking_settings)]
"""The app's ranking settings, as a route dependency."""


# ---------------------------------------------------------------- the job

async def recompute(conn: asyncpg.Connection, *, year: int, cluster: str | None,
                    config: RankingConfig) -> dict[str, Any]:
    """Rank the cluster (or every cluster of the year) and the national view; write a snapshot for
    each whose inputs changed and announce each new cluster snapshot. One transaction."""
    async with conn.transaction():
        written = await ranking_store.recompute(conn, year=year, cluster=cluster, config=config)
        examined = await ranking_store.scopes(conn, year=year, cluster=cluster)
        new = {r["scope"]: r["id"] for r in written}
        clusters = [scope for scope in new if not ranking_store.is_national(scope)]
        # One event per new cluster snapshot, all written by one statement.
        await publish_rankings(conn, [(cluster_year, new[cluster_year["cluster_code"]])
                                      for cluster_year in await covenant_store.cluster_years(
                                          conn, year=year, clusters=clusters)])
    result = {"year": year, "cluster": cluster,
              "written": [{"scope": _scope_name(s), "snapshot_id": new[s]}
                          for s in sorted(new, key=lambda s: (ranking_store.is_national(s), s))],
              "unchanged": [_scope_name(s) for s in examined if s not in new]}
    log_fields(log, "rankings recomputed", year=year, cluster=cluster, written=len(new))
    return result


def _scope_name(scope: str) -> str:
    """``national`` (the ministry's), ``national:<organiser>`` (another's), or the cluster."""
    if scope == ranking_store.NATIONAL:
        return "national"
    return f"national:{ranking_store.organiser_of_scope(scope)}" if ranking_store.is_national(scope) else scope


def debounce_key(cluster: str, year: int) -> str:
    return f"rankings:debounce:{cluster}:{year}"


async def run_job(*, year: int | None, cluster: str | None, settings: NominationsSettings | None = None,
                  ranking: RankingSettings | None = None) -> dict[str, Any]:
    """What the Celery task runs: one year, or (``year=None``, the nightly run) every open year."""
    settings = settings or NominationsSettings()
    ranking = ranking or RankingSettings()
    if cluster is not None and year is not None:
        # Before reading anything: a change committed from now on schedules its own run.
        client = aioredis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=10)
        try:
            await client.delete(debounce_key(cluster, year))
        finally:
            await client.aclose()
    conn = await connect(settings.database_url)
    try:
        years = [year] if year is not None else await ranking_store.open_years(conn)
        return {"runs": [await recompute(conn, year=y, cluster=cluster, config=ranking.config) for y in years]}
    finally:
        await conn.close()


# ---------------------------------------------------------------- triggers

@functools.lru_cache(maxsize=4)
def _sender(broker_url: str) -> JobSender:
    """A producer per broker, for callers outside an app (an app passes its own ``Jobs`` sender)."""
    return JobSender(broker_url)


def recompute_job(*, year: int | None, cluster: str | None, queue: str, countdown: float | None = None,
                  task_id: str | None = None) -> Job:
    return Job(TASK, kwargs={"year": year, "cluster_code": cluster}, queue=queue, countdown=countdown,
               task_id=task_id, required=True)


async def request_recompute(redis: aioredis.Redis, *, ranking: RankingSettings, cluster: str, year: int,
                            sender: JobSender | None = None, broker_url: str | None = None) -> bool:
    """After a commit that changed what a cluster-year ranks on, schedule one debounced run through
    ``sender`` (the app's job sender; else a producer on ``broker_url``).
    Returns whether this call scheduled it; never raises (the nightly run is the safety net)."""
    key = debounce_key(cluster, year)
    try:
        # The key outlives the countdown so a queue backlog does not multiply runs; it expires in
        # case a run is lost, letting the next change schedule again.
        if not await redis.set(key, "1", nx=True, ex=int(ranking.debounce_seconds) + 300):
            return False
        try:
            if sender is None:
                assert broker_url is not None, "give the app's job sender or a broker URL"
                sender = _sender(broker_url)
            await sender.send([recompute_job(year=year, cluster=cluster, queue=ranking.queue,
                                             countdown=ranking.debounce_seconds)])
        except BaseException:
            await redis.delete(key)
            raise
        return True
    except Exception as exc:
        log_fields(log, "cannot schedule a ranking run; the nightly run will catch up", logging.WARNING,
                   cluster=cluster, year=year, error=repr(exc))
        return False


# ---------------------------------------------------------------- reading

def snapshot_view(row: asyncpg.Record, *, cluster_name: str | None = None) -> dict[str, Any]:
    national = ranking_store.is_national(row["scope"])
    view = {"snapshot_id": row["id"], "scope": "national" if national else "cluster",
            "cluster_code": None if national else row["scope"], "year": row["year"],
            "computed_at": row["computed_at"], "inputs_digest": row["inputs_digest"],
            "previous_id": row["previous_id"], "covenant_version": row["covenant_version"],
            "max_total": None if row["max_total"] is None else float(row["max_total"]),
            "config": row["config"], "unit_count": row["unit_count"]}
    if national:
        view["organiser"] = ranking_store.organiser_of_scope(row["scope"])
    if not national and cluster_name is not None:
        view["cluster_name"] = cluster_name
    if "rows" in row.keys():
        view["rows"] = row["rows"]
    return view


async def cluster_ranking(conn: asyncpg.Connection, *, year: int, cluster: str,
                          actor: Principal | None = None) -> dict[str, Any]:
    """The latest snapshot of a cluster-year, with its table (another organiser's: its office, its
    members and the ministry read it)."""
    organiser, members = await covenant_store.readers_of(conn, cluster=cluster, year=year)
    if actor is not None and not organiser_rules.reads_cluster_work(actor, organiser, members):
        raise Forbidden(f"{cluster} {year} is {organiser}'s: its office, its members and the ministry read its "
                        "ranking", slug="other-organiser")
    row = await ranking_store.latest(conn, scope=cluster, year=year)
    if row is None:
        raise NotFound(f"{cluster} has no ranking for {year} yet", field="cluster")
    names = await covenant_store.cluster_years(conn, year=year, clusters=[cluster])
    return snapshot_view(row, cluster_name=names[0]["cluster_name"] if names else None)


async def readable_scopes(conn: asyncpg.Connection, *, year: int, organiser: str,
                          actor: Principal) -> list[str]:
    """The scopes of ``organiser``'s rankings of the year ``actor`` may read: each of its clusters the
    caller reads, and its national view when the caller reads it."""
    clusters = await ranking_store.organiser_clusters(conn, year=year, organiser=organiser)
    every = {m for _, members in clusters for m in members}
    scopes = [cluster for cluster, members in clusters if policy.may_read_ranking(actor, organiser, members)]
    if policy.may_read_ranking(actor, organiser, every):
        scopes.append(ranking_store.national_scope(organiser))
    return scopes


async def national_ranking(conn: asyncpg.Connection, *, year: int, organiser: str = ranking_store.MINISTRY,
                           actor: Principal | None = None) -> dict[str, Any]:
    """The latest national (organiser-wide) ranking of ``organiser``'s clusters: the ministry's, read
    by anyone signed in; another organiser's, by its office, its member units, the ministry, services."""
    if actor is not None and organiser != ranking_store.MINISTRY:
        clusters = await ranking_store.organiser_clusters(conn, year=year, organiser=organiser)
        if not policy.may_read_ranking(actor, organiser, {m for _, members in clusters for m in members}):
            raise Forbidden(f"the national ranking of {organiser}'s clusters is read by its office, its member "
                            "units, the ministry and services", slug="other-organiser")
    row = await ranking_store.latest(conn, scope=ranking_store.national_scope(organiser), year=year)
    if row is None:
        raise NotFound(f"no national ranking of {organiser}'s clusters for {year} yet", field="year")
    return snapshot_view(row)


async def list_snapshots(conn: asyncpg.Connection, *, year: int, scope: str | None, before: int | None,
                         limit: int, organiser: str | None = None,
                         actor: Principal | None = None) -> list[dict[str, Any]]:
    """``organiser``'s snapshots of the year that ``actor`` may read, newest first, without their
    tables (``scope``: one cluster, or ``*`` the organiser's national view). The organiser defaults to
    the cluster's, else the ministry."""
    if organiser is None:
        named = await covenant_store.organiser_of(conn, cluster=scope) if scope not in (None, "*") else None
        organiser = named or ranking_store.MINISTRY
    if actor is None:
        scopes = [c for c, _ in await ranking_store.organiser_clusters(conn, year=year, organiser=organiser)]
        scopes.append(ranking_store.national_scope(organiser))
    else:
        scopes = await readable_scopes(conn, year=year, organiser=organiser, actor=actor)
    if scope is not None:
        wanted = ranking_store.national_scope(organiser) if scope == "*" else scope
        scopes = [s for s in scopes if s == wanted]
    return [snapshot_view(r) for r in await ranking_store.page(conn, year=year, scopes=scopes, before=before,
                                                                  limit=limit)]


async def get_snapshot(conn: asyncpg.Connection, *, year: int, snapshot_id: int,
                       actor: Principal | None = None) -> dict[str, Any]:
    """One snapshot with its table: another organiser's is read as its latest ranking is."""
    row = await ranking_store.by_id(conn, year=year, snapshot_id=snapshot_id)
    if row is None:
        raise NotFound(f"no snapshot {snapshot_id} in {year}", field="snapshot_id")
    if actor is not None:
        scope = row["scope"]
        if ranking_store.is_national(scope):
            organiser = ranking_store.organiser_of_scope(scope)
            members = [m for _, ms in await ranking_store.organiser_clusters(conn, year=year, organiser=organiser)
                       for m in ms]
        else:
            found, members = await covenant_store.readers_of(conn, cluster=scope, year=year)
            organiser = found or ranking_store.MINISTRY
        if not policy.may_read_ranking(actor, organiser, members):
            raise Forbidden(f"snapshot {snapshot_id} is {organiser}'s: its office, its members, the ministry and "
                            "services read it", slug="other-organiser")
    return snapshot_view(row)


def require_recompute_role(actor: Principal) -> None:
    """Only an organiser's emulation office (the ministry's staff included) asks for a recompute."""
    if actor.staff_of is None:
        raise Forbidden(f"this action needs the role ministry or staff; the caller is {actor.role}")


async def record_recompute_request(conn: asyncpg.Connection, *, actor: Principal, year: int, cluster: str | None,
                                   inline: bool) -> None:
    """Audit a request to recompute: the ministry's (any year, any cluster), or an organiser's office's
    for one of its own clusters."""
    require_recompute_role(actor)
    organiser = await covenant_store.organiser_of(conn, cluster=cluster) if cluster else None
    if not policy.may_recompute(actor, organiser):
        raise Forbidden("an organiser's office recomputes one of its own clusters (name it with ?cluster=)",
                        slug="other-organiser")
    await audit.record(conn, schema="nominations", actor=actor, action="rankings.recompute",
                       target=f"rankings:{year}", details={"cluster": cluster, "inline": inline})
