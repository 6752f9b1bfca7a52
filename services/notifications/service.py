"""Notifications use cases, called by the Celery tasks (and the API for subscriptions).

- :func:`handle_events`: a batch of envelopes → inbox rows and delivery rows for every recipient of
  every event, in the caller's transaction and a fixed number of statements, exactly once per
  event id; :func:`handle_event` does the same for one envelope (replays, single-event messages).
- :func:`send_reminders`: vote reminders for the non-voters of rounds about to close, once per
  (round, voter, window).
- :func:`deliver`: one e-mail or webhook attempt for one delivery, recorded exactly once.
- :func:`record_failed_event`: keep an envelope ``handle_event`` could not process, for replay.

Every function here only writes the ``notifications`` schema. Enqueuing the resulting delivery
ids is the caller's job, after its commit (a task message must never name an uncommitted row).
"""
from __future__ import annotations

import contextlib
import logging
import os
import traceback as tb
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

import asyncpg

from services.notifications import senders
from services.notifications.domain import channels, retry, routing, templates, webhooks
from services.notifications.receiver_slots import ReceiverSlots
from services.notifications.settings import NotificationsSettings
from services.notifications.store import deliveries as delivery_store
from services.notifications.store import events as event_store
from services.notifications.store import failed_events as failed_store
from services.notifications.store import inbox as inbox_store
from services.notifications.store import receivers as receiver_store
from services.notifications.store import subscriptions as subscription_store
from shared.auth import Principal
from shared.contracts.envelope import EventEnvelope
from shared.contracts.events import CATALOGUE
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.jobs import Job
from shared.logs import log_fields
from shared.secretbox import SecretBox

log = logging.getLogger("thidua.notifications")

# Reminder ids are derived, not random: the same (round, voter, window) always names the same
# "event", so even a reminder claimed twice could not notify twice.
REMINDER_NAMESPACE = uuid.UUID("6f1d3c2e-4b7a-5e7f-9a51-0c8d2b9e4f10")

Render = Callable[[str, str], templates.Message]


@dataclass
class FanOut:
    notifications: int = 0
    deliveries: list[str] = field(default_factory=list)


@dataclass
class Handled:
    event_id: str
    type: str
    duplicate: bool = False
    recipients: int = 0
    notifications: int = 0
    deliveries: list[str] = field(default_factory=list)


@dataclass
class Refused:
    """An envelope of a batch that cannot be processed (recorded in failed_events with the batch)."""

    envelope: Any
    error: str
    failure: asyncpg.Record


@dataclass
class HandledBatch:
    processed: list[str] = field(default_factory=list)    # event ids consumed by this run
    duplicates: list[str] = field(default_factory=list)   # consumed before, or twice in the batch
    refused: list[Refused] = field(default_factory=list)  # recorded in failed_events
    recipients: int = 0
    notifications: int = 0
    deliveries: list[str] = field(default_factory=list)   # new or still pending: to enqueue after the commit


@dataclass(frozen=True)
class Audience:
    """One event's part of a fan-out: its recipients and how to render its message for each."""

    event: Mapping[str, Any]
    event_type: str
    recipients: list[str]
    render: Render


async def fan_out(conn: asyncpg.Connection, *, event: Mapping[str, Any], event_type: str, recipients: list[str],
                  render: Render) -> FanOut:
    """Inbox rows and delivery rows for every recipient of one event, two bulk inserts in all."""
    return await fan_out_many(conn, [Audience(event, event_type, recipients, render)])


