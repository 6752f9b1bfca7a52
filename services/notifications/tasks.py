"""Celery tasks of the notifications service.

Tasks are synchronous functions (what Celery runs); each drives its async use case on a per-process
event loop (``asyncio.Runner``) with a per-process asyncpg pool, both created lazily in the process
that runs the task (so after a prefork worker forks, never inherited). Tasks take ids or the event
envelope, reload state, and are idempotent; infrastructure errors (PostgreSQL or the network
away) are retried by Celery with exponential backoff and jitter.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Iterable, TypeVar

import asyncpg
from celery.exceptions import SoftTimeLimitExceeded

from services.notifications import service
from services.notifications.settings import NotificationsSettings
from services.notifications.worker import app
from shared.db import create_pool
from shared.logs import log_fields

log = logging.getLogger("thidua.notifications.tasks")
T = TypeVar("T")

# Worth retrying the whole task: the database or the network is away or busy, or a serialization
# conflict. Anything else is a bug or bad input and fails loudly.
TRANSIENT = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
             asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError, asyncpg.SerializationError,
             asyncpg.DeadlockDetectedError)


def settings() -> NotificationsSettings:
    return app.thidua_settings


class Runtime:
    """One event loop and one small pool per worker process, reused by every task it runs."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.runner = asyncio.Runner()
        self.pool: asyncpg.Pool | None = None

    def run(self, work: Callable[[asyncpg.Pool], Awaitable[T]], *, timeout: float) -> T:
        async def main() -> T:
            if self.pool is None:
                self.pool = await create_pool(settings().database_url, min_size=1, max_size=2)
            # Finish (cancelled, cleanly) before Celery's soft limit interrupts the loop from outside.
            return await asyncio.wait_for(work(self.pool), timeout)

        return self.runner.run(main())

    def close(self) -> None:
        try:
            if self.pool is not None:
                self.pool.terminate()
            self.runner.close()
        except Exception:  # best effort: the loop may be in a bad state after an interruption
            pass


_runtime: Runtime | None = None


def run(work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    global _runtime
    if _runtime is None or _runtime.pid != os.getpid():
        _runtime = Runtime()
    try:
        return _runtime.run(work, timeout=max(1.0, settings().task_soft_time_limit - 5))
    except SoftTimeLimitExceeded:
        # Raised by a signal wherever the loop happened to be: start the next task afresh.
        _runtime.close()
        _runtime = None
        raise


def enqueue_deliveries(ids: Iterable[str]) -> None:
    """Hand new deliveries to the notify queue. A failure here loses nothing: the rows stay
    pending in PostgreSQL and the periodic sweep enqueues them."""
    for delivery_id in ids:
        try:
            deliver.apply_async(args=[delivery_id], retry=True,
                                retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5})
        except Exception as exc:
            log_fields(log, "cannot enqueue delivery; the sweep will", logging.WARNING,
                       delivery_id=delivery_id, error=repr(exc))


_RETRY = dict(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, retry_jitter=True)


@app.task(name="notifications.handle_event", bind=True, max_retries=settings().task_max_retries, **_RETRY)
def handle_event(self, envelope: dict[str, Any]) -> dict[str, Any]:
    """Consume one event: inbox notifications and deliveries for every recipient, exactly once."""

    async def work(pool: asyncpg.Pool) -> service.Handled:
        async with pool.acquire() as conn:
            async with conn.transaction():
                return await service.handle_event(conn, envelope)

    handled = run(work)
    enqueue_deliveries(handled.deliveries)
    log_fields(log, "event handled", event_id=handled.event_id, type=handled.type, duplicate=handled.duplicate,
               recipients=handled.recipients, notifications=handled.notifications,
               deliveries=len(handled.deliveries))
    return {"event_id": handled.event_id, "duplicate": handled.duplicate, "notifications": handled.notifications,
            "deliveries": len(handled.deliveries)}


@app.task(name="notifications.deliver", bind=True, max_retries=settings().task_max_retries, **_RETRY)
def deliver(self, delivery_id: str) -> dict[str, Any]:
    """One attempt at one e-mail or webhook delivery; schedules the next attempt after a failure."""
    result = run(lambda pool: service.deliver(pool, settings(), delivery_id))
    if result.retry_in is not None:
        try:
            # The backoff wait rides on the broker as an ETA message; if it is lost, the row still
            # says "retrying" with its next_attempt_at and the sweep picks it up.
            deliver.apply_async(args=[delivery_id], countdown=result.retry_in)
        except Exception as exc:
            log_fields(log, "cannot schedule the next attempt; the sweep will", logging.WARNING,
                       delivery_id=delivery_id, error=repr(exc))
    return {"delivery_id": delivery_id, "status": result.status, "attempts": result.attempts}


@app.task(name="notifications.send_reminders", bind=True, max_retries=3, **_RETRY)
def send_reminders(self) -> dict[str, Any]:
    """Beat: remind the non-voters of rounds closing within the window, once per round and window."""

    async def work(pool: asyncpg.Pool) -> service.Reminded:
        async with pool.acquire() as conn:
            return await service.send_reminders(conn, window_hours=settings().reminder_window_hours)

    reminded = run(work)
    enqueue_deliveries(reminded.deliveries)
    return {"reminders": reminded.reminders, "deliveries": len(reminded.deliveries)}


@app.task(name="notifications.sweep_deliveries", bind=True, max_retries=3, **_RETRY)
def sweep_deliveries(self) -> dict[str, Any]:
    """Beat: re-enqueue deliveries whose message was lost (enqueue failed, broker data lost).

    A sweep may also re-enqueue one that is merely waiting in a long queue; the duplicate finds
    it done, busy or early and does nothing.
    """

    async def work(pool: asyncpg.Pool) -> list[str]:
        async with pool.acquire() as conn:
            return await service.overdue_deliveries(conn, settings=settings())

    ids = run(work)
    enqueue_deliveries(ids)
    if ids:
        log_fields(log, "re-enqueued overdue deliveries", count=len(ids))
    return {"enqueued": len(ids)}
