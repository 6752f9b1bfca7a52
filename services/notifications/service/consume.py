"""Consuming events: a batch of envelopes becomes inbox rows and delivery rows for every recipient
of every event, in the caller's transaction and a fixed number of statements, exactly once per
event id (``handle_events``); ``handle_event`` does the same for one envelope (replays, single-event
messages); ``record_failed_event`` keeps an envelope that could not be processed, for replay.

Enqueuing the resulting delivery ids is the caller's job, after its commit.
"""
from __future__ import annotations

import logging
import traceback as tb
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Sequence

import asyncpg

from services.notifications.domain import routing, templates
from services.notifications.events import parse_event
from services.notifications.service.fan_out import Audience, Render, fan_out_many
from services.notifications.store import deliveries as delivery_store
from services.notifications.store import events as event_store
from services.notifications.store import failed_events as failed_store
from shared.contracts.envelope import EventEnvelope
from shared.logs import log_fields

log = logging.getLogger("thidua.notifications")


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
