"""What the tasks do when something fails: an infrastructure outage of any length is waited out
(retried without a limit, never acknowledged away), an event the code cannot process is kept in
failed_events and can be replayed once the code is fixed."""
from __future__ import annotations

import asyncio
import random
import uuid

import asyncpg
import kombu.exceptions
import pydantic
import pytest
import redis
from asyncpg.exceptions import _base as asyncpg_base
from celery.exceptions import Reject, Retry, SoftTimeLimitExceeded

from services.notifications import tasks
from services.notifications.domain import routing, templates
from services.notifications.settings import NotificationsSettings
from services.notifications.worker import app, create_celery
from shared.worker import close_runtime
from tests.notifications.conftest import eventually, free_port, processed
from tests.notifications.test_api import merged

# ---------------------------------------------------------------- the policy (no I/O)

TRANSIENT = [
    ConnectionRefusedError(111, "Connection refused"), OSError("Multiple exceptions: [Errno 111]"), TimeoutError(),
    TimeoutError(), SoftTimeLimitExceeded(), asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.TooManyConnectionsError("sorry, too many clients already"), asyncpg.AdminShutdownError("terminating"),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.ConnectionFailureError(), asyncpg.InterfaceError("cannot perform operation: connection is closed"),
    asyncpg.SerializationError(), asyncpg.DeadlockDetectedError(), asyncpg.LockNotAvailableError(),
    asyncpg.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
    asyncpg.QueryCanceledError(), asyncpg.exceptions.DiskFullError(),
    redis.ConnectionError("Error 111 connecting"), redis.TimeoutError(), kombu.exceptions.OperationalError("broker"),
]
PERMANENT = [
    KeyError("successor"), TypeError("'NoneType' object is not subscriptable"), ValueError("bad"),
    ZeroDivisionError(), RuntimeError("asyncio.run() cannot be called from a running event loop"),
    asyncpg.UniqueViolationError(), asyncpg.CharacterNotInRepertoireError("invalid byte sequence 0x00"),
    asyncpg.UndefinedTableError("relation does not exist"), asyncpg.PostgresSyntaxError(),
    asyncpg.DataError("invalid input syntax"), asyncpg.CheckViolationError(),
    asyncpg_base.DataError("invalid input for query argument $1"),
    asyncpg_base.ClientConfigurationError("bad dsn"),
]


@pytest.mark.parametrize("exc", TRANSIENT, ids=lambda e: type(e).__name__)
def test_infrastructure_errors_are_transient(exc):
    assert tasks.is_transient(exc)


@pytest.mark.parametrize("exc", PERMANENT, ids=lambda e: type(e).__name__)
def test_bugs_and_bad_input_are_not(exc):
    assert not tasks.is_transient(exc)


def test_validation_errors_are_not_transient():
    with pytest.raises(pydantic.ValidationError) as caught:
        from shared.events import EventEnvelope

        EventEnvelope.model_validate({"id": "not-a-uuid"})
    assert not tasks.is_transient(caught.value)


def test_transient_retries_never_run_out_and_back_off_exponentially_with_jitter():
    # No last retry: an outage of any length is waited out.
    assert tasks.handle_event.max_retries is None and tasks.deliver.max_retries is None
    config = NotificationsSettings(task_retry_base_seconds=1.0, task_retry_max_seconds=300.0)
    rng = random.Random(1)
    for n in range(1, 10):  # 1, 2, 4, … 256 seconds, each between half and all of it
        nominal = 2.0 ** (n - 1)
        assert nominal / 2 <= tasks.transient_retry_delay(n, config=config, rng=rng) <= nominal
    for n in (10, 11, 50, 10_000, 10**9):  # capped for ever after, still jittered
        assert 150.0 <= tasks.transient_retry_delay(n, config=config, rng=rng) <= 300.0
    assert len({tasks.transient_retry_delay(5, config=config, rng=rng) for _ in range(20)}) > 10
    # Beat tasks cap lower (the next beat comes anyway) and keep a limit.
    assert tasks.transient_retry_delay(20, config=config, cap=30, rng=rng) <= 30
    assert tasks.send_reminders.max_retries == 3 and tasks.sweep_deliveries.max_retries == 3


