"""Receipts: an event that no consumer confirms is published again, with its id; a confirmed one
never is (real PostgreSQL and Redis; the relay and the receipts as the services run them)."""
from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from shared.contracts.events import CATALOGUE, EventContract
from shared.events import emit
from shared.receipts import Receipts, confirm, consumer_name, receipt_key
from tests.shared.test_outbox import AnyPayload, queued_messages, relay_for


@pytest.fixture(autouse=True)
def test_event_types(monkeypatch):
    for name in ("confirmed", "unconfirmed", "kept", "restored"):
        monkeypatch.setitem(CATALOGUE, f"registry.test.{name}", EventContract(1, AnyPayload, "registry"))


@pytest.fixture
async def redis(redis_url):
    client = aioredis.from_url(redis_url)
    yield client
    await client.aclose()


async def _emitted(pool, name: str) -> dict:
    async with pool.acquire() as conn:
        async with conn.transaction():
            event_id = await emit(conn, schema="registry", type=f"registry.test.{name}", aggregate_id=name, payload={})
    return {"id": str(event_id), "producer": "registry", "type": f"registry.test.{name}"}


async def _row(pool, event: dict):
    async with pool.acquire() as conn:
        return await conn.fetchrow("SELECT published_at, receipts, confirmed, republished FROM registry.outbox "
                                   "WHERE id = $1::uuid", event["id"])


async def _age(pool, seconds: float) -> None:
    """As if every published event had been published ``seconds`` earlier."""
    async with pool.acquire() as conn:
        await conn.execute("UPDATE registry.outbox SET published_at = published_at - make_interval(secs => $1) "
                           "WHERE published_at IS NOT NULL", seconds)


async def test_an_unconfirmed_event_goes_again_with_its_id_and_a_confirmed_one_never(pool, database_url,
                                                                                       redis_url, redis):
    confirmed, lost = await _emitted(pool, "confirmed"), await _emitted(pool, "unconfirmed")
    relay, publisher = relay_for(pool, database_url, redis_url)
    receipts = Receipts(redis=redis, consumers=["notifications"], redeliver_after_seconds=60)
    try:
        assert await relay.drain() == 2
        await redis.delete("events")  # the messages are consumed; the second one is lost on the way
        assert await confirm(redis, consumer="notifications", envelopes=[confirmed]) == 1
        assert await redis.smembers(receipt_key("registry", "notifications")) == {confirmed["id"].encode()}

        done = await receipts.reconcile(pool, schema="registry")
        assert (done.confirmed, done.republished) == (1, 0)  # nothing is overdue yet
        row = await _row(pool, confirmed)
        assert row["confirmed"] and row["receipts"] == ["notifications"]
        assert not (await _row(pool, lost))["confirmed"]
        assert await redis.scard(receipt_key("registry", "notifications")) == 0  # moved into the outbox

        await _age(pool, 61)
        done = await receipts.reconcile(pool, schema="registry")
        assert (done.confirmed, done.republished) == (0, 1)
        assert (await _row(pool, lost))["published_at"] is None
        assert await relay.drain() == 1
        [(task, task_id, body)] = await queued_messages(redis_url)
        assert task == "notifications.handle_event" and body["id"] == lost["id"]  # same id: consumers deduplicate

        # Still unconfirmed: the next republish waits twice as long.
        await _age(pool, 61)
        assert (await receipts.reconcile(pool, schema="registry")).republished == 0
        await _age(pool, 60)
        assert (await receipts.reconcile(pool, schema="registry")).republished == 1
        assert (await _row(pool, lost))["republished"] == 2
        assert (await _row(pool, confirmed))["republished"] == 0

        # A receipt for it at last: never published again.
        await relay.drain()
        await confirm(redis, consumer="notifications", envelopes=[lost, lost])
        await receipts.reconcile(pool, schema="registry")
        await _age(pool, 10_000)
        assert (await receipts.reconcile(pool, schema="registry")).republished == 0
        assert (await _row(pool, lost))["receipts"] == ["notifications"]
    finally:
        publisher.close()


async def test_an_event_is_confirmed_once_every_consumer_has_said_so(pool, redis):
    event = await _emitted(pool, "kept")
    async with pool.acquire() as conn:
        await conn.execute("UPDATE registry.outbox SET published_at = now()")
    receipts = Receipts(redis=redis, consumers=["notifications", "archive"], redeliver_after_seconds=60)
    await confirm(redis, consumer="notifications", envelopes=[event])
    await receipts.reconcile(pool, schema="registry")
    assert not (await _row(pool, event))["confirmed"]
    await confirm(redis, consumer="archive", envelopes=[event, {"id": "not-an-id", "producer": "registry"}])
    assert (await receipts.reconcile(pool, schema="registry")).confirmed == 1  # the stray id is dropped
    row = await _row(pool, event)
    assert row["confirmed"] and sorted(row["receipts"]) == ["archive", "notifications"]


async def test_after_a_restore_forgotten_receipts_leave_the_event_to_go_again(pool, redis, redis_url, monkeypatch):
    """A receipt written after a restore's target vouches for a commit the restore undid: forgotten
    (``python -m deploy.relay --forget-receipts``), it confirms nothing and the event goes again."""
    from deploy import relay as relay_command

    event = await _emitted(pool, "restored")  # consumed after the target: its effects undone
    async with pool.acquire() as conn:
        await conn.execute("UPDATE registry.outbox SET published_at = now() - interval '1 hour'")
    await confirm(redis, consumer="notifications", envelopes=[event])
    await redis.set("thidua:not-a-receipt", "kept")
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert await relay_command.forget_receipts(["registry", "nominations"]) == 1  # one Redis, one set
    assert await redis.get("thidua:not-a-receipt") == b"kept"
    receipts = Receipts(redis=redis, consumers=["notifications"], redeliver_after_seconds=60)
    done = await receipts.reconcile(pool, schema="registry")
    assert (done.confirmed, done.republished) == (0, 1)
    row = await _row(pool, event)
    assert not row["confirmed"] and row["published_at"] is None  # queued to be published again


async def test_a_confirmation_that_cannot_get_through_costs_only_a_republish():
    away = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        assert await confirm(away, consumer="notifications", envelopes=[{"id": "x", "producer": "registry"}]) == 0
    finally:
        await away.aclose()


def test_the_confirming_service_is_named_by_the_consumer_task():
    assert consumer_name("notifications.handle_events") == "notifications"


async def test_the_relay_records_receipts_and_republishes_as_it_runs(pool, database_url, redis_url, redis):
    event = await _emitted(pool, "unconfirmed")
    relay, publisher = relay_for(pool, database_url, redis_url)
    relay.receipts = Receipts(redis=redis, consumers=["notifications"], redeliver_after_seconds=0.5,
                              interval_seconds=0.2)
    task = asyncio.create_task(relay.run())
    try:
        async def published_again() -> bool:
            return ((await _row(pool, event))["republished"] >= 1
                    and len([m for m in await queued_messages(redis_url) if m[2]["id"] == event["id"]]) >= 2)

        for _ in range(100):
            if await published_again():
                break
            await asyncio.sleep(0.1)
        assert await published_again()
    finally:
        relay.stop()
        await asyncio.wait_for(task, 5)
        publisher.close()
