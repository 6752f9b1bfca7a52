"""The transactional outbox: committed events reach Redis, rolled-back ones never do."""
import asyncio
import base64
import json

import pytest
import redis.asyncio as aioredis
from pydantic import BaseModel, ConfigDict

from shared.contracts.events import CATALOGUE, EventContract
from shared.events import (
    CeleryPublisher,
    Consumer,
    OutboxRelay,
    UnknownEventType,
    batch_task_id,
    emit,
    emit_many,
    parse_consumers,
)
from shared.settings import ServiceSettings

TEST_EVENT_TYPES = ("kept", "lost", "waiting", "live", "many", "old", "owed", "new", "batch", "stream")


class AnyPayload(BaseModel):
    model_config = ConfigDict(extra="allow")


@pytest.fixture(autouse=True)
def test_event_types(monkeypatch):
    """The outbox mechanics are tested with event types of their own: emit only takes catalogued ones."""
    for name in TEST_EVENT_TYPES:
        monkeypatch.setitem(CATALOGUE, f"registry.test.{name}", EventContract(1, AnyPayload, "registry"))


async def queued_messages(redis_url: str, queue: str = "events") -> list[tuple[str, str, object]]:
    """The (task, task id, first argument) of every Celery message waiting in a Redis queue, oldest first."""
    client = aioredis.from_url(redis_url)
    try:
        raw = await client.lrange(queue, 0, -1)
    finally:
        await client.aclose()
    out = []
    for item in reversed(raw):  # kombu LPUSHes and the worker takes from the right
        message = json.loads(item)
        args = json.loads(base64.b64decode(message["body"]))[0]
        out.append((message["headers"]["task"], message["headers"]["id"], args[0]))
    return out


async def queued_envelopes(redis_url: str, queue: str = "events") -> list[dict]:
    """Read the Celery messages waiting in a Redis queue and return their envelopes."""
    client = aioredis.from_url(redis_url)
    try:
        raw = await client.lrange(queue, 0, -1)
    finally:
        await client.aclose()
    envelopes = []
    for item in raw:
        message = json.loads(item)
        body = json.loads(base64.b64decode(message["body"]))
        args = body[0]
        assert message["headers"]["task"] == "notifications.handle_event"
        envelopes.append(args[0])
    return envelopes


def relay_for(pool, database_url, redis_url):
    publisher = CeleryPublisher(redis_url, [("notifications.handle_event", "events")])
    return OutboxRelay(pool=pool, dsn=database_url, schema="registry", publish_batch=publisher.publish_batch,
                       poll_interval=0.1), publisher


async def test_committed_event_reaches_redis_and_rolled_back_never_does(pool, database_url, redis_url):
    async with pool.acquire() as conn:
        async with conn.transaction():
            kept = await emit(conn, schema="registry", type="registry.test.kept", aggregate_id="a", payload={"n": "Hà Nội"})
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await emit(conn, schema="registry", type="registry.test.lost", aggregate_id="b", payload={})
                raise RuntimeError("the change failed")
    relay, publisher = relay_for(pool, database_url, redis_url)
    assert await relay.drain() == 1
    publisher.close()
    envelopes = await queued_envelopes(redis_url)
    assert [e["id"] for e in envelopes] == [str(kept)]
    envelope = envelopes[0]
    assert envelope["type"] == "registry.test.kept" and envelope["producer"] == "registry"
    assert envelope["payload"] == {"n": "Hà Nội"} and envelope["version"] == 1 and envelope["aggregate_id"] == "a"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL") == 0
    assert await relay.drain() == 0  # nothing is published twice by the relay itself


async def test_emit_many_writes_what_emit_would_in_the_order_given(pool):
    async with pool.acquire() as conn:
        async with conn.transaction():
            one = await emit(conn, schema="registry", type="registry.test.batch", aggregate_id="a", payload={"n": 1})
            many = await emit_many(conn, schema="registry", type="registry.test.batch",
                                   events=[("c", {"n": "Hà Nội"}), ("b", {"n": 3}), ("a", {})])
        assert await emit_many(conn, schema="registry", type="registry.test.batch", events=[]) == []
        # Checked against the catalogue before anything is written.
        with pytest.raises(UnknownEventType):
            await emit_many(conn, schema="registry", type="registry.test.unknown", events=[("x", {})])
        rows = await conn.fetch("SELECT id, type, version, producer, aggregate_id, payload FROM registry.outbox "
                                "WHERE type = 'registry.test.batch' ORDER BY seq")
    assert [r["id"] for r in rows] == [one, *many]
    assert [(r["type"], r["version"], r["producer"], r["aggregate_id"], r["payload"]) for r in rows] == [
        ("registry.test.batch", 1, "registry", "a", {"n": 1}), ("registry.test.batch", 1, "registry", "c", {"n": "Hà Nội"}),
        ("registry.test.batch", 1, "registry", "b", {"n": 3}), ("registry.test.batch", 1, "registry", "a", {})]