def test_a_failed_task_is_acknowledged_but_one_killed_at_the_hard_time_limit_is_requeued():
    settings = NotificationsSettings(redis_url="redis://127.0.0.1:1/0")  # never contacted
    conf = create_celery(settings, set_as_current=False).conf
    assert conf.task_acks_late and conf.task_acks_on_failure is True and conf.task_acks_on_timeout is False
    assert tasks.handle_event.acks_on_timeout is False and tasks.deliver.acks_on_timeout is False
    # A retry waits in a worker as an ETA message: Redis must not hand it to another meanwhile.
    assert conf.broker_transport_options["visibility_timeout"] > settings.task_retry_max_seconds


# ---------------------------------------------------------------- in-process, against PostgreSQL

def closed_dsn() -> str:
    return f"postgresql://postgres@127.0.0.1:{free_port()}/thidua"  # nothing listens there


@pytest.fixture
def task_settings(database_url, monkeypatch):
    """Point the tasks of this process at ``database_url`` (or any DSN given to ``use``)."""

    def use(dsn: str) -> NotificationsSettings:
        settings = NotificationsSettings(database_url=dsn, redis_url="redis://127.0.0.1:1/0",
                                         task_retry_base_seconds=0.01, task_retry_max_seconds=0.05,
                                         log_level="WARNING")
        monkeypatch.setattr(app, "thidua_settings", settings)
        return settings

    use(database_url)
    yield use
    close_runtime()  # its pool holds connections to this test's database


def run_task(task, *args, retries: int = 0):
    """Run a task's body in this process with a worker's request (the ``retries``-th run of its message),
    outside the test's event loop. What it raises is what the worker would act on: Retry → publish
    the retry and acknowledge; Reject → reject (requeue or not); anything else → a failure.
    (``is_eager`` only keeps Task.retry from publishing the retry message.)"""

    def call():
        task.push_request(id=str(uuid.uuid4()), args=list(args), kwargs={}, retries=retries, is_eager=True,
                          called_directly=False, delivery_info={"routing_key": "events"})
        try:
            return task.run(*args)
        finally:
            task.pop_request()

    return asyncio.to_thread(call)


@pytest.mark.parametrize("retries", [0, 10, 10_000])
async def test_with_the_database_unreachable_handle_event_retries_and_never_acknowledges(
        task_settings, db, retries):
    task_settings(closed_dsn())
    event = merged()
    # Retried (a new message with a countdown; this one is acknowledged only once that is sent),
    # however many retries came before: not a failure, not a success, not dropped.
    with pytest.raises(Retry) as retried:
        await run_task(tasks.handle_event, event, retries=retries)
    assert isinstance(retried.value.exc, OSError) and 0 < retried.value.when <= 0.05
    assert retried.value.sig.options["retries"] == retries + 1
    assert await db.fetchval("SELECT count(*) FROM notifications.failed_events") == 0
    assert await processed(db, event["id"]) is None


@pytest.mark.parametrize("retries", [0, 10_000])
async def test_with_the_database_unreachable_deliver_retries_too(task_settings, retries):
    task_settings(closed_dsn())
    with pytest.raises(Retry) as retried:
        await run_task(tasks.deliver, str(uuid.uuid4()), retries=retries)
    assert isinstance(retried.value.exc, OSError)


async def test_a_retry_the_broker_refuses_puts_the_message_back_instead_of_dropping_it(task_settings, monkeypatch):
    task_settings(closed_dsn())

    def broker_away(*args, **kwargs):  # what Task.retry raises when it cannot publish the retry
        raise Reject(kombu.exceptions.OperationalError("Error 111 connecting to redis"), requeue=False)

    monkeypatch.setattr(tasks.handle_event, "retry", broker_away)
    with pytest.raises(Reject) as rejected:
        await run_task(tasks.handle_event, merged())
    assert rejected.value.requeue is True


