"""Consumed events and the vote rounds they describe (for reminders)."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Mapping, Sequence

import asyncpg


async def mark_processed(conn: asyncpg.Connection, *, event_id: uuid.UUID | str, type: str, producer: str,
                         occurred_at: datetime) -> bool:
    """Record a consumed event; False when it was already recorded (a redelivery).

    A repeat waits here for the first consumer's transaction to end (primary key), then counts
    itself in ``repeats`` and stops: effects happen once, and operators can see redeliveries.
    """
    inserted = await conn.fetchval(
        """INSERT INTO notifications.processed_events (event_id, type, producer, occurred_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (event_id) DO UPDATE SET repeats = notifications.processed_events.repeats + 1
           RETURNING xmax = 0""",
        event_id, type, producer, occurred_at)
    return bool(inserted)


async def mark_processed_many(conn: asyncpg.Connection, events: Sequence[Mapping[str, Any]]) -> set[str]:
    """Record a batch of consumed events (``id``, ``type``, ``producer``, ``occurred_at``; ids
    distinct) in one statement; returns the ids recorded now, the others being redeliveries.

    As :func:`mark_processed`: a repeat waits for the transaction that recorded it first and counts
    itself. Rows are taken in id order, so two overlapping batches lock in the same order (no
    deadlock between them).
    """
    if not events:
        return set()
    rows = await conn.fetch(
        """INSERT INTO notifications.processed_events AS p (event_id, type, producer, occurred_at)
           SELECT i, t, pr, o FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS x (i, t, pr, o)
            ORDER BY i
           ON CONFLICT (event_id) DO UPDATE SET repeats = p.repeats + 1
           RETURNING event_id, xmax = 0 AS first""",
        [str(e["id"]) for e in events], [e["type"] for e in events], [e["producer"] for e in events],
        [e["occurred_at"] for e in events])
    return {str(r["event_id"]) for r in rows if r["first"]}


async def set_recipient_counts(conn: asyncpg.Connection, counts: Mapping[str, int]) -> None:
    """:func:`set_recipient_count` for a batch, in one statement."""
    if counts:
        await conn.execute(
            """UPDATE notifications.processed_events p SET recipients = x.n
                 FROM unnest($1::uuid[], $2::int[]) AS x (i, n) WHERE p.event_id = x.i""",
            list(counts), list(counts.values()))


async def set_recipient_count(conn: asyncpg.Connection, *, event_id: uuid.UUID | str, recipients: int) -> None:
    await conn.execute("UPDATE notifications.processed_events SET recipients = $2 WHERE event_id = $1",
                       event_id, recipients)


# ---------------------------------------------------------------- rounds (reminders)

def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _codes(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        code = item.get("code") if isinstance(item, Mapping) else item
        if isinstance(code, (str, int)) and not isinstance(code, bool) and str(code).strip():
            out.append(str(code).strip())
    return list(dict.fromkeys(out))


def _year(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


async def open_round(conn: asyncpg.Connection, *, round_id: str, payload: Mapping[str, Any]) -> None:
    """A round is open (``round.opened``, or the runoff of ``round.runoff_created``).

    A ``closed`` seen earlier (events may be consumed out of order) keeps the round closed.
    """
    await conn.execute(
        """INSERT INTO notifications.rounds AS r
                  (round_id, cluster_code, cluster_name, year, award, closes_at, electorate, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')
           ON CONFLICT (round_id) DO UPDATE
              SET cluster_code = coalesce(EXCLUDED.cluster_code, r.cluster_code),
                  cluster_name = coalesce(EXCLUDED.cluster_name, r.cluster_name),
                  year = coalesce(EXCLUDED.year, r.year), award = coalesce(EXCLUDED.award, r.award),
                  closes_at = coalesce(EXCLUDED.closes_at, r.closes_at),
                  electorate = CASE WHEN cardinality(EXCLUDED.electorate) > 0 THEN EXCLUDED.electorate
                                    ELSE r.electorate END,
                  updated_at = now()""",
        round_id, payload.get("cluster_code"), payload.get("cluster_name"), _year(payload.get("year")),
        payload.get("award"), _when(payload.get("closes_at")), _codes(payload.get("electorate")))


async def close_round(conn: asyncpg.Connection, *, round_id: str) -> None:
    await conn.execute(
        """INSERT INTO notifications.rounds AS r (round_id, status) VALUES ($1, 'closed')
           ON CONFLICT (round_id) DO UPDATE SET status = 'closed', updated_at = now()""",
        round_id)


async def record_voter(conn: asyncpg.Connection, *, round_id: str, voter_code: str, voted_at: datetime) -> None:
    """Who voted (never how): from ``ballot_cast``."""
    await conn.execute(
        """INSERT INTO notifications.round_voters (round_id, voter_code, voted_at) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING""",
        round_id, voter_code, voted_at)


async def record_voters(conn: asyncpg.Connection, voters: Sequence[tuple[str, str, datetime]]) -> None:
    """:func:`record_voter` for a batch of (round, voter, voted at), in one statement."""
    if voters:
        await conn.execute(
            """INSERT INTO notifications.round_voters (round_id, voter_code, voted_at)
               SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING""",
            [v[0] for v in voters], [v[1] for v in voters], [v[2] for v in voters])


async def rounds_to_remind(conn: asyncpg.Connection, *, window_hours: Decimal) -> list[asyncpg.Record]:
    """Open rounds closing within the window (and not past), with the electorate members who have
    neither voted nor been reminded for this window."""
    return await conn.fetch(
        """SELECT r.round_id, r.cluster_code, r.cluster_name, r.year, r.award, r.closes_at,
                  ARRAY(SELECT code FROM unnest(r.electorate) WITH ORDINALITY AS e (code, n)
                         WHERE NOT EXISTS (SELECT 1 FROM notifications.round_voters v
                                            WHERE v.round_id = r.round_id AND v.voter_code = e.code)
                           AND NOT EXISTS (SELECT 1 FROM notifications.reminders m
                                            WHERE m.round_id = r.round_id AND m.voter_code = e.code
                                              AND m.window_hours = $1::numeric)
                         ORDER BY n) AS to_remind
             FROM notifications.rounds r
            WHERE r.status = 'open' AND r.closes_at > now()
              AND r.closes_at <= now() + ($1::numeric)::float8 * interval '1 hour'
            ORDER BY r.closes_at, r.round_id""",
        window_hours)


async def claim_reminder(conn: asyncpg.Connection, *, round_id: str, voter_code: str, window_hours: Decimal,
                         event_id: uuid.UUID | str) -> bool:
    """Take the (round, voter, window) reminder; False when it was already sent."""
    return await conn.fetchval(
        """INSERT INTO notifications.reminders (round_id, voter_code, window_hours, event_id)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""",
        round_id, voter_code, window_hours, event_id) is not None
