from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg


async def insert(conn: asyncpg.Connection, *, code: str, name: str, organizer: str, kind: str) -> asyncpg.Record:
    return await conn.fetchrow(
        """INSERT INTO registry.clusters (code, name, organizer, kind) VALUES ($1, $2, $3, $4)
           RETURNING code, name, organizer, kind, created_at""",
        code, name, organizer, kind)


async def get(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT code, name, organizer, kind, created_at FROM registry.clusters WHERE code = $1", code)


async def years(conn: asyncpg.Connection, code: str) -> list[int]:
    rows = await conn.fetch("SELECT year FROM registry.cluster_periods WHERE cluster_code = $1 ORDER BY year", code)
    return [r["year"] for r in rows]


async def page(conn: asyncpg.Connection, *, after: str | None, limit: int, year: int | None) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT c.code, c.name, c.organizer, c.kind, c.created_at FROM registry.clusters c
            WHERE ($1::text IS NULL OR c.code > $1)
              AND ($3::int IS NULL OR EXISTS (SELECT 1 FROM registry.cluster_periods p
                                               WHERE p.cluster_code = c.code AND p.year = $3))
            ORDER BY c.code LIMIT $2""",
        after, limit, year)


# ---------------------------------------------------------------- periods

async def lock_period(conn: asyncpg.Connection, *, cluster: str, year: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT cluster_code, year, reference_date, copied_from, updated_at FROM registry.cluster_periods
            WHERE cluster_code = $1 AND year = $2 FOR UPDATE""", cluster, year)


async def get_period(conn: asyncpg.Connection, *, cluster: str, year: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT cluster_code, year, reference_date, copied_from, updated_at FROM registry.cluster_periods
            WHERE cluster_code = $1 AND year = $2""", cluster, year)


async def save_period(conn: asyncpg.Connection, *, cluster: str, year: int, reference_date: date,
                      copied_from: int | None, rotation_order: list[int]) -> None:
    """Replace the period's member list; position in ``rotation_order`` is the rotation position."""
    await conn.execute(
        """INSERT INTO registry.cluster_periods (cluster_code, year, reference_date, copied_from)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (cluster_code, year) DO UPDATE
              SET reference_date = EXCLUDED.reference_date, copied_from = EXCLUDED.copied_from, updated_at = now()""",
        cluster, year, reference_date, copied_from)
    await conn.execute("DELETE FROM registry.period_members WHERE cluster_code = $1 AND year = $2", cluster, year)
    await conn.execute(
        """INSERT INTO registry.period_members (cluster_code, year, province_id, rotation_position)
           SELECT $1, $2, m.id, m.pos FROM unnest($3::int[]) WITH ORDINALITY AS m(id, pos)""",
        cluster, year, rotation_order)


async def members(conn: asyncpg.Connection, *, cluster: str, year: int) -> list[asyncpg.Record]:
    """Members in rotation order, with the unit's identity."""
    return await conn.fetch(
        """SELECT m.province_id AS id, p.code, p.name, p.valid_from, p.valid_to, m.rotation_position
             FROM registry.period_members m JOIN registry.provinces p ON p.id = m.province_id
            WHERE m.cluster_code = $1 AND m.year = $2 ORDER BY m.rotation_position""",
        cluster, year)


# ---------------------------------------------------------------- leadership

_LEADERSHIP = """SELECT l.year, l.method, l.decided_by, l.decided_at, l.lead_id, l.deputy_id,
                        lp.code AS lead_code, lp.name AS lead_name, dp.code AS deputy_code, dp.name AS deputy_name
                   FROM registry.leaderships l
                   JOIN registry.provinces lp ON lp.id = l.lead_id
                   JOIN registry.provinces dp ON dp.id = l.deputy_id"""


async def leadership(conn: asyncpg.Connection, *, cluster: str, year: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_LEADERSHIP} WHERE l.cluster_code = $1 AND l.year = $2", cluster, year)


async def leadership_history(conn: asyncpg.Connection, *, cluster: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"{_LEADERSHIP} WHERE l.cluster_code = $1 ORDER BY l.year", cluster)


async def insert_leadership(conn: asyncpg.Connection, *, cluster: str, year: int, lead_id: int, deputy_id: int,
                            method: str, decided_by: str) -> None:
    await conn.execute(
        """INSERT INTO registry.leaderships (cluster_code, year, lead_id, deputy_id, method, decided_by)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        cluster, year, lead_id, deputy_id, method, decided_by)


def public_leadership(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "year": row["year"],
        "lead": {"code": row["lead_code"], "name": row["lead_name"]},
        "deputy": {"code": row["deputy_code"], "name": row["deputy_name"]},
        "method": row["method"],
        "decided_by": row["decided_by"],
        "decided_at": row["decided_at"],
    }
