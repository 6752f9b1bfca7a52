"""Event envelope, the transactional outbox writer and the relay that publishes it.

A service calls ``emit`` inside the transaction that makes the change; the row becomes visible
(and the NOTIFY fires) only when that transaction commits, so a rolled-back change never leaks an
event. ``OutboxRelay`` runs in every service process: woken by LISTEN/NOTIFY, with a polling
fallback, it claims rows with ``FOR UPDATE SKIP LOCKED`` (so several replicas share the work),
hands the envelopes to every configured Celery consumer task on the broker (:class:`Consumer`:
one envelope per message, or up to N per message for a batch consumer), and stamps the rows
published in the same transaction. A crash between publish and commit republishes: delivery is
at-least-once and consumers deduplicate on the event id.
"""
from __future__ import annotations

import asyncio
import logging
import random
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

import asyncpg
from pydantic import BaseModel

from shared.contracts.envelope import EventEnvelope
from shared.contracts.events import CATALOGUE
from shared.receipts import Receipts

__all__ = ["CeleryPublisher", "Consumer", "EventEnvelope", "OutboxRelay", "OutboxWaker", "UnknownEventType",
           "batch_task_id", "emit", "emit_many", "outbox_payload", "parse_consumers"]

log = logging.getLogger("thidua.outbox")


class UnknownEventType(LookupError):
    """An event type the catalogue (``shared.contracts.events.CATALOGUE``) does not list."""


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


def outbox_payload(type: str, payload: BaseModel | Mapping[str, Any], *,
                   producer: str | None = None) -> tuple[int, dict[str, Any]]:
    """The version and JSON payload of an event of ``type``, checked against its contract.

    ``payload`` is the contract's model (what producers build) or a mapping it accepts. An unknown
    type raises :class:`UnknownEventType`, a payload the model refuses ``pydantic.ValidationError``,
    a model of another event ``TypeError``: a producer cannot drift from its contract."""
    contract = CATALOGUE.get(type)
    if contract is None:
        raise UnknownEventType(f"{type!r} is not in the event catalogue (shared/contracts/events.py)")
    if producer is not None and producer != contract.producer:
        raise ValueError(f"{type} is published by {contract.producer}, not {producer}")
    if isinstance(payload, contract.model):
        model = payload
    elif isinstance(payload, BaseModel):
        raise TypeError(f"{type} carries a {contract.model.__name__}, not a {payload.__class__.__name__}")
    else:
        model = contract.model.model_validate(payload)
    return contract.version, model.model_dump(mode="json")


async def emit(
    conn: asyncpg.Connection,
    *,
    schema: str,
    type: str,
    aggregate_id: str,
    payload: BaseModel | Mapping[str, Any],
) -> uuid.UUID:
    """Write one event into ``<schema>.outbox`` on the caller's transaction, validated against its
    contract first (:func:`outbox_payload`)."""
    version, body = outbox_payload(type, payload, producer=schema)
    event_id = uuid.uuid4()
    # The row and the NOTIFY (delivered at commit) in one round trip: a burst of events is bound
    # by round trips.
    await conn.execute(
        f"""WITH written AS (
                INSERT INTO {schema}.outbox (id, type, version, producer, aggregate_id, payload)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
            SELECT pg_notify($7, '') FROM written""",
        event_id, type, version, schema, str(aggregate_id), body, notify_channel(schema),
    )
    return event_id


