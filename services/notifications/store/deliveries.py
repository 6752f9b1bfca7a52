"""Outbound e-mail and webhook deliveries, keyed (event, recipient, channel)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Sequence

import asyncpg

STATUSES = ("pending", "retrying", "delivered", "dead")
_COLUMNS = """id, event_id, event_type, recipient, channel, kind, target, secret, subscriber, language, message,
              status, attempts, round_attempts, last_error, last_attempt_at, next_attempt_at, delivered_at,
              created_at, updated_at"""


async def insert_many(conn: asyncpg.Connection, *, event_id: uuid.UUID | str, event_type: str,
                      rows: Sequence[dict[str, Any]]) -> list[str]:
    """Insert the deliveries of one event in one statement (see :func:`insert_batch`)."""
    return await insert_batch(conn, [{"event_id": event_id, "event_type": event_type, **r} for r in rows])


async def insert_batch(conn: asyncpg.Connection, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Insert the deliveries (each naming its event and type) of any number of events in one
    statement; keys already present are skipped, so only the ids of new rows come back (those are
    the ones to enqueue)."""
    if not rows:
        return []
    ids = await conn.fetch(
        """INSERT INTO notifications.deliveries
                  (event_id, event_type, recipient, channel, kind, target, secret, subscriber, language, message)
           SELECT e, et, r, c, k, t, s, sub, l, m::jsonb
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::text[], $10::text[]) WITH ORDINALITY AS x (e, et, r, c, k, t, s, sub, l, m, n)
            ORDER BY n
           ON CONFLICT ON CONSTRAINT deliveries_key DO NOTHING
           RETURNING id""",
        [str(r["event_id"]) for r in rows], [r["event_type"] for r in rows],
        [r["recipient"] for r in rows], [r["channel"] for r in rows], [r["kind"] for r in rows],
        [r["target"] for r in rows], [r["secret"] for r in rows], [r["subscriber"] for r in rows],
        [r["language"] for r in rows],
        [json.dumps(r["message"], ensure_ascii=False, default=str) for r in rows])
    return [str(r["id"]) for r in ids]


async def lock(conn: asyncpg.Connection, delivery_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {_COLUMNS}, now() AS db_now FROM notifications.deliveries WHERE id = $1 FOR UPDATE", delivery_id)


async def get(conn: asyncpg.Connection, delivery_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM notifications.deliveries WHERE id = $1", delivery_id)


async def start_attempt(conn: asyncpg.Connection, delivery_id: str) -> asyncpg.Record:
    """Count the attempt before making it, in its own commit: a worker killed mid-send still
    leaves the attempt counted, so a delivery that crashes workers cannot loop forever."""
    return await conn.fetchrow(
        """UPDATE notifications.deliveries
              SET attempts = attempts + 1, round_attempts = round_attempts + 1, last_attempt_at = now(),
                  updated_at = now()
            WHERE id = $1 RETURNING attempts, round_attempts, last_attempt_at""",
        delivery_id)


async def finish_attempt(conn: asyncpg.Connection, *, delivery_id: str, number: int, started_at: datetime,
                         outcome: str, http_status: int | None, error: str | None, status: str,
                         retry_in: float | None) -> bool:
    """Record the attempt's outcome; the status guard makes "delivered" happen exactly once."""
    await conn.execute(
        """INSERT INTO notifications.delivery_attempts (delivery_id, number, started_at, outcome, http_status, error)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        delivery_id, number, started_at, outcome, http_status, error)
    updated = await conn.fetchval(
        """UPDATE notifications.deliveries
              SET status = $2, last_error = CASE WHEN $2 = 'delivered' THEN last_error ELSE $3 END,
                  delivered_at = CASE WHEN $2 = 'delivered' THEN now() END,
                  next_attempt_at = CASE WHEN $4::float8 IS NULL THEN next_attempt_at
                                         ELSE now() + $4::float8 * interval '1 second' END,
                  updated_at = now()
            WHERE id = $1 AND status IN ('pending', 'retrying') RETURNING true""",
        delivery_id, status, error, retry_in)
    return updated is not None


async def give_up(conn: asyncpg.Connection, delivery_id: str, *, error: str) -> None:
    await conn.execute(
        """UPDATE notifications.deliveries SET status = 'dead', last_error = $2, updated_at = now()
            WHERE id = $1 AND status IN ('pending', 'retrying')""",
        delivery_id, error)


async def retry_dead(conn: asyncpg.Connection, delivery_id: str) -> asyncpg.Record | None:
    """dead → pending with a fresh attempt budget (``attempts`` keeps the whole history)."""
    return await conn.fetchrow(
        f"""UPDATE notifications.deliveries
               SET status = 'pending', round_attempts = 0, next_attempt_at = now(), updated_at = now()
             WHERE id = $1 AND status = 'dead' RETURNING {_COLUMNS}""",
        delivery_id)


async def due(conn: asyncpg.Connection, *, overdue_seconds: float, limit: int) -> list[str]:
    """Deliveries that should have been attempted ``overdue_seconds`` ago: their message was lost."""
    rows = await conn.fetch(
        """SELECT id FROM notifications.deliveries
            WHERE status IN ('pending', 'retrying')
              AND next_attempt_at < now() - $1::float8 * interval '1 second'
            ORDER BY next_attempt_at LIMIT $2""",
        overdue_seconds, limit)
    return [str(r["id"]) for r in rows]


async def pending_for_event(conn: asyncpg.Connection, event_id: uuid.UUID | str) -> list[str]:
    return await pending_for_events(conn, [event_id])


async def pending_for_events(conn: asyncpg.Connection, event_ids: Sequence[uuid.UUID | str]) -> list[str]:
    if not event_ids:
        return []
    rows = await conn.fetch(
        """SELECT id FROM notifications.deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'pending'
            ORDER BY event_id, id""", [str(e) for e in event_ids])
    return [str(r["id"]) for r in rows]


async def page(conn: asyncpg.Connection, *, status: str | None, after: tuple[datetime, str] | None,
               limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM notifications.deliveries
             WHERE ($1::text IS NULL OR status = $1)
               AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
             ORDER BY created_at DESC, id DESC LIMIT $4""",
        status, after[0] if after else None, after[1] if after else None, limit)


async def attempts(conn: asyncpg.Connection, delivery_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT number, started_at, finished_at, outcome, http_status, error
             FROM notifications.delivery_attempts WHERE delivery_id = $1 ORDER BY number""", delivery_id)


def public(row: asyncpg.Record) -> dict[str, Any]:
    """What operators see: never the webhook secret."""
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"id": str(row["id"]), "event_id": str(row["event_id"]), "event_type": row["event_type"],
            "recipient": row["recipient"], "channel": row["channel"], "kind": row["kind"], "target": row["target"],
            "status": row["status"], "attempts": row["attempts"], "last_error": row["last_error"],
            "last_attempt_at": iso(row["last_attempt_at"]),
            "next_attempt_at": iso(row["next_attempt_at"]) if row["status"] in ("pending", "retrying") else None,
            "delivered_at": iso(row["delivered_at"]), "created_at": iso(row["created_at"])}
