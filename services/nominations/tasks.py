"""Celery tasks owned by the nominations service (loaded by the notifications worker).

Tasks take ids, reload state, are idempotent, and touch only the ``nominations`` schema.
"""

# ---------------------------------------------------------------- vote rounds: the close at closes_at

import asyncio  # noqa: E402  (each feature's section keeps its own imports)

from celery import shared_task  # noqa: E402


async def close_due_rounds(database_url: str | None = None) -> list[str]:
    """Close every open round whose ``closes_at`` has passed; return the ids closed.

    Uses the very function behind ``POST /v1/rounds/{id}/close`` (``due_only``: a round already
    closed, or not yet due, is left alone), one transaction per round, so a beat firing twice or a
    lead closing at the same moment is harmless.
    """
    from services.nominations import service_rounds
    from services.nominations.settings import NominationsSettings
    from services.nominations.store import rounds as round_store
    from shared.auth import Principal
    from shared.db import connect

    scheduler = Principal(subject="nominations.close_due_rounds", role="service")
    conn = await connect(database_url or NominationsSettings().database_url)
    try:
        closed = []
        for round_id in await round_store.due(conn):
            async with conn.transaction():
                if await service_rounds.close_round(conn, actor=scheduler, round_id=round_id, due_only=True):
                    closed.append(str(round_id))
        return closed
    finally:
        await conn.close()


@shared_task(name="nominations.close_due_rounds", acks_late=True, autoretry_for=(Exception,), retry_backoff=True,
              retry_jitter=True, max_retries=5)
def close_due_rounds_task() -> list[str]:
    """Scheduled by the notifications worker's beat (queue ``beat``)."""
    return asyncio.run(close_due_rounds())


# ---------------------------------------------------------------- rankings: debounced, nightly, on request

import asyncpg  # noqa: E402
import redis  # noqa: E402

# Worth running again: the database, Redis or the network is away or busy. A bug fails loudly.
RANKING_TRANSIENT = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                     asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError, asyncpg.SerializationError,
                     asyncpg.DeadlockDetectedError, redis.ConnectionError, redis.TimeoutError)


# Queue `rankings`: routed by the worker's task_routes, and named by every send_task.
@shared_task(name="nominations.recompute_rankings", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=RANKING_TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
             max_retries=8, soft_time_limit=600, time_limit=660)
def recompute_rankings(year: int | None = None, cluster_code: str | None = None) -> dict:
    """Rank ``cluster_code`` (or every cluster) of ``year`` and the national view; no year: every
    open year (the nightly beat). Idempotent: a run whose inputs are unchanged writes nothing."""
    from services.nominations.service_rankings import run_job

    return asyncio.run(run_job(year=year, cluster=cluster_code))
