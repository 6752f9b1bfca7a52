"""Celery tasks of the notifications service.

Tasks are synchronous functions (what Celery runs); each drives its async use case on its worker
process's event loop (``shared.worker.run_async``) with a per-process asyncpg pool, both created
lazily in the process that runs the task (so after a prefork worker forks, never inherited). Tasks take ids or event
envelopes, reload state, and are idempotent. The relays send events in batches
(``handle_events``: one message, one transaction for up to N events); ``handle_event`` takes one
(replays of failed events, and messages published one by one).

What a failure does depends on its kind (README, "Delivery guarantees"):

- **Infrastructure** (:func:`is_transient`: PostgreSQL, Redis or the network away, busy or
  failing over; a serialization conflict; a timeout): ``handle_event(s)`` and ``deliver`` run again
  (a batch as a whole) with capped exponential backoff and jitter, **without a limit**: an outage
  of any length loses nothing. If even the retry message cannot be published, the message is put
  back in its queue.
- **Anything else in handle_event** (a bug, an envelope this code cannot process): the envelope
  and the error go to ``notifications.failed_events`` and the message is acknowledged: not dropped,
  not retried forever. An operator replays it (``POST /v1/events/failed/{id}/replay``) once the
  cause is fixed. If the failure cannot be recorded, the message is kept and retried, loudly.
  ``handle_events`` records an envelope its contract refuses on its own, with the batch; any other
  error rolls the batch back and its events are then handled one by one as ``handle_event`` does,
  so a poison event fails alone and the good ones of its batch go through.
- **Anything else in deliver**: an error of the send itself is a failed attempt
  (``service.deliveries.deliver``), so the delivery ends ``dead`` after its attempt limit; an error around it
  fails the task while the row stays ``pending``/``retrying`` for the sweep.
- **Beat tasks** recompute their work from PostgreSQL on every run: a few quick retries, then the
  next beat.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, NoReturn, TypeVar

import asyncpg
import kombu.exceptions
import redis
import redis.asyncio as aioredis
from asyncpg.exceptions import _base as asyncpg_base
from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded

from services.notifications.domain import retry
from services.notifications.receiver_slots import ReceiverSlots
from services.notifications.service import consume, deliveries, reminders
from services.notifications.settings import NotificationsSettings
from services.notifications.worker import WEBHOOK_QUEUE, app
from shared import receipts, worker
from shared.app import redis_client
from shared.db import create_pool
from shared.jobs import JobSender
from shared.logs import log_fields

log = logging.getLogger("thidua.notifications.tasks")
T = TypeVar("T")

# Worth running the task again: the database, the broker or the network is away, busy or failing
# over, or a conflict a new transaction resolves. Anything else is a bug or bad input.
TRANSIENT_TYPES = (OSError, asyncio.TimeoutError, SoftTimeLimitExceeded, redis.ConnectionError, redis.TimeoutError,
                   kombu.exceptions.OperationalError)
# PostgreSQL errors by SQLSTATE (class or code): 08 connection exception, 53 insufficient resources
# (too many connections, out of memory, disk full), 57 operator intervention (shutdown, cannot
# connect now, query cancelled), 58030 I/O error, 40001 serialization failure, 40P01 deadlock,
# 55P03 lock not available, 25006 read-only transaction (connected to a standby after a failover).
TRANSIENT_SQLSTATES = ("08", "53", "57", "58030", "40001", "40P01", "55P03", "25006")
# asyncpg's client-side errors that are mistakes, not a lost connection.
_PERMANENT_INTERFACE_ERRORS = (asyncpg_base.DataError, asyncpg_base.ClientConfigurationError,
                               asyncpg_base.UnsupportedClientFeatureError, asyncpg_base.UnsupportedServerFeatureError)
# Beyond this many retries a task still waiting for the infrastructure logs at ERROR.
LOUD_AFTER_RETRIES = 10


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` says the infrastructure is unavailable (retry) rather than the work is wrong."""
    if isinstance(exc, asyncpg_base.InternalClientError):
        # "cannot switch to state …; another operation is in progress": a connection left mid-query
        # by a server that went away (the fault drills meet it when PostgreSQL restarts).
        return True
    if isinstance(exc, asyncpg.InterfaceError):  # connection closed, pool closing, ...
        return not isinstance(exc, _PERMANENT_INTERFACE_ERRORS)
    if isinstance(exc, asyncpg.PostgresError):
        return str(getattr(exc, "sqlstate", "") or "").startswith(TRANSIENT_SQLSTATES)
    return isinstance(exc, TRANSIENT_TYPES)


