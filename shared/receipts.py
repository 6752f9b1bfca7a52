"""Event receipts: the end-to-end acknowledgement that the broker cannot give.

The relay marks an event published once Redis has it. Redis then hands the message to a worker in
two steps (``BRPOP`` takes it off the queue, a second command records it as unacknowledged): a
worker killed between the two loses the message, and nothing else would ever send the event again.
So each consumer, once an event's effects (or its failure, kept for replay) are committed, confirms
its id in a Redis set per producer and consumer; the producer's relay moves the confirmations into
its outbox (``receipts``, ``confirmed``) and publishes again any event still unconfirmed
``redeliver_after`` seconds after it was published (then twice as long, up to 64 times). Consumers
deduplicate on the event id, so a republished event that had in fact been handled changes nothing;
a receipt lost with Redis only costs such a harmless republish.
"""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from shared.logs import log_fields

log = logging.getLogger("thidua.receipts")

# Unclaimed receipts (a producer that never came back) expire with the outbox's own retention.
RECEIPT_TTL_SECONDS = 8 * 86400
# How many receipts the relay moves per Redis call.
CLAIM_BATCH = 1000


def receipt_key(producer: str, consumer: str) -> str:
    return f"thidua:receipts:{producer}:{consumer}"


def consumer_name(task: str) -> str:
    """The consuming service of a task named ``<service>.<task>``: what confirms its events."""
    return task.split(".", 1)[0]


async def confirm(client: aioredis.Redis, *, consumer: str, envelopes: Iterable[Mapping[str, Any]]) -> int:
    """Confirm events whose handling ``consumer`` has committed; never raises (a lost receipt costs a
    republish, which the consumer ignores). Returns how many were confirmed."""
    by_producer: dict[str, list[str]] = defaultdict(list)
    for envelope in envelopes:
        if isinstance(envelope, Mapping) and envelope.get("producer") and envelope.get("id"):
            by_producer[str(envelope["producer"])].append(str(envelope["id"]))
    if not by_producer:
        return 0
    try:
        async with client.pipeline(transaction=False) as pipe:
            for producer, ids in by_producer.items():
                key = receipt_key(producer, consumer)
                pipe.sadd(key, *ids)
                pipe.expire(key, RECEIPT_TTL_SECONDS)
            await pipe.execute()
    except Exception as exc:  # Redis away: the producer will publish these again, harmlessly
        log_fields(log, "cannot confirm events; their producers will publish them again", logging.WARNING,
                   consumer=consumer, events=sum(len(v) for v in by_producer.values()), error=repr(exc)[:300])
        return 0
    return sum(len(v) for v in by_producer.values())


async def forget_all(client: aioredis.Redis) -> int:
    """Drop every receipt Redis holds; how many sets were dropped. For after a point-in-time restore
    of the database: a receipt vouches for a consumer's commit, and a restore may have undone that
    commit (consumed after the target, its receipt still in Redis). Claimed, such a receipt would
    mark an event confirmed whose effects the restored database no longer holds, and it would never
    be published again. Forgotten, every event the restored outboxes have not seen confirmed is
    published again, and each consumer skips what its restored ``processed_events`` holds."""
    keys = [key async for key in client.scan_iter(match=receipt_key("*", "*"), count=500)]
    if keys:
        await client.delete(*keys)
    return len(keys)


def _event_id(value: bytes | str | int) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.decode() if isinstance(value, bytes) else str(value))
    except ValueError:
        return None  # not an event id: nothing to record


@dataclass
class Reconciled:
    confirmed: int = 0
    republished: int = 0


@dataclass
class Receipts:
    """The relay's side: which consumers must confirm, and when an unconfirmed event goes again."""

    redis: aioredis.Redis
    consumers: Sequence[str]
    redeliver_after_seconds: float = 300.0
    interval_seconds: float = 10.0

    async def reconcile(self, pool: asyncpg.Pool, *, schema: str) -> Reconciled:
        """Record the receipts waiting in Redis, then put events unconfirmed for too long back in the
        queue of the relay (``published_at`` cleared: it publishes them again with the same id)."""
        done = Reconciled()
        consumers = sorted(set(self.consumers))
        if not consumers:
            return done
        async with pool.acquire() as conn:
            for consumer in consumers:
                key = receipt_key(schema, consumer)
                while True:
                    # Taken off the set before they are recorded: if the UPDATE fails, the events are
                    # published again later and confirmed again.
                    ids = await self.redis.spop(key, CLAIM_BATCH)
                    if not ids:
                        break
                    valid = [str(i) for i in map(_event_id, ids) if i is not None]
                    status = await conn.execute(
                        f"""UPDATE {schema}.outbox
                               SET receipts = receipts || $2::text,
                                   confirmed = (receipts || $2::text) @> $3::text[]
                             WHERE id = ANY($1::uuid[]) AND NOT ($2 = ANY (receipts))""",
                        valid, consumer, consumers)
                    done.confirmed += int(status.split()[-1])
                    if len(ids) < CLAIM_BATCH:
                        break
            rows = await conn.fetch(
                f"""UPDATE {schema}.outbox
                       SET published_at = NULL, republished = republished + 1
                     WHERE published_at IS NOT NULL AND NOT confirmed
                       AND published_at < now() - make_interval(secs => $1 * 2 ^ least(republished, 6))
                 RETURNING id, type""",
                self.redeliver_after_seconds)
        done.republished = len(rows)
        if rows:
            log_fields(log, "events published again: no consumer confirmed them", logging.WARNING, schema=schema,
                       events=len(rows), first=str(rows[0]["id"]), type=rows[0]["type"])
        return done
