"""Reminders: the non-voters of rounds about to close, once per round and window."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from services.notifications.domain import routing
from services.notifications.domain.channels import REMINDER_EVENT_TYPE
from services.notifications.service import consume, reminders
from services.notifications.worker import create_celery
from tests.notifications.conftest import broker_idle, envelope, eventually

ELECTORATE = ["22", "30", "31", "33"]


def _round(round_id: str, closes_in: timedelta, electorate=ELECTORATE) -> dict:
    return {"round_id": round_id, "cluster_code": "NV-BAC", "cluster_name": "Cụm thi đua Sở Nội vụ phía Bắc",
            "year": 2025, "award": "government_flag", "seats": 1, "lead_code": "22", "electorate": electorate,
            "closes_at": (datetime.now(timezone.utc) + closes_in).isoformat()}


async def test_reminder_job_reminds_exactly_the_non_voters_and_only_once(
        worker, publish, db, redis_url, notifications_settings):
    soon, later, over = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    events = [
        envelope(routing.ROUND_OPENED, _round(soon, timedelta(hours=2))),
        # Ballots say who voted, never how.
        envelope(routing.BALLOT_CAST, {"round_id": soon, "cluster_code": "NV-BAC", "year": 2025, "voter_code": "22"}),
        envelope(routing.BALLOT_CAST, {"round_id": soon, "cluster_code": "NV-BAC", "year": 2025, "voter_code": "31"}),
        # Closes after the 24 h window: not yet.
        envelope(routing.ROUND_OPENED, _round(later, timedelta(hours=48))),
        # Already closed: never.
        envelope(routing.ROUND_OPENED, _round(over, timedelta(hours=1))),
        envelope(routing.ROUND_CLOSED, {"round_id": over, "cluster_code": "NV-BAC", "cluster_name": "Cụm thi đua",
                                        "year": 2025, "award": "government_flag", "lead_code": "22",
                                        "outcome": "failed_quorum", "state": "failed_quorum",
                                        "electorate": ELECTORATE}),
    ]
    publish(events)
    await eventually(lambda: db.fetchval("SELECT count(*) = $1 FROM notifications.processed_events", len(events)),
                     message="every event processed")
    # round.opened told the electorate of each round.
    opened = await db.fetch("SELECT recipient FROM notifications.notifications WHERE event_type = $1",
                            routing.ROUND_OPENED)
    assert len(opened) == 3 * len(ELECTORATE)

    # Beat would send these every minute; send two runs back to back.
    celery = create_celery(notifications_settings, set_as_current=False)
    celery.send_task("notifications.send_reminders")
    celery.send_task("notifications.send_reminders")
    celery.close()
    await eventually(lambda: db.fetchval("SELECT count(*) = 2 FROM notifications.reminders"), message="reminders")
    await eventually(lambda: _async(broker_idle(redis_url)), message="both runs to finish")

    reminded = await db.fetch("SELECT recipient, subject, body, action FROM notifications.notifications "
                              "WHERE event_type = $1 ORDER BY recipient", REMINDER_EVENT_TYPE)
    assert [r["recipient"] for r in reminded] == ["province:30", "province:33"]
    assert all(r["subject"].startswith("Nhắc bỏ phiếu") and "Bỏ phiếu trước" in r["action"] for r in reminded)
    assert {r["round_id"] for r in await db.fetch("SELECT round_id FROM notifications.reminders")} == {soon}

    # Any further run of the same window finds nothing; a new (shorter) window reminds once more.
    assert (await reminders.send_reminders(db, window_hours=24)).reminders == 0
    assert (await reminders.send_reminders(db, window_hours=3)).reminders == 2
    assert (await reminders.send_reminders(db, window_hours=3)).reminders == 0
    assert await db.fetchval("SELECT count(*) FROM notifications.notifications WHERE event_type = $1",
                             REMINDER_EVENT_TYPE) == 4


async def test_ballot_before_the_round_opened_still_counts(db):
    """Events may be consumed out of order: a ballot_cast seen before round.opened still counts."""
    round_id = str(uuid.uuid4())
    async with db.transaction():
        await consume.handle_event(db, envelope(routing.BALLOT_CAST, {"round_id": round_id, "cluster_code": "NV-BAC",
                                                                      "year": 2025, "voter_code": "30"}))
    async with db.transaction():
        await consume.handle_event(db, envelope(routing.ROUND_OPENED, _round(round_id, timedelta(hours=1))))
    result = await reminders.send_reminders(db, window_hours=24)
    assert result.reminders == 3
    reminded = await db.fetch("SELECT voter_code FROM notifications.reminders ORDER BY voter_code")
    assert [r["voter_code"] for r in reminded] == ["22", "31", "33"]


async def _async(value):
    return value
