"""OutboxWaker: a NOTIFY after commits that wrote outbox rows without one, bursts folded together."""
from __future__ import annotations

import asyncio

import asyncpg
import pytest

from shared.db import Database, create_pool
from shared.events import OutboxWaker


@pytest.fixture
async def db(database_url):
    pool = await create_pool(database_url, min_size=1, max_size=2)
    try:
        yield Database(pool)
    finally:
        await pool.close()


async def test_every_wake_is_followed_by_a_notify_and_a_burst_costs_few(db, database_url):
    got: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(database_url)
    await listener.add_listener("registry_outbox", lambda *args: got.put_nowait(args[2]))
    waker = OutboxWaker(db, schema="registry")
    try:
        waker.wake()
        await asyncio.wait_for(got.get(), timeout=5)
        # 200 wakes in one go: at least one NOTIFY after the last of them, far fewer than 200.
        for _ in range(200):
            waker.wake()
        await waker.close()
        await asyncio.sleep(0.3)
        notified = got.qsize()
        assert 1 <= notified <= 3
        # Idle again: the next wake notifies again.
        waker.wake()
        await asyncio.wait_for(got.get(), timeout=5)
    finally:
        await waker.close()
        await listener.close()


async def test_a_failed_wake_is_logged_and_the_next_one_works(db, database_url, caplog):
    got: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(database_url)
    await listener.add_listener("registry_outbox", lambda *args: got.put_nowait(args[2]))

    closed = await create_pool(database_url, min_size=1, max_size=1)
    await closed.close()  # the database is away as far as this pool knows
    waker = OutboxWaker(Database(closed), schema="registry")
    try:
        waker.wake()
        await waker.close()
        assert "outbox wake failed" in caplog.text
        waker.db = db
        waker.wake()
        await asyncio.wait_for(got.get(), timeout=5)
    finally:
        await waker.close()
        await listener.close()
