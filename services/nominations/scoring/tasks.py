"""Celery tasks of the scoring context: the ranking recomputation (queue ``rankings``).

Tasks take ids, reload state, are idempotent, and touch only the ``nominations`` schema.
"""
import asyncio

import asyncpg
import redis
from celery import shared_task

from shared.worker import run_async

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
    from services.nominations.scoring.service.rankings import run_job

    return run_async(lambda: run_job(year=year, cluster=cluster_code))