async def emit_many(
    conn: asyncpg.Connection,
    *,
    schema: str,
    type: str,
    events: Sequence[tuple[str, BaseModel | Mapping[str, Any]]],
) -> list[uuid.UUID]:
    """``emit`` for many events of one type, ``(aggregate_id, payload)`` each, in their order: each
    checked against its contract the same way, then one INSERT and one NOTIFY for all of them."""
    if not events:
        return []
    checked = [outbox_payload(type, payload, producer=schema) for _, payload in events]
    ids = [uuid.uuid4() for _ in events]
    # Inserted in the order given (WITH ORDINALITY), so the outbox's seq keeps the caller's order.
    await conn.execute(
        f"""INSERT INTO {schema}.outbox (id, type, version, producer, aggregate_id, payload)
            SELECT e.id, $2, e.version, $3, e.aggregate_id, e.payload
              FROM unnest($1::uuid[], $4::integer[], $5::text[], $6::jsonb[])
                   WITH ORDINALITY AS e(id, version, aggregate_id, payload, n)
             ORDER BY e.n""",
        ids, type, schema, [version for version, _ in checked], [str(a) for a, _ in events],
        [body for _, body in checked],
    )
    await conn.execute("SELECT pg_notify($1, '')", notify_channel(schema))
    return ids


class OutboxWaker:
    """Wakes the schema's outbox relays (NOTIFY) after commits that wrote outbox rows without one.

    :func:`emit` NOTIFYs inside the caller's transaction, and PostgreSQL serialises the commits of
    notifying transactions (a database-wide lock held through each one's WAL flush). A hot write
    that is its own one-statement transaction (a ballot) leaves the NOTIFY out and calls
    :meth:`wake` once it has committed. The NOTIFY then goes out in a transaction of its own (which
    writes no WAL, so it waits for no flush), one at a time: wakes that arrive while one is on its
    way, or within ``delay`` of the first, are folded into it, so a burst of commits costs a few
    NOTIFYs and the relays find its events in batches rather than one by one. A wake that fails,
    or never happens because the process died after the commit, leaves the rows to the relays'
    polling: delivery never depended on it."""

    def __init__(self, db: Any, *, schema: str, delay: float = 0.005) -> None:
        # ``db``: a shared.db.Database (its ``statement()`` skips the pool's reset: NOTIFY sets no
        # session state). ``delay``: how long a wake waits for others to join it, a few
        # milliseconds against the relays' seconds of polling.
        self.db = db
        self.delay = delay
        self.channel = notify_channel(schema)
        self._pending = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """After a commit: make sure a NOTIFY goes out after it."""
        self._pending = True
        if self._task is None:
            self._task = asyncio.create_task(self._notify(), name=f"{self.channel}-waker")

    async def _notify(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(self.delay)
                self._pending = False
                async with self.db.statement() as conn:
                    await conn.execute("SELECT pg_notify($1, '')", self.channel)
        except Exception as exc:  # the relays poll as well
            log.warning("outbox wake failed; the relays will poll", extra={"fields": {"error": repr(exc)}})
        finally:
            self._task = None

    async def close(self, timeout: float = 5.0) -> None:
        """Let a NOTIFY on its way finish (before the pool closes); one still waiting for the
        database after ``timeout`` is given up (the relays poll)."""
        task = self._task
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout)
            except TimeoutError:
                log.warning("outbox wake given up at shutdown; the relays will poll")


def row_to_envelope(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "type": row["type"],
        "version": row["version"],
        "occurred_at": row["occurred_at"].isoformat(),
        "producer": row["producer"],
        "aggregate_id": row["aggregate_id"],
        "payload": row["payload"],
    }


async def purge_expired(conn: asyncpg.Connection, *, schema: str, idempotency_hours: float,
                        outbox_days: float) -> tuple[int, int]:
    """Forget Idempotency-Key answers past their retention and published events past theirs.

    Unpublished events are never purged: they are the ones still owed to the broker."""
    keys = await conn.execute(
        f"DELETE FROM {schema}.idempotency_keys WHERE created_at < now() - make_interval(secs => $1)",
        idempotency_hours * 3600)
    events = await conn.execute(
        f"""DELETE FROM {schema}.outbox
             WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)""",
        outbox_days * 86400)
    return int(keys.split()[-1]), int(events.split()[-1])


