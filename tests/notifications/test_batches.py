"""Events travel in batches (``notifications.handle_events``): one message and one transaction for
up to 100 events, and still exactly once per event. A duplicate does nothing, a redelivered or
overlapping batch does nothing twice, a poison event ends in failed_events alone."""
from __future__ import annotations

import uuid

import pytest
import redis as redis_sync
from celery.exceptions import Retry

from services.notifications import tasks
from services.notifications.domain import routing, templates
from shared.events import Consumer, batch_task_id
from shared.receipts import receipt_key
from tests.notifications.conftest import DEFAULT_CONSUMERS, envelope, eventually, processed
from tests.notifications.test_api import merged
from tests.notifications.test_task_failures import closed_dsn, run_task, task_settings  # noqa: F401 (fixture)


def poison() -> dict:
    """A leadership event whose payload its contract refuses (no members, no lead)."""
    return envelope(routing.LEADERSHIP_ROTATED, {"cluster_code": "NV-BAC", "year": 2026}, producer="registry")


async def inbox_rows(db, event: dict) -> list[str]:
    rows = await db.fetch("SELECT recipient FROM notifications.notifications WHERE event_id = $1 ORDER BY recipient",
                          uuid.UUID(event["id"]))
    return [r["recipient"] for r in rows]


def test_the_relay_hands_events_to_the_batch_consumer_by_default():
    assert DEFAULT_CONSUMERS == [Consumer("notifications.handle_events", "events", 100)]
    # A batch waits out an outage like a single event: retried without a limit, never dropped.
    assert tasks.handle_events.max_retries is None and tasks.handle_events.acks_on_timeout is False


async def test_a_batch_with_a_duplicate_and_a_poison_event_fans_out_the_good_ones_once(worker, publish, db):
    earlier, first, second, bad = merged("31"), merged("22", "Quảng Ninh"), merged("33", "Hưng Yên"), poison()
    publish([earlier])
    await eventually(lambda: processed(db, earlier["id"]), message="the earlier event")

    batch = [first, second, first, bad, earlier]
    publish(batch)
    failed = await eventually(lambda: db.fetchrow("SELECT * FROM notifications.failed_events"),
                              message="the poison event in failed_events")
    await eventually(lambda: processed(db, second["id"]), message="the batch's good events")
    # The poison alone failed, recorded with its contract's refusal; the batch's transaction went on.
    assert str(failed["id"]) == bad["id"] and failed["status"] == "failed" and failed["failures"] == 1
    assert failed["error"].startswith("ValidationError") and failed["envelope"] == bad
    assert await processed(db, bad["id"]) is None
    # The good ones once each, the duplicate in the batch ignored, the earlier event not again.
    assert await inbox_rows(db, first) == ["ministry", "province:22"]
    assert await inbox_rows(db, second) == ["ministry", "province:33"]
    assert await inbox_rows(db, earlier) == ["ministry", "province:31"]
    assert (await processed(db, first["id"]))["recipients"] == 2
    assert (await processed(db, earlier["id"]))["repeats"] == 1
    assert await db.fetchval("SELECT count(*) FROM notifications.notifications") == 6

    # The relay crashed before stamping its rows: the same batch again does nothing twice.
    publish(batch)
    await eventually(lambda: db.fetchval("SELECT failures = 2 FROM notifications.failed_events"),
                     message="the redelivered batch")
    await eventually(lambda: db.fetchval("SELECT repeats = 1 FROM notifications.processed_events WHERE event_id = $1",
                                         uuid.UUID(second["id"])), message="the repeat counted")
    assert await db.fetchval("SELECT count(*) FROM notifications.notifications") == 6
    assert await db.fetchval("SELECT count(*) FROM notifications.processed_events") == 3

    # A batch overlapping one already consumed: only the new event does anything.
    new = merged("37", "Ninh Bình")
    publish([second, new])
    await eventually(lambda: processed(db, new["id"]), message="the new event of the overlapping batch")
    assert await inbox_rows(db, new) == ["ministry", "province:37"]
    assert (await processed(db, second["id"]))["repeats"] == 2
    assert await db.fetchval("SELECT count(*) FROM notifications.notifications") == 8


# ---------------------------------------------------------------- in-process, against PostgreSQL