async def fan_out_many(conn: asyncpg.Connection, audiences: Sequence[Audience]) -> FanOut:
    """Inbox rows and delivery rows for every recipient of every event: one subscription lookup and
    two bulk inserts in all, however many events and recipients."""
    subscriptions = await subscription_store.for_addresses(
        conn, sorted({recipient for a in audiences for recipient in a.recipients}))
    inbox_rows: list[dict[str, Any]] = []
    delivery_rows: list[dict[str, Any]] = []
    for audience in audiences:
        event, event_type = audience.event, audience.event_type
        rendered: dict[tuple[str, str], templates.Message] = {}
        for recipient in audience.recipients:
            for target in channels.targets_for(recipient, subscriptions, event_type):
                key = (recipient, target.language)
                if key not in rendered:
                    rendered[key] = audience.render(recipient, target.language)
                message = rendered[key]
                if target.kind == channels.INBOX:
                    inbox_rows.append({"event_id": event["id"], "event_type": event_type,
                                       "aggregate_id": event.get("aggregate_id"), "recipient": recipient,
                                       "language": message.language, "subject": message.subject,
                                       "body": message.body, "action": message.action})
                else:
                    delivery_rows.append({
                        "event_id": event["id"], "event_type": event_type,
                        "recipient": recipient, "channel": target.channel, "kind": target.kind,
                        "target": target.target, "secret": target.secret, "subscriber": target.subscriber,
                        "language": message.language,
                        "message": {"subject": message.subject, "body": message.body, "action": message.action,
                                    "language": message.language, "event": dict(event)},
                    })
    inserted = await inbox_store.insert_batch(conn, inbox_rows)
    ids = await delivery_store.insert_batch(conn, delivery_rows)
    return FanOut(notifications=len(inserted), deliveries=ids)


# ---------------------------------------------------------------- events

def _round_id(value: Any) -> str | None:
    return str(value) if value is not None and str(value).strip() else None


async def _track_rounds(conn: asyncpg.Connection, envs: Sequence[EventEnvelope]) -> None:
    """What reminders need to know: open rounds (electorate, deadline) and who has voted. Opening
    and closing follow the batch's order; who voted (most of a round's events) is one insert."""
    voters: list[tuple[str, str, datetime]] = []
    for env in envs:
        p = env.payload
        round_id = _round_id(p.get("round_id"))
        if round_id is None:
            continue
        if env.type == routing.ROUND_OPENED:
            await event_store.open_round(conn, round_id=round_id, payload=p)
        elif env.type == routing.BALLOT_CAST:
            voter = p.get("voter_code")
            if voter:
                voters.append((round_id, str(voter), env.occurred_at))
        elif env.type == routing.RUNOFF_CREATED:
            await event_store.close_round(conn, round_id=round_id)
            runoff = _round_id(p.get("runoff_round_id"))
            if runoff:
                await event_store.open_round(conn, round_id=runoff, payload=p)
        elif env.type in (routing.ROUND_CLOSED, routing.ROUND_CERTIFIED, routing.ROUND_APPROVED,
                          routing.ROUND_RETURNED):
            await event_store.close_round(conn, round_id=round_id)
    await event_store.record_voters(conn, voters)


class UnsupportedEventVersion(ValueError):
    """An event whose payload version this service does not read (yet)."""


def parse_event(envelope: Mapping[str, Any]) -> EventEnvelope:
    """The envelope, its payload parsed with the event's contract (``shared.contracts``) and put
    back in the contract's one shape. A payload the contract refuses raises (the task records the
    event in failed_events); a type the catalogue does not list passes as it came, to be ignored."""
    env = EventEnvelope.model_validate(envelope)
    contract = CATALOGUE.get(env.type)
    if contract is None:
        return env
    if env.version != contract.version:
        raise UnsupportedEventVersion(f"{env.type} version {env.version}: this service reads version "
                                      f"{contract.version}")
    payload = contract.model.model_validate(env.payload).model_dump(mode="json")
    return env.model_copy(update={"payload": payload})