# Names a batch message's task id: derived from the batch's event ids, so a republish of the same
# batch after a relay crash carries the same id (recognisable in logs and Flower).
BATCH_NAMESPACE = uuid.UUID("3c9e5a71-2f4d-5b8e-a06c-7d1f3e9b2a54")


@dataclass(frozen=True)
class Consumer:
    """A Celery task the relay hands events to. ``batch`` None: one envelope per message (the task's
    first argument is the envelope); N ≥ 1: up to N envelopes per message, as one list argument."""

    task: str
    queue: str = "events"
    batch: int | None = None

    def __post_init__(self) -> None:
        if self.batch is not None and self.batch < 1:
            raise ValueError(f"{self.task}: a batch holds at least one envelope")


def parse_consumers(spec: str) -> list[Consumer]:
    """``"task@queue"`` (one envelope per message) or ``"task@queue*N"`` (up to N per message),
    comma-separated; the queue defaults to ``events``."""
    consumers = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        item, star, size = item.partition("*")
        task, _, queue = item.partition("@")
        if star and not size.strip().isdigit():
            raise ValueError(f"{item}*{size}: the batch size after '*' is a whole number")
        consumers.append(Consumer(task.strip(), queue.strip() or "events", int(size) if star else None))
    return consumers


def batch_task_id(event_ids: Sequence[str], task: str) -> str:
    """The task id of a message carrying these events: ``<event id>:<task>`` for one event (as a
    single-event message), a UUID derived from the ids in order for several."""
    if len(event_ids) == 1:
        return f"{event_ids[0]}:{task}"
    return f"{uuid.uuid5(BATCH_NAMESPACE, ','.join(event_ids))}:{task}"


def _chunks(items: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class CeleryPublisher:
    """Hands envelopes to Celery consumer tasks on the broker (Redis): per consumer, one message per
    envelope, or one per batch of up to ``Consumer.batch`` envelopes (fewer tasks, less overhead)."""

    def __init__(self, broker_url: str, consumers: Sequence[Consumer | tuple[str, str]],
                 broker_use_ssl: dict[str, Any] | None = None):
        from celery import Celery

        self.consumers = [c if isinstance(c, Consumer) else Consumer(*c) for c in consumers]
        self.app = Celery("thidua-publisher", broker=broker_url, set_as_current=False)
        if broker_use_ssl:
            self.app.conf.broker_use_ssl = broker_use_ssl
        self.app.conf.update(
            broker_connection_retry_on_startup=False,
            broker_connection_max_retries=1,
            task_publish_retry=True,
            task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                                       "interval_max": 1},
            broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        )

    def publish_batch(self, envelopes: Sequence[dict[str, Any]]) -> None:
        with self.app.producer_or_acquire() as producer:
            for consumer in self.consumers:
                if consumer.batch is None:
                    for envelope in envelopes:
                        self.app.send_task(consumer.task, args=[envelope], queue=consumer.queue,
                                           task_id=f"{envelope['id']}:{consumer.task}", producer=producer)
                    continue
                for chunk in _chunks(envelopes, consumer.batch):
                    self.app.send_task(consumer.task, args=[list(chunk)], queue=consumer.queue,
                                       task_id=batch_task_id([str(e["id"]) for e in chunk], consumer.task),
                                       producer=producer)

    def close(self) -> None:
        self.app.close()


