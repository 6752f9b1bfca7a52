"""Vote reminders: the non-voters of rounds about to close are reminded, once per (round, voter,
window)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

import asyncpg

from services.notifications.domain import channels, routing, templates
from services.notifications.service.fan_out import fan_out
from services.notifications.store import events as event_store

# Reminder ids are derived, not random: the same (round, voter, window) always names the same
# "event", so even a reminder claimed twice could not notify twice.
REMINDER_NAMESPACE = uuid.UUID("6f1d3c2e-4b7a-5e7f-9a51-0c8d2b9e4f10")


@dataclass
class Reminded:
    reminders: int = 0
    deliveries: list[str] = field(default_factory=list)


def reminder_event_id(round_id: str, voter_code: str, window_hours: Decimal) -> uuid.UUID:
    return uuid.uuid5(REMINDER_NAMESPACE, f"{round_id}|{voter_code}|{window_hours.normalize()}")


async def send_reminders(conn: asyncpg.Connection, *, window_hours: float) -> Reminded:
    """Remind every non-voter of every open round closing within the window, once per window.

    One transaction per round: the reminder claim (unique per round, voter and window) commits with
    its notifications, so a concurrent or repeated run skips what another already sent.
    """
    window = Decimal(str(window_hours))
    result = Reminded()
    for row in await event_store.rounds_to_remind(conn, window_hours=window):
        round_info = {"round_id": row["round_id"], "cluster_code": row["cluster_code"],
                      "cluster_name": row["cluster_name"], "year": row["year"], "award": row["award"],
                      "closes_at": row["closes_at"].isoformat()}
        async with conn.transaction():
            for code in row["to_remind"]:
                event_id = reminder_event_id(row["round_id"], code, window)
                if not await event_store.claim_reminder(conn, round_id=row["round_id"], voter_code=code,
                                                        window_hours=window, event_id=event_id):
                    continue
                event = {"id": str(event_id), "type": channels.REMINDER_EVENT_TYPE, "version": 1,
                         "occurred_at": datetime.now(timezone.utc).isoformat(), "producer": "notifications",
                         "aggregate_id": row["round_id"], "payload": round_info}
                done = await fan_out(
                    conn, event=event, event_type=channels.REMINDER_EVENT_TYPE, recipients=[routing.province(code)],
                    # Called within this iteration, so the loop variable is the right one.
                    render=lambda recipient, language: templates.render_reminder(
                        round=round_info, language=language, recipient=recipient))  # noqa: B023
                result.reminders += 1
                result.deliveries += done.deliveries
    return result
