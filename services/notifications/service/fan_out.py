"""Fan-out: inbox rows and delivery rows for every recipient of some events, rendered once per
recipient and language, in a fixed number of statements."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import asyncpg

from services.notifications.domain import channels, templates
from services.notifications.store import deliveries as delivery_store
from services.notifications.store import inbox as inbox_store
from services.notifications.store import subscriptions as subscription_store

Render = Callable[[str, str], templates.Message]


@dataclass
class FanOut:
    notifications: int = 0
    deliveries: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Audience:
    """One event's part of a fan-out: its recipients and how to render its message for each."""

    event: Mapping[str, Any]
    event_type: str
    recipients: list[str]
    render: Render


async def fan_out(conn: asyncpg.Connection, *, event: Mapping[str, Any], event_type: str, recipients: list[str],
                  render: Render) -> FanOut:
    """Inbox rows and delivery rows for every recipient of one event, two bulk inserts in all."""
    return await fan_out_many(conn, [Audience(event, event_type, recipients, render)])


async def fan_out_many(conn: asyncpg.Connection, audiences: Sequence[Audience]) -> FanOut:
    """Inbox rows and delivery rows for every recipient of every event: one subscription lookup and
    two bulk inserts in all, however many events and recipients."""
    recipients = sorted({recipient for a in audiences for recipient in a.recipients})
    personal = [r[len(channels.ACCOUNT_PREFIX):] for r in recipients if r.startswith(channels.ACCOUNT_PREFIX)]
    subscriptions = await subscription_store.for_addresses(
        conn, [r for r in recipients if not r.startswith(channels.ACCOUNT_PREFIX)], personal)
    inbox_rows: list[dict[str, Any]] = []
    delivery_rows: list[dict[str, Any]] = []
    for audience in audiences:
        event, event_type = audience.event, audience.event_type
        rendered: dict[tuple[str, str], templates.Message] = {}
        for recipient in audience.recipients:
            for target in channels.targets_for(recipient, subscriptions, event_type):
                key = (recipient, target.language)
                if key not in rendered:
                    rendered[key] = audience.render(recipient, target.language)
                message = rendered[key]
                if target.kind == channels.INBOX:
                    inbox_rows.append({"event_id": event["id"], "event_type": event_type,
                                       "aggregate_id": event.get("aggregate_id"), "recipient": recipient,
                                       "language": message.language, "subject": message.subject,
                                       "body": message.body, "action": message.action})
                else:
                    delivery_rows.append({
                        "event_id": event["id"], "event_type": event_type,
                        "recipient": recipient, "channel": target.channel, "kind": target.kind,
                        "target": target.target, "secret": target.secret, "subscriber": target.subscriber,
                        "language": message.language,
                        "message": {"subject": message.subject, "body": message.body, "action": message.action,
                                    "language": message.language, "event": dict(event)},
                    })
    inserted = await inbox_store.insert_batch(conn, inbox_rows)
    ids = await delivery_store.insert_batch(conn, delivery_rows)
    return FanOut(notifications=len(inserted), deliveries=ids)
