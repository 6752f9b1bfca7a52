"""The in-app inbox: one notification per (event, recipient address)."""
from __future__ import annotations

import uuid
from typing import Any, Sequence

import asyncpg

NOTIFY_CHANNEL = "notifications_inbox"
_COLUMNS = "id, event_id, event_type, aggregate_id, recipient, language, subject, body, action, created_at, read_at"


async def insert_many(conn: asyncpg.Connection, *, event_id: uuid.UUID | str, event_type: str, aggregate_id: str | None,
                      rows: Sequence[dict[str, Any]]) -> list[asyncpg.Record]:
    """Insert one row per recipient of one event in one statement (see :func:`insert_batch`)."""
    return await insert_batch(conn, [{"event_id": event_id, "event_type": event_type, "aggregate_id": aggregate_id,
                                      **r} for r in rows])


async def insert_batch(conn: asyncpg.Connection, rows: Sequence[dict[str, Any]]) -> list[asyncpg.Record]:
    """Insert the rows (each naming its event, type, aggregate and recipient) of any number of events
    in one statement; a row already there (same event and recipient) is skipped. NOTIFY (delivered
    at commit) wakes the live streams of those addresses."""
    if not rows:
        return []
    inserted = await conn.fetch(
        """INSERT INTO notifications.notifications
                  (event_id, event_type, aggregate_id, recipient, language, subject, body, action)
           SELECT e, t, g, r, l, s, b, a
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[]) WITH ORDINALITY AS x (e, t, g, r, l, s, b, a, n)
            ORDER BY n
           ON CONFLICT (event_id, recipient) DO NOTHING
           RETURNING id, recipient""",
        [str(r["event_id"]) for r in rows], [r["event_type"] for r in rows], [r["aggregate_id"] for r in rows],
        [r["recipient"] for r in rows], [r["language"] for r in rows], [r["subject"] for r in rows],
        [r["body"] for r in rows], [r["action"] for r in rows])
    if inserted:
        # One NOTIFY per address; PostgreSQL folds identical ones within a transaction anyway.
        await conn.execute(f"SELECT pg_notify('{NOTIFY_CHANNEL}', a) FROM unnest($1::text[]) AS a",
                           sorted({r["recipient"] for r in inserted}))
    return inserted


async def page(conn: asyncpg.Connection, *, recipient: str | list[str], before: int | None, limit: int,
               unread_only: bool) -> list[asyncpg.Record]:
    """``recipient``: one address, or several read as one inbox (an office's and an account's own)."""
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM notifications.notifications
             WHERE recipient = ANY($1::text[]) AND ($2::bigint IS NULL OR id < $2) AND (NOT $4 OR read_at IS NULL)
             ORDER BY id DESC LIMIT $3""",
        _many(recipient), before, limit, unread_only)


async def after(conn: asyncpg.Connection, *, recipient: str | list[str], after_id: int,
                limit: int = 200) -> list[asyncpg.Record]:
    """Newer than ``after_id``, oldest first: what a live stream has not sent yet."""
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM notifications.notifications
             WHERE recipient = ANY($1::text[]) AND id > $2 ORDER BY id LIMIT $3""",
        _many(recipient), after_id, limit)


async def latest_id(conn: asyncpg.Connection, *, recipient: str | list[str]) -> int:
    return await conn.fetchval(
        "SELECT coalesce(max(id), 0) FROM notifications.notifications WHERE recipient = ANY($1::text[])",
        _many(recipient))


async def unread_count(conn: asyncpg.Connection, *, recipient: str | list[str]) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM notifications.notifications WHERE recipient = ANY($1::text[]) AND read_at IS NULL",
        _many(recipient))


async def mark_read(conn: asyncpg.Connection, *, recipient: str | list[str],
                    notification_id: int) -> asyncpg.Record | None:
    """Mark read (the first read time stays); None when the addresses have no such notification."""
    return await conn.fetchrow(
        f"""UPDATE notifications.notifications SET read_at = coalesce(read_at, now())
             WHERE id = $1 AND recipient = ANY($2::text[]) RETURNING {_COLUMNS}""",
        notification_id, _many(recipient))


async def for_event(conn: asyncpg.Connection, event_id: uuid.UUID | str) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"SELECT {_COLUMNS} FROM notifications.notifications WHERE event_id = $1 ORDER BY id", event_id)


def _many(recipient: str | list[str]) -> list[str]:
    return [recipient] if isinstance(recipient, str) else list(recipient)


def public(row: asyncpg.Record) -> dict[str, Any]:
    return {"id": row["id"], "event_id": str(row["event_id"]), "event_type": row["event_type"],
            "aggregate_id": row["aggregate_id"], "language": row["language"], "subject": row["subject"],
            "body": row["body"], "action": row["action"], "created_at": row["created_at"].isoformat(),
            "read": row["read_at"] is not None,
            "read_at": row["read_at"].isoformat() if row["read_at"] else None}