async def test_broker_down_keeps_events_pending_until_it_returns(pool, database_url, redis_url):
    async with pool.acquire() as conn:
        async with conn.transaction():
            event_id = await emit(conn, schema="registry", type="registry.test.waiting", aggregate_id="x", payload={})
    dead = CeleryPublisher("redis://127.0.0.1:1/0", [("notifications.handle_event", "events")])
    relay = OutboxRelay(pool=pool, dsn=database_url, schema="registry", publish_batch=dead.publish_batch)
    with pytest.raises(Exception):  # noqa: B017  (whatever the broker client raises)
        await relay.drain()
    dead.close()
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT published_at FROM registry.outbox WHERE id = $1", event_id) is None
    relay, publisher = relay_for(pool, database_url, redis_url)
    assert await relay.drain() == 1
    publisher.close()
    assert [e["id"] for e in await queued_envelopes(redis_url)] == [str(event_id)]


async def test_running_relay_is_woken_by_notify(pool, database_url, redis_url):
    relay, publisher = relay_for(pool, database_url, redis_url)
    relay.poll_interval = 30  # only NOTIFY can wake it within the test's patience
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)
        async with pool.acquire() as conn:
            async with conn.transaction():
                event_id = await emit(conn, schema="registry", type="registry.test.live", aggregate_id="y", payload={})
        for _ in range(100):
            if await queued_envelopes(redis_url):
                break
            await asyncio.sleep(0.05)
        assert [e["id"] for e in await queued_envelopes(redis_url)] == [str(event_id)]
    finally:
        relay.stop()
        await asyncio.wait_for(task, 5)
        publisher.close()


async def test_two_relays_never_publish_the_same_row(pool, database_url, redis_url):
    async with pool.acquire() as conn:
        async with conn.transaction():
            ids = [await emit(conn, schema="registry", type="registry.test.many", aggregate_id=str(i), payload={})
                   for i in range(300)]
    (a, pa), (b, pb) = relay_for(pool, database_url, redis_url), relay_for(pool, database_url, redis_url)
    a.batch_size = b.batch_size = 25
    counts = await asyncio.gather(a.drain(), b.drain())
    pa.close(), pb.close()
    assert sum(counts) == 300
    published = [e["id"] for e in await queued_envelopes(redis_url)]
    assert sorted(published) == sorted(str(i) for i in ids)


async def test_the_relay_hands_batches_to_a_batch_consumer_and_single_envelopes_to_the_others(
        pool, database_url, redis_url):
    async with pool.acquire() as conn:
        async with conn.transaction():
            ids = [str(await emit(conn, schema="registry", type="registry.test.many", aggregate_id=str(i), payload={}))
                   for i in range(250)]
    publisher = CeleryPublisher(redis_url, [Consumer("notifications.handle_events", "events", 100),
                                            ("audit.handle_event", "audit")])
    relay = OutboxRelay(pool=pool, dsn=database_url, schema="registry", publish_batch=publisher.publish_batch,
                        batch_size=500)
    assert await relay.drain() == 250
    batches = await queued_messages(redis_url)
    # Up to 100 envelopes per message, in outbox order, named by their event ids.
    assert [len(args) for _, _, args in batches] == [100, 100, 50]
    assert [e["id"] for _, _, args in batches for e in args] == ids
    assert {task for task, _, _ in batches} == {"notifications.handle_events"}
    assert [task_id for _, task_id, _ in batches] == [
        batch_task_id(ids[i:i + 100], "notifications.handle_events") for i in (0, 100, 200)]
    singles = await queued_messages(redis_url, "audit")
    assert [(task, task_id, args["id"]) for task, task_id, args in singles] == [
        ("audit.handle_event", f"{i}:audit.handle_event", i) for i in ids]

    # A relay that died before stamping its rows publishes them again: the same messages, by name.
    async with pool.acquire() as conn:
        await conn.execute("UPDATE registry.outbox SET published_at = NULL")
    assert await relay.drain() == 250
    publisher.close()
    again = (await queued_messages(redis_url))[3:]
    assert [task_id for _, task_id, _ in again] == [task_id for _, task_id, _ in batches]


