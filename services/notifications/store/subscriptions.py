"""Subscriptions: one per account (token subject), applying to the account's address."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Iterable

import asyncpg

from services.notifications.domain.channels import Subscription

_COLUMNS = "subject, address, channels, events, language, created_at, updated_at"


async def get(conn: asyncpg.Connection, subject: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM notifications.subscriptions WHERE subject = $1", subject)


async def put(conn: asyncpg.Connection, *, subject: str, address: str, channels: list[dict[str, Any]],
              events: list[str], language: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO notifications.subscriptions (subject, address, channels, events, language)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (subject) DO UPDATE
               SET address = EXCLUDED.address, channels = EXCLUDED.channels, events = EXCLUDED.events,
                   language = EXCLUDED.language, updated_at = clock_timestamp()
            RETURNING {_COLUMNS}""",
        subject, address, channels, events, language)


async def delete(conn: asyncpg.Connection, subject: str) -> bool:
    return await conn.fetchval(
        "DELETE FROM notifications.subscriptions WHERE subject = $1 RETURNING true", subject) is not None


async def for_addresses(conn: asyncpg.Connection, addresses: Iterable[str],
                        subjects: Iterable[str] = ()) -> list[Subscription]:
    """The subscriptions applying to ``addresses``, and those of the accounts ``subjects`` (their
    personal addresses)."""
    rows = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM notifications.subscriptions
             WHERE address = ANY($1::text[]) OR subject = ANY($2::text[])""", list(addresses), list(subjects))
    return [Subscription(subject=r["subject"], address=r["address"], channels=r["channels"], events=list(r["events"]),
                         language=r["language"], updated_at=r["updated_at"]) for r in rows]


async def seal_clear_secrets(conn: asyncpg.Connection, seal: Callable[[str], str]) -> int:
    """Encrypt webhook secrets stored before encryption at rest (subscriptions and waiting
    deliveries); returns how many rows changed. Idempotent: sealed secrets are left alone."""
    changed = 0
    for row in await conn.fetch("SELECT subject, channels FROM notifications.subscriptions FOR UPDATE"):
        channels = row["channels"]  # a list: the pool decodes jsonb
        clear = [c for c in channels if c.get("type") == "webhook" and c.get("secret")
                 and not str(c["secret"]).startswith("enc:v1:")]
        if clear:
            for c in clear:
                c["secret"] = seal(c["secret"])
            await conn.execute("UPDATE notifications.subscriptions SET channels = $2 WHERE subject = $1",
                               row["subject"], channels)
            changed += 1
    for row in await conn.fetch("""SELECT id, secret FROM notifications.deliveries
                                    WHERE kind = 'webhook' AND secret NOT LIKE 'enc:v1:%' FOR UPDATE"""):
        await conn.execute("UPDATE notifications.deliveries SET secret = $2 WHERE id = $1", row["id"],
                           seal(row["secret"]))
        changed += 1
    return changed
