"""The guards of one delivery attempt, driven in-process against PostgreSQL and a real receiver."""
from __future__ import annotations

import pytest

from services.notifications.service import deliveries as delivery_service
from services.notifications.settings import NotificationsSettings
from shared.db import create_pool
from tests.notifications.test_api import consume, merged


@pytest.fixture
async def pool(database_url):
    pool = await create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


@pytest.fixture
async def delivery(db, receivers):
    hook = receivers([200])
    await db.execute(
        """INSERT INTO notifications.subscriptions (subject, address, channels)
           VALUES ('province-31', 'province:31', $1)""",
        [{"type": "webhook", "url": hook.url, "secret": "a-secret-of-enough-length"}])
    [delivery_id] = (await consume(db, merged())).deliveries
    return delivery_id, hook


def settings(database_url) -> NotificationsSettings:
    return NotificationsSettings(database_url=database_url, webhook_allow_private=True, max_webhook_attempts=3)


async def test_delivered_once_then_every_repeat_is_a_no_op(pool, database_url, delivery, db):
    delivery_id, hook = delivery
    first = await delivery_service.deliver(pool, settings(database_url), delivery_id)
    assert (first.status, first.attempts) == ("delivered", 1)
    again = await delivery_service.deliver(pool, settings(database_url), delivery_id)
    assert again.status == "done" and len(hook.requests) == 1
    assert hook.requests[0]["headers"]["x-thidua-delivery"] == delivery_id


async def test_a_delivery_being_worked_on_is_left_to_its_worker(pool, database_url, delivery, db):
    delivery_id, hook = delivery
    await db.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", delivery_id)
    try:
        busy = await delivery_service.deliver(pool, settings(database_url), delivery_id)
    finally:
        await db.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", delivery_id)
    # It comes back to look (the worker holding it may die with the message's only other copy).
    assert busy.status == "busy" and busy.retry_in == delivery_service.BUSY_RECHECK_SECONDS and hook.requests == []
    # The holder is gone: the re-check makes the attempt.
    assert (await delivery_service.deliver(pool, settings(database_url), delivery_id)).status == "delivered"
    assert len(hook.requests) == 1


async def test_a_duplicate_ahead_of_the_backoff_comes_back_on_time(pool, database_url, delivery, db):
    delivery_id, hook = delivery
    await db.execute("""UPDATE notifications.deliveries SET status = 'retrying',
                               next_attempt_at = now() + interval '30 seconds'""")
    result = await delivery_service.deliver(pool, settings(database_url), delivery_id)
    assert result.status == "early" and 25 < result.retry_in <= 30 and hook.requests == []


async def test_attempts_that_never_finished_count_toward_the_limit(pool, database_url, delivery, db):
    delivery_id, hook = delivery
    # Three attempts started and took their workers down with them.
    await db.execute("UPDATE notifications.deliveries SET attempts = 3, round_attempts = 3")
    result = await delivery_service.deliver(pool, settings(database_url), delivery_id)
    assert result.status == "dead" and hook.requests == []
    row = await db.fetchrow("SELECT status, last_error FROM notifications.deliveries")
    assert row["status"] == "dead" and "did not finish" in row["last_error"]
