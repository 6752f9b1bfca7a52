"""Units' registrations (đăng ký thi đua) and their reports per phase (sơ kết, tổng kết)."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

COLUMNS = ("r.movement_id, r.unit_code, u.unit_name, u.unit_kind, u.parent_code, r.state, r.targets, r.titles, "
           "r.note, r.registered_by, r.registered_at, r.updated_at")
FROM = ("nominations.movement_registrations r JOIN nominations.movement_units u "
        "ON u.movement_id = r.movement_id AND u.unit_code = r.unit_code")


async def upsert(conn: asyncpg.Connection, movement_id: uuid.UUID, unit_code: str, *, targets: list[dict[str, Any]],
                 titles: list[dict[str, Any]], note: str | None, by: str) -> tuple[asyncpg.Record, bool]:
    """(the registration, whether it is new). A withdrawn registration registers again."""
    row = await conn.fetchrow(
        """INSERT INTO nominations.movement_registrations (movement_id, unit_code, targets, titles, note,
                                                          registered_by)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (movement_id, unit_code) DO UPDATE
              SET targets = EXCLUDED.targets, titles = EXCLUDED.titles, note = EXCLUDED.note,
                  state = 'registered', registered_by = EXCLUDED.registered_by, updated_at = now()
           RETURNING (xmax = 0) AS created""", movement_id, unit_code, targets, titles, note, by)
    return await get(conn, movement_id, unit_code), bool(row["created"])


async def get(conn: asyncpg.Connection, movement_id: uuid.UUID, unit_code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM {FROM} WHERE r.movement_id = $1 AND r.unit_code = $2",
                               movement_id, unit_code)


async def withdraw(conn: asyncpg.Connection, movement_id: uuid.UUID, unit_code: str) -> None:
    await conn.execute("UPDATE nominations.movement_registrations SET state = 'withdrawn', updated_at = now() "
                       "WHERE movement_id = $1 AND unit_code = $2", movement_id, unit_code)


async def listing(conn: asyncpg.Connection, movement_id: uuid.UUID, *, parent: str | None, after: str | None,
                  limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {COLUMNS} FROM {FROM}
             WHERE r.movement_id = $1 AND ($2::text IS NULL OR r.unit_code = $2 OR u.parent_code = $2)
               AND ($3::text IS NULL OR r.unit_code > $3)
             ORDER BY r.unit_code LIMIT $4""", movement_id, parent, after, limit)


async def unregistered(conn: asyncpg.Connection, movement_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch(
        """SELECT u.unit_code FROM nominations.movement_units u
            WHERE u.movement_id = $1 AND NOT EXISTS (
                  SELECT 1 FROM nominations.movement_registrations r
                   WHERE r.movement_id = u.movement_id AND r.unit_code = u.unit_code AND r.state = 'registered')
            ORDER BY u.unit_code""", movement_id)
    return [r["unit_code"] for r in rows]


# ---------------------------------------------------------------- reports

REPORT_COLUMNS = "movement_id, unit_code, phase_number, results, summary, submitted_by, submitted_at"


async def put_report(conn: asyncpg.Connection, movement_id: uuid.UUID, unit_code: str, phase_number: int, *,
                     results: list[dict[str, Any]], summary: str, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.movement_reports (movement_id, unit_code, phase_number, results, summary,
                                                     submitted_by)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (movement_id, phase_number, unit_code) DO UPDATE
               SET results = EXCLUDED.results, summary = EXCLUDED.summary, submitted_by = EXCLUDED.submitted_by,
                   submitted_at = now()
            RETURNING {REPORT_COLUMNS}""", movement_id, unit_code, phase_number, results, summary, by)


async def reports(conn: asyncpg.Connection, movement_id: uuid.UUID, *, phase_number: int | None,
                  parent: str | None) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {', '.join('r.' + c.strip() for c in REPORT_COLUMNS.split(','))}, u.unit_name
              FROM nominations.movement_reports r JOIN nominations.movement_units u
                ON u.movement_id = r.movement_id AND u.unit_code = r.unit_code
             WHERE r.movement_id = $1 AND ($2::int IS NULL OR r.phase_number = $2)
               AND ($3::text IS NULL OR r.unit_code = $3 OR u.parent_code = $3)
             ORDER BY r.phase_number, r.unit_code""", movement_id, phase_number, parent)