class OutboxRelay:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        dsn: str,
        schema: str,
        publish_batch: Callable[[Sequence[dict[str, Any]]], None],
        poll_interval: float = 2.0,
        batch_size: int = 200,
        coalesce_seconds: float = 0.02,
        receipts: Receipts | None = None,
    ):
        self.pool = pool
        self.dsn = dsn
        self.schema = schema
        self.publish_batch = publish_batch
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        # Woken again within this long of its last publish, the relay waits out the rest: events
        # committed one by one in a steady stream then travel in batches (a task message per
        # event would cost the consumers more than the events themselves), while an event after
        # a quiet spell goes at once.
        self.coalesce_seconds = coalesce_seconds
        self._last_published_at = float("-inf")
        # Consumers' confirmations, and events published again when none came (shared.receipts).
        self.receipts = receipts
        self._next_reconcile = float("-inf")
        self._wake = asyncio.Event()
        self._stopping = False
        self.published = 0

    async def drain(self) -> int:
        """Publish everything pending now; return how many events went out."""
        total = 0
        while True:
            sent = await self._publish_one_batch()
            total += sent
            if sent < self.batch_size:
                return total

    async def _publish_one_batch(self) -> int:
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(
                    f"""SELECT id, type, version, occurred_at, producer, aggregate_id, payload
                          FROM {self.schema}.outbox
                         WHERE published_at IS NULL
                         ORDER BY seq
                         LIMIT $1
                         FOR UPDATE SKIP LOCKED""",
                    self.batch_size,
                )
                if not rows:
                    return 0
                envelopes = [row_to_envelope(r) for r in rows]
                # The broker call is blocking; keep it off the event loop.
                await asyncio.to_thread(self.publish_batch, envelopes)
                await conn.execute(
                    f"""UPDATE {self.schema}.outbox SET published_at = now(), attempts = attempts + 1
                         WHERE id = ANY($1::uuid[])""",
                    [r["id"] for r in rows],
                )
        self._last_published_at = asyncio.get_running_loop().time()
        self.published += len(rows)
        return len(rows)

    async def _record_failure(self, error: BaseException) -> None:
        try:
            async with self.pool.acquire() as conn:
                await conn.execute(
                    f"""UPDATE {self.schema}.outbox SET attempts = attempts + 1, last_error = $2
                         WHERE id IN (SELECT id FROM {self.schema}.outbox WHERE published_at IS NULL
                                      ORDER BY seq LIMIT $1)""",
                    self.batch_size, repr(error)[:500],
                )
        except Exception:  # the database may be the thing that is down
            pass

    async def _listen(self) -> asyncpg.Connection | None:
        try:
            conn = await asyncpg.connect(self.dsn)
            await conn.add_listener(notify_channel(self.schema), lambda *_: self._wake.set())
            return conn
        except Exception as exc:
            log.warning("outbox relay cannot LISTEN, polling only", extra={"fields": {"error": repr(exc)}})
            return None

    async def run(self) -> None:
        listener = await self._listen()
        failures = 0
        try:
            while not self._stopping:
                # Cleared before the coalescing pause: a wake-up during it (stop() included) is kept.
                self._wake.clear()
                wait = self._last_published_at + self.coalesce_seconds - asyncio.get_running_loop().time()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    await self.drain()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    failures += 1
                    log.warning("outbox publish failed; will retry",
                                extra={"fields": {"schema": self.schema, "error": repr(exc), "failures": failures}})
                    await self._record_failure(exc)
                    # Exponential backoff with jitter while the broker (or database) is away.
                    await asyncio.sleep(min(30.0, 0.25 * 2 ** min(failures, 7)) * (0.5 + random.random() / 2))
                    continue
                await self._reconcile_when_due()
                if listener is None or listener.is_closed():
                    listener = await self._listen()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
                except TimeoutError:
                    pass
        finally:
            if listener is not None and not listener.is_closed():
                await listener.close()

    async def _reconcile_when_due(self) -> None:
        if self.receipts is None:
            return
        now = asyncio.get_running_loop().time()
        if now < self._next_reconcile:
            return
        self._next_reconcile = now + self.receipts.interval_seconds
        try:
            done = await self.receipts.reconcile(self.pool, schema=self.schema)
        except Exception as exc:  # Redis or the database away: the next turn tries again
            log.warning("outbox receipts not recorded; will retry",
                        extra={"fields": {"schema": self.schema, "error": repr(exc)}})
            return
        if done.republished:
            self._wake.set()  # publish them now

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
