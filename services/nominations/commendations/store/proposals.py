"""Proposals and the cluster-year lists they belong to."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

PROPOSAL = """p.id, p.cluster_code, p.year, p.province_code, p.province_name, p.form_code, f.name AS form_name,
              p.origin, p.round_id, p.state, p.created_by, p.created_at, p.submitted_at, p.sent_at,
              l.cluster_name, l.lead_code, l.organiser"""
FROM = """nominations.proposals p JOIN nominations.award_forms f ON f.code = p.form_code
          JOIN nominations.commendation_lists l ON l.cluster_code = p.cluster_code AND l.year = p.year"""


async def upsert_list(conn: asyncpg.Connection, *, cluster_code: str, year: int, cluster_name: str,
                      lead_code: str | None, unit_names: dict[str, str], organiser: str = "BNV") -> asyncpg.Record:
    return await conn.fetchrow(
        """INSERT INTO nominations.commendation_lists (cluster_code, year, cluster_name, lead_code, unit_names,
                                                       organiser)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (cluster_code, year) DO UPDATE SET cluster_name = EXCLUDED.cluster_name,
               lead_code = EXCLUDED.lead_code, unit_names = EXCLUDED.unit_names, organiser = EXCLUDED.organiser
           RETURNING *""", cluster_code, year, cluster_name, lead_code, unit_names, organiser)


async def get_list(conn: asyncpg.Connection, cluster_code: str, year: int, *,
                   lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM nominations.commendation_lists WHERE cluster_code = $1 AND year = $2"
        + (" FOR UPDATE" if lock else ""), cluster_code, year)


async def mark_sent(conn: asyncpg.Connection, *, cluster_code: str, year: int, by: str) -> None:
    await conn.execute(
        """UPDATE nominations.commendation_lists SET sent_count = sent_count + 1, last_sent_at = now(),
               last_sent_by = $3 WHERE cluster_code = $1 AND year = $2""", cluster_code, year, by)


async def insert(conn: asyncpg.Connection, *, cluster_code: str, year: int, province_code: str, province_name: str,
                 form_code: str, created_by: str, origin: str = "province", round_id: uuid.UUID | None = None,
                 state: str = "draft") -> uuid.UUID:
    return await conn.fetchval(
        """INSERT INTO nominations.proposals (cluster_code, year, province_code, province_name, form_code, origin,
                                              round_id, state, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        cluster_code, year, province_code, province_name, form_code, origin, round_id, state, created_by)


async def get(conn: asyncpg.Connection, proposal_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    if lock:
        await conn.execute("SELECT 1 FROM nominations.proposals WHERE id = $1 FOR UPDATE", proposal_id)
    return await conn.fetchrow(f"SELECT {PROPOSAL} FROM {FROM} WHERE p.id = $1", proposal_id)


async def find_drafted(conn: asyncpg.Connection, *, cluster_code: str, year: int, province_code: str,
                       form_code: str) -> uuid.UUID | None:
    """The province's own proposal for the cluster-year and form (at most one: proposals_one_per_form)."""
    return await conn.fetchval(
        "SELECT id FROM nominations.proposals WHERE cluster_code = $1 AND year = $2 AND province_code = $3 "
        "AND form_code = $4 AND origin = 'province'", cluster_code, year, province_code, form_code)


async def find_by_round(conn: asyncpg.Connection, round_id: uuid.UUID, province_code: str) -> uuid.UUID | None:
    return await conn.fetchval(
        "SELECT id FROM nominations.proposals WHERE round_id = $1 AND province_code = $2", round_id, province_code)


async def set_state(conn: asyncpg.Connection, proposal_id: uuid.UUID, state: str) -> None:
    await conn.execute(
        """UPDATE nominations.proposals SET state = $2,
               submitted_at = CASE WHEN $2 = 'submitted' THEN now() ELSE submitted_at END,
               sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END
           WHERE id = $1""", proposal_id, state)


async def page(conn: asyncpg.Connection, *, cluster: str | None, year: int | None, state: str | None,
               province: str | None, visible_to: str | None, led: list[tuple[str, int]],
               after: tuple[datetime, uuid.UUID] | None, limit: int,
               organiser: str | None = None) -> list[asyncpg.Record]:
    """Oldest first. ``visible_to``: a province sees its own proposals and, past draft, those of the
    cluster-years in ``led`` (those it leads now, as the registry says)."""
    return await conn.fetch(
        f"""SELECT {PROPOSAL} FROM {FROM}
             WHERE ($1::text IS NULL OR p.cluster_code = $1) AND ($2::int IS NULL OR p.year = $2)
               AND ($3::text IS NULL OR p.state = $3) AND ($4::text IS NULL OR p.province_code = $4)
               AND ($5::text IS NULL OR p.province_code = $5
                    OR (p.state <> 'draft' AND (p.cluster_code, p.year) IN (
                        SELECT * FROM unnest($9::text[], $10::int[]))))
               AND ($6::timestamptz IS NULL OR (p.created_at, p.id) > ($6, $7::uuid))
               AND ($11::text IS NULL OR l.organiser = $11)
             ORDER BY p.created_at, p.id LIMIT $8""",
        cluster, year, state, province, visible_to, after[0] if after else None, after[1] if after else None, limit,
        [c for c, _ in led], [y for _, y in led], organiser)


async def lists_near(conn: asyncpg.Connection, province: str) -> list[tuple[str, int]]:
    """The cluster-years whose list names ``province`` as a member or as its lead (as last seen):
    the only ones it might lead now."""
    rows = await conn.fetch(
        """SELECT cluster_code, year FROM nominations.commendation_lists
            WHERE lead_code = $1 OR unit_names ? $1 ORDER BY year, cluster_code""", province)
    return [(r["cluster_code"], r["year"]) for r in rows]


async def of_list(conn: asyncpg.Connection, *, cluster_code: str, year: int,
                  states: list[str] | None = None) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {PROPOSAL} FROM {FROM} WHERE p.cluster_code = $1 AND p.year = $2 AND p.state <> 'draft'
              AND ($3::text[] IS NULL OR p.state = ANY($3)) ORDER BY p.province_code, f.position, p.created_at""",
        cluster_code, year, states)


async def provinces_of(conn: asyncpg.Connection, proposal_ids: list[uuid.UUID]) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT province_code FROM nominations.proposals WHERE id = ANY($1) "
                            "ORDER BY province_code", proposal_ids)
    return [r["province_code"] for r in rows]


def as_dict(r: asyncpg.Record) -> dict[str, Any]:
    return dict(r)