async def test_a_steady_stream_of_single_event_commits_travels_in_batches(pool, database_url, redis_url):
    publisher = CeleryPublisher(redis_url, [Consumer("notifications.handle_events", "events", 100)])
    relay = OutboxRelay(pool=pool, dsn=database_url, schema="registry", publish_batch=publisher.publish_batch,
                        poll_interval=30, coalesce_seconds=0.25)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)
        ids = []
        async with pool.acquire() as conn:
            for i in range(40):  # one event per transaction, a few milliseconds apart
                async with conn.transaction():
                    ids.append(str(await emit(conn, schema="registry", type="registry.test.stream",
                                              aggregate_id=str(i), payload={})))
                await asyncio.sleep(0.005)
        for _ in range(100):
            if relay.published == len(ids):
                break
            await asyncio.sleep(0.05)
        messages = await queued_messages(redis_url)
        assert [e["id"] for _, _, args in messages for e in args] == ids
        # Each publish waited out the coalescing window after the one before: a few messages, not 40.
        assert len(messages) <= len(ids) // 4
    finally:
        relay.stop()
        await asyncio.wait_for(task, 5)
        publisher.close()


async def test_a_relay_stopped_while_it_coalesces_stops_at_once(pool, database_url, redis_url):
    publisher = CeleryPublisher(redis_url, [Consumer("notifications.handle_events", "events", 100)])
    relay = OutboxRelay(pool=pool, dsn=database_url, schema="registry", publish_batch=publisher.publish_batch,
                        poll_interval=30, coalesce_seconds=2)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)
        async with pool.acquire() as conn:
            for i in range(2):  # the second wakes the relay inside its coalescing pause
                async with conn.transaction():
                    await emit(conn, schema="registry", type="registry.test.stream", aggregate_id=str(i), payload={})
                for _ in range(100):
                    if relay.published or i:
                        break
                    await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        relay.stop()
        await asyncio.wait_for(task, 5)  # not the 30 s poll: the stop's wake-up is not lost in the pause
        assert relay.published == 2
    finally:
        task.cancel()
        publisher.close()


def test_consumers_are_read_from_the_settings():
    assert parse_consumers("notifications.handle_events@events*100, audit.take@audit ,other") == [
        Consumer("notifications.handle_events", "events", 100), Consumer("audit.take", "audit"),
        Consumer("other", "events")]
    assert ServiceSettings(event_consumers="a@q*5").consumers == [Consumer("a", "q", 5)]
    for bad in ("a@q*x", "a@q*0", "a@q*"):
        with pytest.raises(ValueError):
            ServiceSettings(event_consumers=bad)


async def test_housekeeping_purges_old_answers_and_published_events_but_never_pending_ones(pool):
    from shared.events import purge_expired

    async with pool.acquire() as conn:
        async with conn.transaction():
            old_sent = await emit(conn, schema="registry", type="registry.test.old", aggregate_id="1", payload={})
            old_pending = await emit(conn, schema="registry", type="registry.test.owed", aggregate_id="2", payload={})
            fresh_sent = await emit(conn, schema="registry", type="registry.test.new", aggregate_id="3", payload={})
        await conn.execute("UPDATE registry.outbox SET published_at = now() - interval '8 days' WHERE id = $1", old_sent)
        await conn.execute("UPDATE registry.outbox SET occurred_at = now() - interval '30 days' WHERE id = $1", old_pending)
        await conn.execute("UPDATE registry.outbox SET published_at = now() WHERE id = $1", fresh_sent)
        await conn.execute("""INSERT INTO registry.idempotency_keys (scope, key, request_hash, created_at)
                              VALUES ('s', 'old', 'h', now() - interval '25 hours'), ('s', 'new', 'h', now())""")
        assert await purge_expired(conn, schema="registry", idempotency_hours=24, outbox_days=7) == (1, 1)
        assert {r["id"] for r in await conn.fetch("SELECT id FROM registry.outbox")} == {old_pending, fresh_sent}
        assert [r["key"] for r in await conn.fetch("SELECT key FROM registry.idempotency_keys")] == ["new"]
