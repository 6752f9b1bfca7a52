"""Deliveries: one e-mail or webhook attempt for one delivery, recorded exactly once (``deliver``,
run by the worker); the ministry lists them and retries a dead one."""
from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import asyncpg

from services.notifications import senders
from services.notifications.domain import channels, retry, webhooks
from services.notifications.receiver_slots import ReceiverSlots
from services.notifications.service.access import require_operator
from services.notifications.settings import NotificationsSettings
from services.notifications.store import deliveries as delivery_store
from services.notifications.store import inbox as inbox_store
from services.notifications.store import receivers as receiver_store
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.jobs import Job
from shared.logs import log_fields
from shared.pagination import time_id_cursor
from shared.secretbox import SecretBox

log = logging.getLogger("thidua.notifications")


@dataclass
class Delivered:
    delivery_id: str
    status: str                     # delivered | retrying | dead, or busy | missing | done | early | paused |
                                    # throttled | reroute (no attempt)
    attempts: int | None = None
    retry_in: float | None = None   # seconds until the next attempt should run
    kind: str | None = None         # email | webhook, once the row was read


def decide(outcome: senders.Outcome, *, round_attempts: int, max_attempts: int,
           settings: NotificationsSettings) -> tuple[str, float | None, str | None]:
    """(new status, seconds to the next attempt, error to record) after one attempt."""
    if outcome.outcome == webhooks.DELIVERED:
        return "delivered", None, None
    if outcome.outcome == webhooks.PERMANENT:
        return "dead", None, f"permanent failure: {outcome.error}"
    if retry.should_give_up(round_attempts, max_attempts):
        return "dead", None, f"gave up after {round_attempts} attempts: {outcome.error}"
    wait = retry.backoff_seconds(round_attempts, base=settings.retry_base_seconds, cap=settings.retry_max_seconds)
    return "retrying", wait, outcome.error


# How long a delivery to a paused receiver waits before it looks again (resuming makes it due now).
PAUSED_RECHECK_SECONDS = 3600.0
# A message that found its delivery being worked on by another looks again after this long.
BUSY_RECHECK_SECONDS = 5.0
# A webhook that found its receiver's slots all taken comes back after about this long.
THROTTLED_RETRY_SECONDS = 1.0