async def handle_event(conn: asyncpg.Connection, envelope: Mapping[str, Any]) -> Handled:
    """Consume one envelope inside the caller's transaction; a repeat of an event id does nothing.
    An envelope that cannot be processed raises (the task records it in failed_events)."""
    env = parse_event(envelope)
    batch = await _consume(conn, [env])
    return Handled(event_id=str(env.id), type=env.type, duplicate=bool(batch.duplicates),
                   recipients=batch.recipients, notifications=batch.notifications, deliveries=batch.deliveries)


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """The error line and the traceback kept in failed_events."""
    return f"{type(exc).__name__}: {exc}", "".join(tb.format_exception(exc))


async def handle_events(conn: asyncpg.Connection, envelopes: Sequence[Any]) -> HandledBatch:
    """Consume a batch of envelopes inside the caller's transaction, each exactly once.

    Each envelope is parsed first: one the contract refuses is recorded in failed_events on its
    own (in this transaction) and the others go on. An event id seen before, or twice in the batch,
    does nothing again. Any other error raises and rolls the whole batch back; the task then
    handles the events one by one, so only the bad one fails.
    """
    envs: list[EventEnvelope] = []
    refused: list[Refused] = []
    for envelope in envelopes:
        try:
            envs.append(parse_event(envelope))
        except Exception as exc:
            error, trace = describe_failure(exc)
            failure = await failed_store.record(conn, envelope=envelope, error=error, traceback=trace)
            refused.append(Refused(envelope, error, failure))
    batch = await _consume(conn, envs)
    batch.refused = refused
    return batch


async def _consume(conn: asyncpg.Connection, parsed: Sequence[EventEnvelope]) -> HandledBatch:
    """Record the events processed (one statement), resolve their recorded failures, and fan out
    those not seen before: round tracking, then one insert for every inbox row and one for every
    delivery row of the batch."""
    result = HandledBatch()
    envs: list[EventEnvelope] = []
    seen: set[str] = set()
    for env in parsed:
        if str(env.id) in seen:
            result.duplicates.append(str(env.id))
        else:
            seen.add(str(env.id))
            envs.append(env)
    if not envs:
        return result
    first = await event_store.mark_processed_many(
        conn, [{"id": env.id, "type": env.type, "producer": env.producer, "occurred_at": env.occurred_at}
               for env in envs])
    # Processed now or before: a failure recorded for these events (failed_events) is resolved.
    await failed_store.resolve_many(conn, [env.id for env in envs])
    fresh = [env for env in envs if str(env.id) in first]
    repeated = [str(env.id) for env in envs if str(env.id) not in first]
    result.processed = [str(env.id) for env in fresh]
    result.duplicates += repeated
    # A first consumer may have committed and then died before enqueuing its deliveries: hand them
    # over now rather than at the next sweep (a duplicate message is harmless).
    result.deliveries = await delivery_store.pending_for_events(conn, repeated)
    await _track_rounds(conn, fresh)
    audiences: list[Audience] = []
    counts: dict[str, int] = {}
    for env in fresh:
        event = env.model_dump(mode="json")
        recipients = routing.recipients_for(event)
        if not recipients:
            if env.type not in routing.ROUTED_EVENT_TYPES:
                log_fields(log, "event type not routed; recorded and ignored", type=env.type, event_id=event["id"])
            continue
        audiences.append(Audience(event, env.type, recipients, _renderer(event)))
        counts[event["id"]] = len(recipients)
    done = await fan_out_many(conn, audiences)
    await event_store.set_recipient_counts(conn, counts)
    result.recipients = sum(counts.values())
    result.notifications = done.notifications
    result.deliveries += done.deliveries
    return result


def _renderer(event: Mapping[str, Any]) -> Render:
    return lambda recipient, language: templates.render(event, language=language, recipient=recipient)


async def record_failed_event(conn: asyncpg.Connection, envelope: Any, *, error: str,
                              traceback: str | None) -> asyncpg.Record:
    """Keep an envelope :func:`handle_event` could not process (not an infrastructure error) for an
    operator to replay once the cause is fixed (``GET /v1/events/failed``)."""
    return await failed_store.record(conn, envelope=envelope, error=error, traceback=traceback)