async def test_a_poison_event_is_recorded_acknowledged_and_replayed_once_the_bug_is_fixed(
        task_settings, db, notifications, tokens, worker, monkeypatch):
    event = merged()
    real_render = templates.render

    def buggy_render(event, *, language="vi", recipient):  # the deployed build has a template bug
        if event["type"] == routing.PROVINCE_MERGED:
            raise TypeError("'NoneType' object is not subscriptable")
        return real_render(event, language=language, recipient=recipient)

    with monkeypatch.context() as buggy:
        buggy.setattr(templates, "render", buggy_render)
        # Not retried, not failed: recorded, and the message acknowledged.
        assert await run_task(tasks.handle_event, event) == {"event_id": event["id"], "failed": True, "failures": 1}
        # The relay publishes at least once: the same event again is counted on the same row.
        assert (await run_task(tasks.handle_event, event))["failures"] == 2

    row = await db.fetchrow("SELECT * FROM notifications.failed_events")
    assert str(row["id"]) == event["id"] and row["status"] == "failed" and row["envelope"] == event
    assert row["event_type"] == routing.PROVINCE_MERGED and row["producer"] == "registry"
    assert row["error"].startswith("TypeError:") and "buggy_render" in row["traceback"]
    # Its transaction rolled back: not processed, nobody notified.
    assert await processed(db, event["id"]) is None
    assert await db.fetchval("SELECT count(*) FROM notifications.notifications") == 0

    listed = await notifications.client.get("/v1/events/failed", headers=tokens.ministry)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["id"] == event["id"] and item["status"] == "failed" and item["failures"] == 2
    assert item["envelope"] == event and "traceback" not in item and listed.json()["next"] is None
    one = await notifications.client.get(f"/v1/events/failed/{event['id']}", headers=tokens.ministry)
    assert one.status_code == 200 and "TypeError" in one.json()["traceback"]
    assert (await notifications.client.get("/v1/events/failed", headers=tokens.province("31"))).status_code == 403
    r = await notifications.client.post(f"/v1/events/failed/{event['id']}/replay", headers=tokens.province("31"))
    assert r.status_code == 403
    assert (await notifications.client.post(f"/v1/events/failed/{uuid.uuid4()}/replay",
                                            headers=tokens.ministry)).status_code == 404

    # The fix is deployed (the worker process runs the real templates): replay it.
    r = await notifications.client.post(f"/v1/events/failed/{event['id']}/replay", headers=tokens.ministry)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "replayed" and r.json()["replays"] == 1
    rows = await eventually(lambda: db.fetch(
        "SELECT recipient FROM notifications.notifications WHERE event_id = $1", uuid.UUID(event["id"])),
        message="the replayed event's notifications")
    assert sorted(r["recipient"] for r in rows) == ["ministry", "province:31"]
    resolved = await db.fetchrow("SELECT * FROM notifications.failed_events")
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert (await processed(db, event["id"]))["repeats"] == 0
    listed = await notifications.client.get("/v1/events/failed", params={"status": "failed"},
                                            headers=tokens.ministry)
    assert listed.json()["items"] == []
    again = await notifications.client.post(f"/v1/events/failed/{event['id']}/replay", headers=tokens.ministry)
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")


async def test_an_envelope_without_a_usable_id_is_kept_too(task_settings, db):
    broken = {"type": routing.PROVINCE_MERGED, "producer": "registry", "payload": {"note": "nul \x00 inside"}}
    result = await run_task(tasks.handle_event, broken)
    assert result["failed"] is True and result["failures"] == 1
    row = await db.fetchrow("SELECT * FROM notifications.failed_events")
    assert row["envelope"] == broken and row["error"].startswith("ValidationError")
    assert str(row["id"]) == result["event_id"]
    assert await run_task(tasks.handle_event, broken) == {**result, "failures": 2}


# ---------------------------------------------------------------- a real worker through an outage

async def test_an_event_consumed_during_a_database_outage_is_processed_once_it_is_back(
        start_worker, publish, db):
    fast = {"NOTIFICATIONS_TASK_RETRY_BASE_SECONDS": "0.02", "NOTIFICATIONS_TASK_RETRY_MAX_SECONDS": "0.1"}
    down = start_worker(DATABASE_URL=closed_dsn(), **fast)
    event = merged()
    publish([event])
    # More retries than the old limit of 10: still retrying, nothing acknowledged away.
    await eventually(lambda: _async(down.log_path.read_text(errors="replace").count("the task will run again") >= 12),
                     message="a dozen retries while the database is away")
    assert await processed(db, event["id"]) is None
    down.stop()  # warm shutdown: the held retry goes back to the queue

    start_worker(**fast)  # the database is back
    row = await eventually(lambda: processed(db, event["id"]), timeout=30, message="the event after the outage")
    assert row["recipients"] == 2
    assert await db.fetchval("SELECT count(*) FROM notifications.failed_events") == 0


async def _async(value):
    return value