async def deliver(pool: asyncpg.Pool, settings: NotificationsSettings, delivery_id: str, *,
                  slots: ReceiverSlots | None = None, webhook_queue: bool | None = None) -> Delivered:
    """Make one attempt at a delivery, if it still needs one.

    A session advisory lock on the delivery id lets one worker at a time work on it (a duplicate
    task message finds it busy and comes back later); the lock dies with the worker's connection,
    so a killed worker never blocks the retry. The attempt is counted before the send and its outcome
    recorded after, each in its own short transaction: no transaction stays open across the
    network call, and "delivered" is written once, guarded by the status.
    """
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", delivery_id):
            # Another message of this delivery is being worked on. It may be this message's only
            # other copy (a redelivery after the visibility timeout), and its worker may yet die:
            # look again later rather than leave the delivery to the sweep. The re-check finds it
            # done, or takes it over if the lock died with its worker.
            return Delivered(delivery_id, "busy", retry_in=BUSY_RECHECK_SECONDS,
                             kind=channels.WEBHOOK if webhook_queue else None)
        try:
            async with conn.transaction():
                row = await delivery_store.lock(conn, delivery_id)
                if row is None:
                    return Delivered(delivery_id, "missing")
                if row["status"] in ("delivered", "dead"):
                    return Delivered(delivery_id, "done", attempts=row["attempts"])
                wait = (row["next_attempt_at"] - row["db_now"]).total_seconds()
                if wait > 0.5:  # a duplicate message ahead of the backoff: come back on time
                    return Delivered(delivery_id, "early", attempts=row["attempts"], retry_in=wait, kind=row["kind"])
                if row["kind"] == channels.WEBHOOK and webhook_queue is False:
                    # Webhooks run on their own queue, so a slow receiver holds no e-mail worker.
                    return Delivered(delivery_id, "reroute", attempts=row["attempts"], retry_in=0, kind=row["kind"])
                if row["kind"] == channels.WEBHOOK and await receiver_store.paused(conn, row["target"]):
                    await receiver_store.hold(conn, delivery_id, seconds=PAUSED_RECHECK_SECONDS)
                    return Delivered(delivery_id, "paused", attempts=row["attempts"], kind=row["kind"])
                max_attempts = settings.channel_max_attempts[row["kind"]]
                if retry.should_give_up(row["round_attempts"], max_attempts):
                    # Attempts were counted but never finished: each one took its worker down.
                    await delivery_store.give_up(conn, delivery_id, error=(
                        f"gave up after {row['round_attempts']} attempts that did not finish; "
                        f"last error: {row['last_error']}"))
                    return Delivered(delivery_id, "dead", attempts=row["attempts"])
            slot = None
            if row["kind"] == channels.WEBHOOK and slots is not None:
                slot = await slots.acquire(row["target"])
                if slot is None:  # the receiver is busy with other attempts: come back, holding nothing
                    return Delivered(delivery_id, "throttled", attempts=row["attempts"],
                                     retry_in=THROTTLED_RETRY_SECONDS, kind=row["kind"])
            try:
                async with conn.transaction():
                    attempt = await delivery_store.start_attempt(conn, delivery_id)
                try:
                    outcome = await _send(settings, row)
                except Exception as exc:  # a bug must still count as a failed attempt, not loop forever
                    log.exception("delivery attempt failed unexpectedly")
                    outcome = senders.Outcome(webhooks.RETRY, error=f"internal error: {exc!r}"[:500])
            finally:
                if slot is not None:
                    with contextlib.suppress(Exception):  # the lease frees it anyway
                        await slots.release(row["target"], slot)  # type: ignore[union-attr]
            status, retry_in, error = decide(outcome, round_attempts=attempt["round_attempts"],
                                             max_attempts=max_attempts, settings=settings)
            async with conn.transaction():
                await delivery_store.finish_attempt(
                    conn, delivery_id=delivery_id, number=attempt["attempts"], started_at=attempt["last_attempt_at"],
                    outcome=outcome.outcome, http_status=outcome.http_status, error=error, status=status,
                    retry_in=retry_in)
                if row["kind"] == channels.WEBHOOK:
                    ok = outcome.outcome == webhooks.DELIVERED
                    if await receiver_store.record(conn, target=row["target"], recipient=row["recipient"], ok=ok,
                                                   error=error, pause_after=settings.webhook_pause_after_failures):
                        await _tell_owner_paused(conn, row, error=error,
                                                 failures=settings.webhook_pause_after_failures)
            log_fields(log, "delivery attempt", delivery_id=delivery_id, kind=row["kind"], status=status,
                       attempt=attempt["attempts"], http_status=outcome.http_status, error=error)
            return Delivered(delivery_id, status, attempts=attempt["attempts"], retry_in=retry_in, kind=row["kind"])
        finally:
            # A broken connection took the lock with it; the pool's reset unlocks all anyway.
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", delivery_id)


async def _send(settings: NotificationsSettings, row: asyncpg.Record) -> senders.Outcome:
    delivery_id, message = str(row["id"]), row["message"]
    if row["kind"] == channels.EMAIL:
        return await senders.send_email(settings, delivery_id=delivery_id, to=row["target"], message=message,
                                        event_type=row["event_type"])
    secret = SecretBox(settings.secret_box_key, purpose="webhook-secret").open(row["secret"])
    return await senders.send_webhook(settings, delivery_id=delivery_id, url=row["target"], secret=secret,
                                      recipient=row["recipient"], message=message, event_type=row["event_type"])


PAUSE_NAMESPACE = uuid.UUID("0b6a4c1e-7d35-5f0a-8c2e-3f9d1a6b5e42")


