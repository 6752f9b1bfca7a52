"""Celery task of the movements context (queue ``movements``): the daily sweep that opens and ends
phases by the calendar and reminds unregistered units before a deadline. It takes no state, reloads
everything, and is idempotent (a phase moves once, a deadline is reminded once)."""
from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from celery import shared_task

from shared.worker import run_async

TRANSIENT = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
             asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError, asyncpg.SerializationError,
             asyncpg.DeadlockDetectedError)


async def run_sweep(database_url: str | None = None) -> dict[str, Any]:
    from services.nominations.movements.service.movements import sweep
    from services.nominations.settings import NominationsSettings
    from shared.clock import vietnam_today
    from shared.db import connect

    conn = await connect(database_url or NominationsSettings().database_url)
    try:
        async with conn.transaction():
            return await sweep(conn, today=vietnam_today())
    finally:
        await conn.close()


@shared_task(name="nominations.movements_sweep", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True, max_retries=8,
             soft_time_limit=300, time_limit=360)
def movements_sweep() -> dict[str, Any]:
    return run_async(run_sweep, fresh_after=TRANSIENT)