# ---------------------------------------------------------------- reminders

@dataclass
class Reminded:
    reminders: int = 0
    deliveries: list[str] = field(default_factory=list)


def reminder_event_id(round_id: str, voter_code: str, window_hours: Decimal) -> uuid.UUID:
    return uuid.uuid5(REMINDER_NAMESPACE, f"{round_id}|{voter_code}|{window_hours.normalize()}")


async def send_reminders(conn: asyncpg.Connection, *, window_hours: float) -> Reminded:
    """Remind every non-voter of every open round closing within the window, once per window.

    One transaction per round: the reminder claim (unique per round, voter and window) commits with
    its notifications, so a concurrent or repeated run skips what another already sent.
    """
    window = Decimal(str(window_hours))
    result = Reminded()
    for row in await event_store.rounds_to_remind(conn, window_hours=window):
        round_info = {"round_id": row["round_id"], "cluster_code": row["cluster_code"],
                      "cluster_name": row["cluster_name"], "year": row["year"], "award": row["award"],
                      "closes_at": row["closes_at"].isoformat()}
        async with conn.transaction():
            for code in row["to_remind"]:
                event_id = reminder_event_id(row["round_id"], code, window)
                if not await event_store.claim_reminder(conn, round_id=row["round_id"], voter_code=code,
                                                        window_hours=window, event_id=event_id):
                    continue
                event = {"id": str(event_id), "type": channels.REMINDER_EVENT_TYPE, "version": 1,
                         "occurred_at": datetime.now(timezone.utc).isoformat(), "producer": "notifications",
                         "aggregate_id": row["round_id"], "payload": round_info}
                done = await fan_out(
                    conn, event=event, event_type=channels.REMINDER_EVENT_TYPE, recipients=[routing.province(code)],
                    # Called within this iteration, so the loop variable is the right one.
                    render=lambda recipient, language: templates.render_reminder(
                        round=round_info, language=language, recipient=recipient))  # noqa: B023
                result.reminders += 1
                result.deliveries += done.deliveries
    return result


# ---------------------------------------------------------------- deliveries

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


# ---------------------------------------------------------------- jobs (sent after the commit, shared.jobs)

def delivery_job(delivery_id: str, *, countdown: float | None = None, kind: str | None = None) -> Job:
    """One attempt at a delivery. Losing it loses nothing: the row stays pending and the sweep re-sends it.
    A webhook's attempt (``kind``) goes to the webhooks queue; unknown kinds start on ``notify``,
    where a webhook moves itself over."""
    return Job("notifications.deliver", args=(delivery_id,), queue="webhooks" if kind == "webhook" else "notify",
               countdown=countdown)


def replay_job(failed: Mapping[str, Any]) -> Job:
    """A failed event back to the events queue (required: nothing else would send it again)."""
    return Job("notifications.handle_event", args=(failed["envelope"],), queue="events",
               task_id=f"{failed['id']}:replay:{failed['replays']}", required=True)


# ---------------------------------------------------------------- the HTTP API's use cases

def address_of(principal: Principal) -> str:
    """The recipient address whose inbox and subscriptions this account uses."""
    if principal.role == "province" and principal.province:
        return f"province:{principal.province}"
    if principal.role == "ministry":
        return "ministry"
    raise Forbidden("only province and ministry accounts have an inbox and subscriptions")


# deliveries (ministry)

async def list_deliveries(conn: asyncpg.Connection, *, status: str | None, after: tuple[datetime, str] | None,
                          limit: int) -> list[dict[str, Any]]:
    return [delivery_store.public(r) for r in await delivery_store.page(conn, status=status, after=after, limit=limit)]