def transient_retry_delay(retry_number: int, *, config: NotificationsSettings | None = None,
                          cap: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds before retry number ``retry_number`` (≥ 1) of a task that met the infrastructure away:
    ``task_retry_base_seconds`` × 2^(n−1), capped at ``task_retry_max_seconds``, jittered down to half."""
    config = config or settings()
    cap = config.task_retry_max_seconds if cap is None else min(cap, config.task_retry_max_seconds)
    return retry.backoff_seconds(retry_number, base=config.task_retry_base_seconds, cap=cap, rng=rng)


def retry_later(task: Task, exc: BaseException, *, cap: float | None = None) -> NoReturn:
    """Run ``task`` again after the backoff (raises Celery's Retry). With ``max_retries=None`` on the
    task there is no last time; with a limit, the last one re-raises ``exc``."""
    number = task.request.retries + 1
    delay = transient_retry_delay(number, cap=cap)
    limit = task.max_retries
    if limit is not None and number > limit:
        log_fields(log, "infrastructure unavailable; giving up this run", logging.WARNING, task=task.name,
                   task_id=task.request.id, retries=number - 1, error=repr(exc)[:500])
    else:
        log_fields(log, "infrastructure unavailable; the task will run again",
                   logging.ERROR if number > LOUD_AFTER_RETRIES else logging.WARNING, task=task.name,
                   task_id=task.request.id, retry=number, delay=round(delay, 3), error=repr(exc)[:500])
    try:
        raise task.retry(exc=exc, countdown=delay)
    except Reject as rejected:
        # Celery could not publish the retry message (the broker is away too) and would drop this
        # one: put it back in its queue instead, after a pause so that an outage is no busy loop.
        time.sleep(min(delay, 5.0))
        raise Reject(rejected.reason, requeue=True) from exc


def settings() -> NotificationsSettings:
    return app.thidua_settings


# The key of this service's resources on the worker process's runtime.
RESOURCES = "notifications"


@dataclass
class Resources:
    """What this service's tasks keep on their worker process's event loop (``shared.worker``):
    one small pool, and the Redis client behind the webhook receivers' slots and the receipts."""

    database_url: str
    pool: asyncpg.Pool | None = None
    redis: aioredis.Redis | None = None
    slots: ReceiverSlots | None = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()


def resources() -> Resources:
    """This process's resources for the current settings (new ones when the database changed: tests)."""
    runtime = worker.runtime()
    current = runtime.resources.get(RESOURCES)
    if current is not None and current.database_url != settings().database_url:
        worker.close_runtime()
        runtime, current = worker.runtime(), None
    if current is None:
        current = runtime.resources[RESOURCES] = Resources(settings().database_url)
        runtime.on_close(current.close)
    return current



def run(work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    held = resources()

    async def main() -> T:
        if held.pool is None:
            held.pool = await create_pool(held.database_url, min_size=1, max_size=2)
        if held.slots is None:
            config = settings()
            held.redis = redis_client(config)
            held.slots = ReceiverSlots(held.redis, cap=config.webhook_concurrency_per_receiver,
                                       lease_seconds=config.webhook_deadline_seconds + 5)
        return await work(held.pool)

    # A connection in a broken protocol state: the next run starts with a fresh pool.
    return worker.run_async(main, timeout=max(1.0, settings().task_soft_time_limit - 5),
                            fresh_after=(asyncpg_base.InternalClientError,))


# Follow-up jobs go through the worker's own app (its broker connection), after the task's commit.
jobs = JobSender(app=app)


def confirm_events(envelopes: Iterable[Any]) -> None:
    """Tell the events' producers that these are handled, or kept in failed_events (shared.receipts):
    only after the commit. A receipt that does not get through costs a republish, which is ignored."""
    envelopes = list(envelopes)

    async def work(pool: asyncpg.Pool) -> int:
        client = resources().redis
        assert client is not None
        return await receipts.confirm(client, consumer=CONSUMER, envelopes=envelopes)

    try:
        run(work)
    except Exception as exc:  # never fail a task whose work is committed
        log_fields(log, "cannot confirm events; their producers will publish them again", logging.WARNING,
                   events=len(envelopes), error=repr(exc)[:300])


def enqueue_deliveries(ids: Iterable[str]) -> None:
    """Hand new deliveries to the notify queue, once their rows are committed. A failure here loses
    nothing: the rows stay pending in PostgreSQL and the periodic sweep enqueues them."""
    jobs.send_all(deliveries.delivery_job(delivery_id) for delivery_id in ids)


@app.task(name="notifications.handle_event", bind=True, max_retries=None)
def handle_event(self: Task, envelope: dict[str, Any]) -> dict[str, Any]:
    """Consume one event: inbox notifications and deliveries for every recipient, exactly once.

    Acknowledged only once its effects are committed or its failure is recorded in failed_events.
    """
    try:
        handled = run(functools.partial(_handle_one, envelope=envelope))
    except Exception as exc:
        if is_transient(exc):
            retry_later(self, exc)
        result = record_failed_event(self, envelope, exc)
    else:
        result = _after_one(handled)
    confirm_events([envelope])
    return result


async def _handle_one(pool: asyncpg.Pool, *, envelope: Any) -> consume.Handled:
    async with pool.acquire() as conn:
        async with conn.transaction():
            return await consume.handle_event(conn, envelope)


def _after_one(handled: consume.Handled) -> dict[str, Any]:
    enqueue_deliveries(handled.deliveries)
    log_fields(log, "event handled", event_id=handled.event_id, type=handled.type, duplicate=handled.duplicate,
               recipients=handled.recipients, notifications=handled.notifications,
               deliveries=len(handled.deliveries))
    return {"event_id": handled.event_id, "duplicate": handled.duplicate, "notifications": handled.notifications,
            "deliveries": len(handled.deliveries)}


@app.task(name="notifications.handle_events", bind=True, max_retries=None)
def handle_events(self: Task, envelopes: list[Any]) -> dict[str, Any]:
    """Consume a batch of events (what the relays send) in one transaction, each exactly once.

    A duplicate (seen before, or twice in the batch) does nothing; an envelope its contract refuses
    is recorded in failed_events with the batch; an infrastructure error retries the whole batch;
    any other error rolls it back and the events are handled one by one (:func:`handle_event`'s
    way), so only the bad one ends in failed_events. Acknowledged once every event's effects or
    failure are committed.
    """
    if not isinstance(envelopes, list):
        return record_failed_event(self, envelopes, TypeError("a batch message carries a list of envelopes"))

    async def work(pool: asyncpg.Pool) -> consume.HandledBatch:
        async with pool.acquire() as conn:
            async with conn.transaction():
                return await consume.handle_events(conn, envelopes)

    try:
        batch = run(work)
    except Exception as exc:
        if is_transient(exc):
            retry_later(self, exc)
        log_fields(log, "batch failed; handling its events one by one", logging.WARNING, task_id=self.request.id,
                   events=len(envelopes), error=repr(exc)[:500])
        return handle_singly(self, envelopes)
    enqueue_deliveries(batch.deliveries)
    confirm_events(envelopes)  # handled, duplicates and the refused (kept in failed_events) alike
    for refused in batch.refused:
        log_fields(log, "event could not be processed; recorded in failed_events for replay", logging.ERROR,
                   event_id=str(refused.failure["id"]), type=refused.failure["event_type"],
                   failures=refused.failure["failures"], error=refused.error[:500])
    log_fields(log, "events handled", events=len(envelopes), processed=len(batch.processed),
               duplicates=len(batch.duplicates), failed=len(batch.refused), recipients=batch.recipients,
               notifications=batch.notifications, deliveries=len(batch.deliveries))
    return {"events": len(envelopes), "processed": len(batch.processed), "duplicates": len(batch.duplicates),
            "failed": len(batch.refused), "notifications": batch.notifications, "deliveries": len(batch.deliveries)}


# What this service confirms events as (shared.receipts): named from its consumer task by the rule
# the relays use to know whose receipts to expect.
CONSUMER = receipts.consumer_name(handle_events.name)


def handle_singly(task: Task, envelopes: list[Any]) -> dict[str, Any]:
    """A batch that failed as a whole, one event per transaction. An infrastructure error on the way
    retries the whole batch (the events already handled are duplicates then, and do nothing)."""
    results = []
    for envelope in envelopes:
        try:
            handled = run(functools.partial(_handle_one, envelope=envelope))
        except Exception as exc:
            if is_transient(exc):
                retry_later(task, exc)
            results.append(record_failed_event(task, envelope, exc))
            continue
        results.append(_after_one(handled))
    confirm_events(envelopes)
    return {"events": len(envelopes), "singly": True,
            "processed": sum(1 for r in results if r.get("duplicate") is False),
            "duplicates": sum(1 for r in results if r.get("duplicate")),
            "failed": sum(1 for r in results if r.get("failed")),
            "notifications": sum(r.get("notifications", 0) for r in results),
            "deliveries": sum(r.get("deliveries", 0) for r in results)}


def record_failed_event(task: Task, envelope: Any, exc: Exception) -> dict[str, Any]:
    """An event this code cannot process: keep it in failed_events for replay, then let the message go."""
    error, trace = consume.describe_failure(exc)

    async def work(pool: asyncpg.Pool) -> asyncpg.Record:
        async with pool.acquire() as conn:
            return await consume.record_failed_event(conn, envelope, error=error, traceback=trace)

    try:
        row = run(work)
    except Exception as record_exc:
        # Not recorded: the message is the event's only copy here. Keep it, and say so loudly.
        log_fields(log, "event failed and the failure cannot be recorded; keeping the message", logging.ERROR,
                   error=error[:500], record_error=repr(record_exc)[:500])
        retry_later(task, record_exc)
    log_fields(log, "event could not be processed; recorded in failed_events for replay", logging.ERROR,
               event_id=str(row["id"]), type=row["event_type"], failures=row["failures"], error=error[:500])
    return {"event_id": str(row["id"]), "failed": True, "failures": row["failures"]}


@app.task(name="notifications.deliver", bind=True, max_retries=None)
def deliver(self: Task, delivery_id: str) -> dict[str, Any]:
    """One attempt at one e-mail or webhook delivery; schedules the next attempt after a failure."""
    info = self.request.delivery_info or {}
    queue = info.get("routing_key") or info.get("queue")
    # Webhooks attempt only on their own queue; a message found elsewhere moves there first.
    on_webhook_queue = None if queue is None else queue == WEBHOOK_QUEUE
    try:
        result = run(lambda pool: deliveries.deliver(pool, settings(), delivery_id, slots=resources().slots,
                                                  webhook_queue=on_webhook_queue))
    except Exception as exc:
        if is_transient(exc):
            retry_later(self, exc)
        raise  # a bug around the send: the row stays pending/retrying and the sweep enqueues it again
    if result.retry_in is not None:
        # The backoff wait rides on the broker as an ETA message; if it is lost, the row still
        # says "retrying" with its next_attempt_at and the sweep picks it up. Webhooks go back to
        # their own queue.
        jobs.send_all([deliveries.delivery_job(delivery_id, countdown=result.retry_in or None, kind=result.kind)])
    return {"delivery_id": delivery_id, "status": result.status, "attempts": result.attempts}


def _beat(task: Task, work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    """A periodic job: a few quick retries on an infrastructure error, then the next beat redoes it."""
    try:
        return run(work)
    except Exception as exc:
        if is_transient(exc):
            retry_later(task, exc, cap=settings().beat_interval_seconds / 2)
        raise


@app.task(name="notifications.send_reminders", bind=True, max_retries=3)
def send_reminders(self: Task) -> dict[str, Any]:
    """Beat: remind the non-voters of rounds closing within the window, once per round and window."""

    async def work(pool: asyncpg.Pool) -> reminders.Reminded:
        async with pool.acquire() as conn:
            return await reminders.send_reminders(conn, window_hours=settings().reminder_window_hours)

    reminded = _beat(self, work)
    enqueue_deliveries(reminded.deliveries)
    return {"reminders": reminded.reminders, "deliveries": len(reminded.deliveries)}


@app.task(name="notifications.sweep_deliveries", bind=True, max_retries=3)
def sweep_deliveries(self: Task) -> dict[str, Any]:
    """Beat: re-enqueue deliveries whose message was lost (enqueue failed, broker data lost).

    A sweep may also re-enqueue one that is merely waiting in a long queue; the duplicate finds
    it done, busy or early and does nothing.
    """

    async def work(pool: asyncpg.Pool) -> list[str]:
        async with pool.acquire() as conn:
            return await deliveries.overdue_deliveries(conn, settings=settings())

    ids = _beat(self, work)
    enqueue_deliveries(ids)
    if ids:
        log_fields(log, "re-enqueued overdue deliveries", count=len(ids))
    return {"enqueued": len(ids)}