async def test_a_bug_in_a_batch_falls_back_to_one_event_at_a_time_so_only_the_bad_one_fails(
        task_settings, db, monkeypatch):  # noqa: F811 (the fixture)
    good, buggy, duplicate = merged("22", "Quảng Ninh"), merged("31"), merged("33", "Hưng Yên")
    assert (await run_task(tasks.handle_events, [duplicate]))["processed"] == 1
    real_render = templates.render

    def render(event, *, language="vi", recipient):  # the deployed build has a bug this event meets
        if event["id"] == buggy["id"]:
            raise TypeError("'NoneType' object is not subscriptable")
        return real_render(event, language=language, recipient=recipient)

    monkeypatch.setattr(templates, "render", render)
    result = await run_task(tasks.handle_events, [good, buggy, duplicate, bad := poison()])
    assert result == {"events": 4, "singly": True, "processed": 1, "duplicates": 1, "failed": 2,
                      "notifications": 2, "deliveries": 0}
    failures = {str(r["id"]): r for r in await db.fetch("SELECT * FROM notifications.failed_events")}
    assert set(failures) == {buggy["id"], bad["id"]}
    assert failures[buggy["id"]]["error"].startswith("TypeError") and "render" in failures[buggy["id"]]["traceback"]
    assert await inbox_rows(db, good) == ["ministry", "province:22"]
    assert await processed(db, buggy["id"]) is None
    assert (await processed(db, duplicate["id"]))["repeats"] == 1

    # The fix is deployed; the batch comes again (a redelivery): the bad event goes through, once.
    monkeypatch.setattr(templates, "render", real_render)
    result = await run_task(tasks.handle_events, [good, buggy, duplicate])
    assert result == {"events": 3, "processed": 1, "duplicates": 2, "failed": 0, "notifications": 2,
                      "deliveries": 0}
    assert await inbox_rows(db, buggy) == ["ministry", "province:31"]
    assert await db.fetchval("SELECT status FROM notifications.failed_events WHERE id = $1",
                             uuid.UUID(buggy["id"])) == "resolved"
    assert await db.fetchval("SELECT count(*) FROM notifications.notifications") == 6


async def test_a_batch_meeting_the_database_away_is_retried_whole(task_settings, db):  # noqa: F811
    task_settings(closed_dsn())
    batch = [merged("22", "Quảng Ninh"), poison()]
    with pytest.raises(Retry) as retried:
        await run_task(tasks.handle_events, batch, retries=3)
    assert isinstance(retried.value.exc, OSError) and retried.value.sig.options["retries"] == 4
    assert await db.fetchval("SELECT count(*) FROM notifications.failed_events") == 0
    assert await db.fetchval("SELECT count(*) FROM notifications.processed_events") == 0


async def test_a_batch_message_without_a_list_is_kept_in_failed_events(task_settings, db):  # noqa: F811
    result = await run_task(tasks.handle_events, {"not": "a list"})
    assert result["failed"] is True
    assert await db.fetchval("SELECT envelope::text FROM notifications.failed_events") == '{"not": "a list"}'


def test_a_batch_message_is_named_by_its_event_ids():
    ids = [str(uuid.uuid4()) for _ in range(3)]
    assert batch_task_id(ids, "t") == batch_task_id(list(ids), "t") != batch_task_id(ids[:2], "t")
    assert batch_task_id(ids[:1], "t") == f"{ids[0]}:t"  # one event: as a single-event message


async def test_the_worker_confirms_each_event_to_its_producer_once_committed(worker, publish, db, redis_url):
    """Handled, repeated and refused (kept in failed_events) events alike: their producer stops
    owing them (shared.receipts); an event that never arrived is not confirmed."""
    good, bad, other = merged("22", "Quảng Ninh"), poison(), merged("33", "Hưng Yên")
    publish([good, bad, good])
    await eventually(lambda: processed(db, good["id"]), message="the good event")
    client = redis_sync.Redis.from_url(redis_url)
    try:
        key = receipt_key("registry", "notifications")

        def confirmed() -> set[str]:
            return {m.decode() for m in client.smembers(key)}

        await eventually(lambda: _now(confirmed() == {good["id"], bad["id"]}), message="the receipts")
        assert other["id"] not in confirmed() and 0 < client.ttl(key)
    finally:
        client.close()


async def _now(value):
    return value
