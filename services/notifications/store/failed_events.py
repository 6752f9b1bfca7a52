"""Events ``handle_event`` could not process (a bug or an unprocessable envelope), kept for replay."""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Sequence

import asyncpg

# Names the failure of an envelope that carries no valid event id (derived from its content, so a
# redelivery of the same bad envelope finds the same row).
MALFORMED_NAMESPACE = uuid.UUID("1d6f2a4c-8e3b-5c7d-a9f1-2b4e6c8d0a13")
STATUSES = ("failed", "replayed", "resolved")
_COLUMNS = """id, event_type, producer, envelope, error, traceback, status, failures, replays, first_failed_at,
              last_failed_at, replayed_at, resolved_at"""


def _clean(value: Any, limit: int) -> str | None:
    """Text PostgreSQL accepts (no NUL), bounded."""
    if value is None:
        return None
    return str(value).replace("\x00", "\\x00")[:limit]


def failure_id(envelope: Any) -> uuid.UUID:
    """The event id of the envelope, or a UUID derived from its content when it has no valid one."""
    if isinstance(envelope, dict):
        try:
            return uuid.UUID(str(envelope.get("id")))
        except ValueError:
            pass
    canonical = json.dumps(envelope, sort_keys=True, ensure_ascii=False, default=str)
    return uuid.uuid5(MALFORMED_NAMESPACE, canonical)


async def record(conn: asyncpg.Connection, *, envelope: Any, error: str, traceback: str | None) -> asyncpg.Record:
    """Record (or count again) the failure of one envelope; it is ``failed`` until replayed."""
    fields = envelope if isinstance(envelope, dict) else {}
    return await conn.fetchrow(
        f"""INSERT INTO notifications.failed_events AS f (id, event_type, producer, envelope, error, traceback)
            VALUES ($1, $2, $3, $4::text::json, $5, $6)
            ON CONFLICT (id) DO UPDATE
               SET envelope = EXCLUDED.envelope, error = EXCLUDED.error, traceback = EXCLUDED.traceback,
                   status = 'failed', failures = f.failures + 1, last_failed_at = now(), resolved_at = NULL
            RETURNING {_COLUMNS}""",
        failure_id(envelope), _clean(fields.get("type"), 200), _clean(fields.get("producer"), 200),
        # json.dumps escapes control characters (\u0000 included), which the json type keeps as is.
        json.dumps(envelope, ensure_ascii=False, default=str), _clean(error, 2000), _clean(traceback, 20000))


async def resolve(conn: asyncpg.Connection, event_id: uuid.UUID | str) -> None:
    """The event was processed (in the caller's transaction): a failure recorded for it is resolved."""
    await resolve_many(conn, [event_id])


async def resolve_many(conn: asyncpg.Connection, event_ids: Sequence[uuid.UUID | str]) -> None:
    """:func:`resolve` for every event of a batch, in one statement."""
    if event_ids:
        await conn.execute(
            """UPDATE notifications.failed_events SET status = 'resolved', resolved_at = now()
                WHERE id = ANY($1::uuid[]) AND status <> 'resolved'""", [str(e) for e in event_ids])


async def mark_replayed(conn: asyncpg.Connection, failure_id: uuid.UUID) -> asyncpg.Record | None:
    """failed or replayed → replayed (counted); None when there is no such row or it is resolved."""
    return await conn.fetchrow(
        f"""UPDATE notifications.failed_events
               SET status = 'replayed', replays = replays + 1, replayed_at = now()
             WHERE id = $1 AND status <> 'resolved' RETURNING {_COLUMNS}""", failure_id)


async def get(conn: asyncpg.Connection, failure_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM notifications.failed_events WHERE id = $1", failure_id)


async def page(conn: asyncpg.Connection, *, status: str | None, after: tuple[datetime, uuid.UUID] | None,
               limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM notifications.failed_events
             WHERE ($1::text IS NULL OR status = $1)
               AND ($2::timestamptz IS NULL OR (last_failed_at, id) < ($2, $3::uuid))
             ORDER BY last_failed_at DESC, id DESC LIMIT $4""",
        status, after[0] if after else None, after[1] if after else None, limit)


def public(row: asyncpg.Record, *, traceback: bool = False) -> dict[str, Any]:
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    out = {"id": str(row["id"]), "event_type": row["event_type"], "producer": row["producer"],
           "status": row["status"], "failures": row["failures"], "replays": row["replays"], "error": row["error"],
           "envelope": row["envelope"], "first_failed_at": iso(row["first_failed_at"]),
           "last_failed_at": iso(row["last_failed_at"]), "replayed_at": iso(row["replayed_at"]),
           "resolved_at": iso(row["resolved_at"])}
    if traceback:
        out["traceback"] = row["traceback"]
    return out
