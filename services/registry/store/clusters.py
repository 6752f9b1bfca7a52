from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg


async def insert(conn: asyncpg.Connection, *, code: str, name: str, organizer: str, kind: str,
                 allow_shared_members: bool = False, organiser: str = "BNV") -> asyncpg.Record:
    return await conn.fetchrow(
        """INSERT INTO registry.clusters (code, name, organizer, kind, allow_shared_members, organiser_code)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING code, name, organizer, organiser_code, kind, allow_shared_members, created_at, updated_at""",
        code, name, organizer, kind, allow_shared_members, organiser)


async def get(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT code, name, organizer, organiser_code, kind, allow_shared_members, created_at, updated_at
             FROM registry.clusters WHERE code = $1""", code)


async def years(conn: asyncpg.Connection, code: str) -> list[int]:
    rows = await conn.fetch("SELECT year FROM registry.cluster_periods WHERE cluster_code = $1 ORDER BY year", code)
    return [r["year"] for r in rows]


async def page(conn: asyncpg.Connection, *, after: str | None, limit: int, year: int | None,
               today: date, organiser: str | None = None) -> list[asyncpg.Record]:
    """Clusters by code; with ``year``, only those with a period that year, with its lead, deputy
    and member count (one statement, so the ministry's year view is one call)."""
    if year is None:
        return await conn.fetch(
            """SELECT c.code, c.name, c.organizer, c.organiser_code, c.kind, c.allow_shared_members, c.created_at, c.updated_at
                 FROM registry.clusters c
                WHERE ($1::text IS NULL OR c.code > $1) AND ($3::text IS NULL OR c.organiser_code = $3)
                ORDER BY c.code LIMIT $2""",
            after, limit, organiser)
    return await conn.fetch(
        """SELECT c.code, c.name, c.organizer, c.organiser_code, c.kind, c.allow_shared_members, c.created_at, c.updated_at,
                  (SELECT count(*) FROM registry.period_members m
                    WHERE m.cluster_code = c.code AND m.year = p.year
                      AND (m.joined_on IS NULL OR m.joined_on <= d.day)
                      AND (m.left_on IS NULL OR d.day < m.left_on)) AS member_count,
                  l.method AS leadership_method, lp.code AS lead_code, lp.name AS lead_name,
                  dp.code AS deputy_code, dp.name AS deputy_name
             FROM registry.clusters c
             JOIN registry.cluster_periods p ON p.cluster_code = c.code AND p.year = $3
             -- membership on today's date, or on the year's first or last day for another year
             CROSS JOIN LATERAL (SELECT least(greatest($4::date, make_date($3, 1, 1)), make_date($3, 12, 31)) AS day) d
             LEFT JOIN registry.leaderships l ON l.cluster_code = c.code AND l.year = p.year
             LEFT JOIN registry.units lp ON lp.id = l.lead_id
             LEFT JOIN registry.units dp ON dp.id = l.deputy_id
            WHERE ($1::text IS NULL OR c.code > $1) AND ($5::text IS NULL OR c.organiser_code = $5)
            ORDER BY c.code LIMIT $2""",
        after, limit, year, today, organiser)


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


_ON_DAY = "(m.joined_on IS NULL OR m.joined_on <= $3) AND (m.left_on IS NULL OR $3 < m.left_on)"


async def members(conn: asyncpg.Connection, *, cluster: str, year: int, on: date | None = None) -> list[asyncpg.Record]:
    """Members in rotation order, with the unit's identity: those of the day ``on``, or (None) those
    that have not left (the year's members at its end, including any that join later)."""
    where = _ON_DAY if on is not None else "m.left_on IS NULL"
    args: list[Any] = [cluster, year] + ([on] if on is not None else [])
    return await conn.fetch(
        f"""SELECT m.province_id AS id, p.code, p.name, p.valid_from, p.valid_to, m.rotation_position,
                   m.joined_on, m.left_on
              FROM registry.period_members m JOIN registry.units p ON p.id = m.province_id
             WHERE m.cluster_code = $1 AND m.year = $2 AND {where} ORDER BY m.rotation_position""",
        *args)


async def all_members(conn: asyncpg.Connection, *, cluster: str, year: int) -> list[asyncpg.Record]:
    """Every unit that has been a member of the period, with its span."""
    return await conn.fetch(
        """SELECT m.province_id AS id, p.code, p.name, p.valid_from, p.valid_to, m.rotation_position,
                  m.joined_on, m.left_on
             FROM registry.period_members m JOIN registry.units p ON p.id = m.province_id
            WHERE m.cluster_code = $1 AND m.year = $2 ORDER BY m.rotation_position""",
        cluster, year)


async def add_member(conn: asyncpg.Connection, *, cluster: str, year: int, province_id: int, joined_on: date) -> None:
    """A unit joins from ``joined_on``; one that left before comes back with a new span."""
    await conn.execute(
        """INSERT INTO registry.period_members (cluster_code, year, province_id, rotation_position, joined_on)
           VALUES ($1, $2, $3, (SELECT coalesce(max(rotation_position), 0) + 1 FROM registry.period_members
                                 WHERE cluster_code = $1 AND year = $2), $4)
           ON CONFLICT (cluster_code, year, province_id)
           DO UPDATE SET joined_on = EXCLUDED.joined_on, left_on = NULL""",
        cluster, year, province_id, joined_on)


async def remove_member(conn: asyncpg.Connection, *, cluster: str, year: int, province_id: int, left_on: date) -> None:
    await conn.execute(
        """UPDATE registry.period_members SET left_on = $4
            WHERE cluster_code = $1 AND year = $2 AND province_id = $3""",
        cluster, year, province_id, left_on)


async def insert_change(conn: asyncpg.Connection, *, cluster: str, year: int, kind: str, effective_date: date,
                        added: list[dict[str, Any]], removed: list[dict[str, Any]], reason: str | None,
                        by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        """INSERT INTO registry.period_member_changes
                  (cluster_code, year, kind, effective_date, added, removed, reason, changed_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING id, kind, effective_date, added, removed, reason, changed_by, changed_at""",
        cluster, year, kind, effective_date, added, removed, reason, by)


async def changes(conn: asyncpg.Connection, *, cluster: str, year: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT id, kind, effective_date, added, removed, reason, changed_by, changed_at
             FROM registry.period_member_changes WHERE cluster_code = $1 AND year = $2 ORDER BY id""",
        cluster, year)


async def same_kind_memberships(conn: asyncpg.Connection, *, cluster: str, year: int, kind: str,
                                province_ids: list[int], from_day: date) -> list[asyncpg.Record]:
    """Other clusters of ``kind`` whose ``year`` period has one of ``province_ids`` as a member on
    ``from_day`` or after."""
    return await conn.fetch(
        """SELECT c.code AS cluster_code, c.allow_shared_members, p.code, p.name
             FROM registry.period_members m
             JOIN registry.clusters c ON c.code = m.cluster_code
             JOIN registry.units p ON p.id = m.province_id
            WHERE m.year = $2 AND c.kind = $3 AND m.cluster_code <> $1 AND m.province_id = ANY($4::int[])
              AND (m.left_on IS NULL OR m.left_on > $5)
            ORDER BY c.code, p.code""",
        cluster, year, kind, province_ids, from_day)


async def update(conn: asyncpg.Connection, *, code: str, name: str | None, organizer: str | None,
                 allow_shared_members: bool | None) -> asyncpg.Record:
    return await conn.fetchrow(
        """UPDATE registry.clusters SET name = coalesce($2, name), organizer = coalesce($3, organizer),
                  allow_shared_members = coalesce($4, allow_shared_members), updated_at = now()
            WHERE code = $1
        RETURNING code, name, organizer, organiser_code, kind, allow_shared_members, created_at, updated_at""",
        code, name, organizer, allow_shared_members)


# ---------------------------------------------------------------- leadership

_LEADERSHIP = """SELECT l.year, l.method, l.decided_by, l.decided_at, l.lead_id, l.deputy_id, l.source,
                        l.corrected_at, l.corrected_by, l.correction_reason,
                        lp.code AS lead_code, lp.name AS lead_name, dp.code AS deputy_code, dp.name AS deputy_name
                   FROM registry.leaderships l
                   JOIN registry.units lp ON lp.id = l.lead_id
                   JOIN registry.units dp ON dp.id = l.deputy_id"""


async def leadership(conn: asyncpg.Connection, *, cluster: str, year: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_LEADERSHIP} WHERE l.cluster_code = $1 AND l.year = $2", cluster, year)


async def leadership_history(conn: asyncpg.Connection, *, cluster: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"{_LEADERSHIP} WHERE l.cluster_code = $1 ORDER BY l.year", cluster)


async def insert_leadership(conn: asyncpg.Connection, *, cluster: str, year: int, lead_id: int, deputy_id: int,
                            method: str, decided_by: str, source: str | None = None) -> None:
    await conn.execute(
        """INSERT INTO registry.leaderships (cluster_code, year, lead_id, deputy_id, method, decided_by, source)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        cluster, year, lead_id, deputy_id, method, decided_by, source)


def public_leadership(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "year": row["year"],
        "lead": {"code": row["lead_code"], "name": row["lead_name"]},
        "deputy": {"code": row["deputy_code"], "name": row["deputy_name"]},
        "method": row["method"],
        "decided_by": row["decided_by"],
        "decided_at": row["decided_at"],
        "source": row["source"],
        "correction": ({"reason": row["correction_reason"], "corrected_by": row["corrected_by"],
                        "corrected_at": row["corrected_at"]} if row["corrected_at"] else None),
    }


async def correct_leadership(conn: asyncpg.Connection, *, cluster: str, year: int, lead_id: int, deputy_id: int,
                             reason: str, by: str) -> None:
    await conn.execute(
        """UPDATE registry.leaderships SET lead_id = $3, deputy_id = $4, corrected_at = now(), corrected_by = $6,
                  correction_reason = $5
            WHERE cluster_code = $1 AND year = $2""",
        cluster, year, lead_id, deputy_id, reason, by)
