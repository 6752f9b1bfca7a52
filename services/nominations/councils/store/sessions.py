"""A council session, the nominees it votes on, and its attendance."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

COLUMNS = ("id, council_id, organiser, year, held_on, place, title, members_total, quorum_numerator, "
           "quorum_denominator, quotas, state, created_by, created_at, opened_at, closed_at, result")
NOMINEE_COLUMNS = ("session_id, nominee_id, place, form_code, form_name, kind, name, position, unit, province_code, "
                   "province_name, cluster_code, threshold_numerator, threshold_denominator, threshold_basis")


async def insert(conn: asyncpg.Connection, *, council_id: uuid.UUID, organiser: str, values: dict[str, Any],
                 members_total: int, quorum: tuple[int, int], created_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.council_sessions (council_id, organiser, year, held_on, place, title,
                members_total, quorum_numerator, quorum_denominator, quotas, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {COLUMNS}""",
        council_id, organiser, values["year"], values["held_on"], values["place"], values["title"], members_total,
        quorum[0], quorum[1], values["quotas"], created_by)


async def add_nominees(conn: asyncpg.Connection, session_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    await conn.executemany(
        """INSERT INTO nominations.council_session_nominees (session_id, nominee_id, place, form_code, form_name,
                kind, name, position, unit, province_code, province_name, cluster_code, threshold_numerator,
                threshold_denominator, threshold_basis)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""",
        [(session_id, r["nominee_id"], i, r["form_code"], r["form_name"], r["kind"], r["name"], r["position"],
          r["unit"], r["province_code"], r["province_name"], r["cluster_code"], r["threshold_numerator"],
          r["threshold_denominator"], r["threshold_basis"]) for i, r in enumerate(rows)])


async def nominees_elsewhere(conn: asyncpg.Connection, nominee_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Which of these nominees are already put to a council session."""
    return [r["nominee_id"] for r in await conn.fetch(
        "SELECT nominee_id FROM nominations.council_session_nominees WHERE nominee_id = ANY($1::uuid[])",
        nominee_ids)]


async def get(conn: asyncpg.Connection, session_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.council_sessions WHERE id = $1"
                               + (" FOR UPDATE" if lock else ""), session_id)


async def of_council(conn: asyncpg.Connection, council_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM nominations.council_sessions WHERE council_id = $1 "
                            "ORDER BY created_at DESC, id DESC LIMIT 200", council_id)


async def nominees(conn: asyncpg.Connection, session_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {NOMINEE_COLUMNS} FROM nominations.council_session_nominees "
                            "WHERE session_id = $1 ORDER BY place", session_id)


async def move(conn: asyncpg.Connection, session_id: uuid.UUID, *, state: str,
               result: dict[str, Any] | None = None) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.council_sessions
               SET state = $2,
                   opened_at = CASE WHEN $2 = 'open' THEN now() ELSE opened_at END,
                   closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END,
                   result = coalesce($3::jsonb, result)
             WHERE id = $1 RETURNING {COLUMNS}""", session_id, state, result)


async def check_in(conn: asyncpg.Connection, *, session_id: uuid.UUID, member_id: uuid.UUID, by: str,
                   method: str) -> bool:
    """False when the member had checked in already (the first record stands)."""
    return bool(await conn.fetchval(
        """INSERT INTO nominations.council_attendance (session_id, member_id, checked_in_by, method)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""", session_id, member_id, by, method))


async def attendance(conn: asyncpg.Connection, session_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT member_id, checked_in_at, method FROM nominations.council_attendance "
                            "WHERE session_id = $1", session_id)


async def deciding(conn: asyncpg.Connection, nominee_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    """The closed sessions that decided any of these nominees, oldest first."""
    return await conn.fetch(
        f"""SELECT {COLUMNS} FROM nominations.council_sessions s
             WHERE s.state = 'closed' AND EXISTS (SELECT 1 FROM nominations.council_session_nominees c
                                                   WHERE c.session_id = s.id AND c.nominee_id = ANY($1::uuid[]))
             ORDER BY s.closed_at, s.id""", nominee_ids)