async def _tell_owner_paused(conn: asyncpg.Connection, row: asyncpg.Record, *, error: str | None,
                             failures: int) -> None:
    """The owner's inbox says its receiver is paused, why, and how to resume (once per pause)."""
    target = row["target"]
    paused_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    event_id = uuid.uuid5(PAUSE_NAMESPACE, f"{target}|{paused_at}")
    if row["language"] == "en":
        subject = "Webhook paused: it kept failing"
        body = (f"The last {failures} deliveries to {target} failed (last error: {error}). Deliveries to it "
                "are paused and kept; save your subscription again (PUT /v1/subscriptions) once it is fixed.")
    else:
        subject = "Webhook tạm dừng: gửi thất bại liên tiếp"
        body = (f"{failures} lần gửi gần nhất tới {target} đều thất bại (lỗi cuối: {error}). Các thông báo "
                "được giữ lại; lưu lại đăng ký (PUT /v1/subscriptions) sau khi khắc phục để tiếp tục.")
    await inbox_store.insert_many(conn, event_id=event_id, event_type="notifications.webhook_paused",
                                  aggregate_id=target, rows=[{"recipient": row["recipient"], "language": row["language"],
                                                              "subject": subject, "body": body,
                                                              "action": "PUT /v1/subscriptions"}])
    log_fields(log, "webhook receiver paused", logging.WARNING, target=target, recipient=row["recipient"])


async def overdue_deliveries(conn: asyncpg.Connection, *, settings: NotificationsSettings, limit: int = 1000) -> list[str]:
    return await delivery_store.due(conn, overdue_seconds=settings.sweep_after_seconds, limit=limit)


def delivery_job(delivery_id: str, *, countdown: float | None = None, kind: str | None = None) -> Job:
    """One attempt at a delivery. Losing it loses nothing: the row stays pending and the sweep re-sends it.
    A webhook's attempt (``kind``) goes to the webhooks queue; unknown kinds start on ``notify``,
    where a webhook moves itself over."""
    return Job("notifications.deliver", args=(delivery_id,), queue="webhooks" if kind == "webhook" else "notify",
               countdown=countdown)


async def list_deliveries(conn: asyncpg.Connection, *, actor: Principal, status: str | None, cursor: str | None,
                          limit: int) -> list[dict[str, Any]]:
    """Deliveries, newest first, from ``cursor`` on (ministry)."""
    require_operator(actor)
    position = time_id_cursor(cursor)
    after = None if position is None else (position[0], str(position[1]))
    return [delivery_store.public(r) for r in await delivery_store.page(conn, status=status, after=after, limit=limit)]


async def get_delivery(conn: asyncpg.Connection, *, actor: Principal, delivery_id: uuid.UUID) -> dict[str, Any]:
    """One delivery with every attempt (ministry)."""
    require_operator(actor)
    row = await delivery_store.get(conn, str(delivery_id))
    if row is None:
        raise NotFound(f"no delivery {delivery_id}", field="id")
    attempts = await delivery_store.attempts(conn, str(delivery_id))
    return {**delivery_store.public(row), "history": [
        {"number": a["number"], "started_at": a["started_at"].isoformat(), "finished_at": a["finished_at"].isoformat(),
         "outcome": a["outcome"], "http_status": a["http_status"], "error": a["error"]} for a in attempts]}


async def retry_delivery(conn: asyncpg.Connection, *, actor: Principal, delivery_id: uuid.UUID) -> dict[str, Any]:
    """A dead delivery back to pending with a fresh attempt budget (ministry); the caller enqueues it
    after its commit."""
    require_operator(actor)
    row = await delivery_store.retry_dead(conn, str(delivery_id))
    if row is None:
        current = await delivery_store.get(conn, str(delivery_id))
        if current is None:
            raise NotFound(f"no delivery {delivery_id}", field="id")
        raise Conflict(f"only a dead delivery can be retried; this one is {current['status']}", field="id",
                       status_value=current["status"])
    return delivery_store.public(row)