async def get_delivery(conn: asyncpg.Connection, *, delivery_id: uuid.UUID) -> dict[str, Any]:
    row = await delivery_store.get(conn, str(delivery_id))
    if row is None:
        raise NotFound(f"no delivery {delivery_id}", field="id")
    attempts = await delivery_store.attempts(conn, str(delivery_id))
    return {**delivery_store.public(row), "history": [
        {"number": a["number"], "started_at": a["started_at"].isoformat(), "finished_at": a["finished_at"].isoformat(),
         "outcome": a["outcome"], "http_status": a["http_status"], "error": a["error"]} for a in attempts]}


async def retry_delivery(conn: asyncpg.Connection, *, delivery_id: uuid.UUID) -> dict[str, Any]:
    """A dead delivery back to pending with a fresh attempt budget; the caller enqueues it after its commit."""
    row = await delivery_store.retry_dead(conn, str(delivery_id))
    if row is None:
        current = await delivery_store.get(conn, str(delivery_id))
        if current is None:
            raise NotFound(f"no delivery {delivery_id}", field="id")
        raise Conflict(f"only a dead delivery can be retried; this one is {current['status']}", field="id",
                       status_value=current["status"])
    return delivery_store.public(row)


# failed events (ministry)

async def list_failed_events(conn: asyncpg.Connection, *, status: str | None,
                             after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[dict[str, Any]]:
    return [failed_store.public(r) for r in await failed_store.page(conn, status=status, after=after, limit=limit)]


async def get_failed_event(conn: asyncpg.Connection, *, failure_id: uuid.UUID) -> dict[str, Any]:
    row = await failed_store.get(conn, failure_id)
    if row is None:
        raise NotFound(f"no failed event {failure_id}", field="id")
    return failed_store.public(row, traceback=True)


async def mark_replayed(conn: asyncpg.Connection, *, failure_id: uuid.UUID) -> dict[str, Any]:
    row = await failed_store.mark_replayed(conn, failure_id)
    if row is None:
        current = await failed_store.get(conn, failure_id)
        if current is None:
            raise NotFound(f"no failed event {failure_id}", field="id")
        raise Conflict("this event has been processed since; there is nothing to replay", field="id",
                       status_value=current["status"])
    return failed_store.public(row)


async def failed_event(conn: asyncpg.Connection, *, failure_id: uuid.UUID) -> asyncpg.Record | None:
    """The stored failure (status, envelope, replays), as the replay sends it."""
    return await failed_store.get(conn, failure_id)


# inbox

async def inbox_page(conn: asyncpg.Connection, *, recipient: str, before: int | None, limit: int,
                     unread_only: bool) -> tuple[list[dict[str, Any]], int]:
    """A page of the inbox, newest first, and its unread count."""
    rows = await inbox_store.page(conn, recipient=recipient, before=before, limit=limit, unread_only=unread_only)
    return [inbox_store.public(r) for r in rows], await inbox_store.unread_count(conn, recipient=recipient)


async def mark_read(conn: asyncpg.Connection, *, recipient: str, notification_id: int) -> dict[str, Any]:
    row = await inbox_store.mark_read(conn, recipient=recipient, notification_id=notification_id)
    if row is None:
        raise NotFound(f"no notification {notification_id} in this inbox", field="id")
    return {**inbox_store.public(row), "unread": await inbox_store.unread_count(conn, recipient=recipient)}


async def latest_notification_id(conn: asyncpg.Connection, *, recipient: str) -> int:
    return await inbox_store.latest_id(conn, recipient=recipient)


async def notifications_after(conn: asyncpg.Connection, *, recipient: str, after_id: int) -> list[dict[str, Any]]:
    """The recipient's notifications newer than ``after_id``, oldest first (the live stream)."""
    return [inbox_store.public(r) for r in await inbox_store.after(conn, recipient=recipient, after_id=after_id)]


# subscriptions

def subscription_view(row: Mapping[str, Any], *, default: bool = False) -> dict[str, Any]:
    channels = [{k: v for k, v in c.items() if k != "secret"} | ({"secret_set": True} if c["type"] == "webhook" else {})
                for c in row["channels"]]
    return {"subject": row["subject"], "address": row["address"], "channels": channels, "events": list(row["events"]),
            "language": row["language"], "default": default,
            "updated_at": row["updated_at"].isoformat() if row.get("updated_at") else None}


def _validated_channels(requested: list[dict[str, Any]], *, allow_private: bool,
                        seal: Callable[[str], str] | None = None,
                        generated: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Checked channels; webhook secrets sealed with ``seal`` for storage (``generated``: index →
    a secret made here because none was sent)."""
    valid: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, data in enumerate(requested):
        data = dict(data)
        field_name = "address" if data["type"] == "email" else "url"
        try:
            if data["type"] == "email":
                data["address"] = webhooks.validate_email(data["address"])
            elif data["type"] == "webhook":
                data["url"] = webhooks.validate_webhook_url(data["url"], allow_private=allow_private)
        except ValueError as exc:
            raise Unprocessable(str(exc), field=f"channels.{i}.{field_name}") from exc
        if data["type"] == "webhook":
            secret = data.get("secret")
            if secret is None:
                secret = webhooks.new_standard_secret(os.urandom(32))
                if generated is not None:
                    generated[i] = secret
            elif secret.startswith(webhooks.STANDARD_SECRET_PREFIX) and not webhooks.valid_standard_secret(secret):
                raise Unprocessable("a whsec_ secret is the base64 of 24 to 64 bytes", field=f"channels.{i}.secret")
            data["secret"] = seal(secret) if seal is not None else secret  # encrypted at rest
        key = channels.channel_key(data)
        if key in seen:
            raise Unprocessable(f"channel {key} is listed twice", field=f"channels.{i}")
        seen.add(key)
        valid.append(data)
    return valid


def _validated_events(events: list[str], subscribable: list[str]) -> list[str]:
    for i, event_type in enumerate(events):
        if event_type not in subscribable:
            raise Unprocessable(f"unknown event type {event_type!r}; one of: {', '.join(subscribable)}",
                                field=f"events.{i}")
    return list(dict.fromkeys(events))


async def put_subscription(conn: asyncpg.Connection, *, actor: Principal, requested: list[dict[str, Any]],
                           events: list[str], subscribable: list[str], language: str,
                           allow_private: bool, secret_key: str | None = None) -> dict[str, Any]:
    """``requested``: the channels as sent (``schemas.SubscriptionIn``), checked here. Webhook
    secrets are stored sealed; one generated here is shown in this answer only."""
    address = address_of(actor)
    generated: dict[int, str] = {}
    seal = SecretBox(secret_key, purpose="webhook-secret").seal if secret_key else None
    valid_channels = _validated_channels(requested, allow_private=allow_private, seal=seal, generated=generated)
    valid_events = _validated_events(events, subscribable)
    row = await subscription_store.put(conn, subject=actor.subject, address=address, channels=valid_channels,
                                       events=valid_events, language=language)
    # Saving again is how an owner resumes a receiver paused for failing.
    await receiver_store.resume(conn, [c["url"] for c in valid_channels if c["type"] == "webhook"])
    view = subscription_view(dict(row))
    for index, secret in generated.items():
        view["channels"][index]["secret"] = secret
    return view


async def get_subscription(conn: asyncpg.Connection, *, actor: Principal) -> dict[str, Any]:
    address = address_of(actor)
    row = await subscription_store.get(conn, actor.subject)
    if row is None:
        return subscription_view({"subject": actor.subject, "address": address, "channels": [{"type": "inbox"}],
                                  "events": [], "language": "vi"}, default=True)
    return subscription_view(dict(row))


async def delete_subscription(conn: asyncpg.Connection, *, actor: Principal) -> None:
    address_of(actor)
    await subscription_store.delete(conn, actor.subject)
