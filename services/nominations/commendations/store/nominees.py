"""Nominees: the collectives and individuals a proposal names."""
from __future__ import annotations

import uuid
from datetime import date
from datetime import datetime as datetime_type
from typing import Any

import asyncpg

from shared.names import skeleton

COLUMNS = """n.id, n.proposal_id, n.year, n.form_code, n.kind, n.name, n.position, n.unit, n.birth_date, n.gender,
             n.fields, n.summary, n.identity_key, n.state, n.return_reason, n.reject_reason, n.reviewed_by,
             n.decided_by, n.created_at, n.updated_at, n.leader_level, n.direct_worker, n.ethnic_minority"""


async def insert(conn: asyncpg.Connection, *, proposal_id: uuid.UUID, year: int, form_code: str, kind: str,
                 name: str, position: str | None, unit: str | None, birth_date: date | None, gender: str | None,
                 fields: dict[str, str], summary: str, identity_key: str, state: str = "draft",
                 leader_level: str | None = None, direct_worker: bool | None = None,
                 ethnic_minority: bool | None = None) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.nominees AS n (proposal_id, year, form_code, kind, name, position, unit, birth_date,
                                              gender, fields, summary, identity_key, state, position_in_list,
                                              name_skeleton, leader_level, direct_worker, ethnic_minority)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                    (SELECT count(*) FROM nominations.nominees WHERE proposal_id = $1), $14, $15, $16, $17)
            RETURNING {COLUMNS}""",
        proposal_id, year, form_code, kind, name, position, unit, birth_date, gender, fields, summary, identity_key,
        state, skeleton(name), leader_level, direct_worker, ethnic_minority)


async def update(conn: asyncpg.Connection, nominee_id: uuid.UUID, *, name: str, position: str | None,
                 unit: str | None, birth_date: date | None, gender: str | None, fields: dict[str, str],
                 summary: str, identity_key: str, leader_level: str | None = None,
                 direct_worker: bool | None = None, ethnic_minority: bool | None = None) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.nominees AS n SET name = $2, position = $3, unit = $4, birth_date = $5, gender = $6,
                   fields = $7, summary = $8, identity_key = $9, name_skeleton = $10, leader_level = $11,
                   direct_worker = $12, ethnic_minority = $13, updated_at = now()
             WHERE id = $1 RETURNING {COLUMNS}""",
        nominee_id, name, position, unit, birth_date, gender, fields, summary, identity_key, skeleton(name),
        leader_level, direct_worker, ethnic_minority)


async def get(conn: asyncpg.Connection, nominee_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.nominees n WHERE id = $1"
                               + (" FOR UPDATE" if lock else ""), nominee_id)


async def of_proposals(conn: asyncpg.Connection, proposal_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(f"""SELECT {COLUMNS} FROM nominations.nominees n WHERE proposal_id = ANY($1)
                                ORDER BY proposal_id, position_in_list, created_at""", proposal_ids)


async def states(conn: asyncpg.Connection, proposal_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch("SELECT state FROM nominations.nominees WHERE proposal_id = $1", proposal_id)
    return [r["state"] for r in rows]


async def count(conn: asyncpg.Connection, proposal_id: uuid.UUID) -> int:
    return await conn.fetchval("SELECT count(*) FROM nominations.nominees WHERE proposal_id = $1", proposal_id)


async def set_state(conn: asyncpg.Connection, nominee_id: uuid.UUID, state: str, *, by: str | None = None,
                    return_reason: str | None = None, reject_reason: str | None = None) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.nominees AS n SET state = $2,
                   return_reason = CASE WHEN $2 = 'returned' THEN $4 ELSE return_reason END,
                   reject_reason = CASE WHEN $2 = 'rejected' THEN $5 ELSE reject_reason END,
                   reviewed_by = CASE WHEN $2 IN ('accepted', 'returned') THEN $3 ELSE reviewed_by END,
                   decided_by = CASE WHEN $2 IN ('approved', 'rejected') THEN $3 ELSE decided_by END,
                   updated_at = now()
             WHERE id = $1 RETURNING {COLUMNS}""",
        nominee_id, state, by, return_reason, reject_reason)


async def move_all(conn: asyncpg.Connection, proposal_id: uuid.UUID, *, from_states: list[str], to: str) -> int:
    result = await conn.execute(
        "UPDATE nominations.nominees SET state = $3, updated_at = now() WHERE proposal_id = $1 AND state = ANY($2)",
        proposal_id, from_states, to)
    return int(result.split()[-1])


async def delete(conn: asyncpg.Connection, nominee_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM nominations.nominees WHERE id = $1", nominee_id)


async def taken(conn: asyncpg.Connection, *, year: int, form_code: str, identity_key: str,
                other_than: uuid.UUID | None = None) -> bool:
    """Is this nominee already proposed for (or awarded) this form this year?"""
    return await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM nominations.nominees WHERE year = $1 AND form_code = $2
                           AND identity_key = $3 AND state <> 'rejected' AND id IS DISTINCT FROM $4)""",
        year, form_code, identity_key, other_than)


async def counted_for_cap(conn: asyncpg.Connection, *, year: int) -> int:
    """Nominees of a capped form the ministry approved (or a decision awarded) in ``year``."""
    return await conn.fetchval(
        """SELECT count(*) FROM nominations.nominees n JOIN nominations.award_forms f ON f.code = n.form_code
            WHERE n.year = $1 AND f.capped AND n.state IN ('approved', 'awarded')""", year)


async def review_queue(conn: asyncpg.Connection, *, year: int | None, state: str, cluster: str | None,
                       after: tuple[datetime_type, uuid.UUID] | None, limit: int,
                       organiser: str | None = None) -> list[asyncpg.Record]:
    """The nominees in ``state`` (of ``organiser``'s forms only, when given)."""
    return await conn.fetch(
        f"""SELECT {COLUMNS}, p.cluster_code, p.province_code, p.province_name, f.name AS form_name, p.origin,
                   p.sent_at
              FROM nominations.nominees n JOIN nominations.proposals p ON p.id = n.proposal_id
              JOIN nominations.award_forms f ON f.code = n.form_code
             WHERE n.state = $1 AND ($2::int IS NULL OR n.year = $2) AND ($3::text IS NULL OR p.cluster_code = $3)
               AND ($4::timestamptz IS NULL OR (n.created_at, n.id) > ($4, $5::uuid))
               AND ($7::text IS NULL OR f.organiser = $7)
             ORDER BY n.created_at, n.id LIMIT $6""",
        state, year, cluster, after[0] if after else None, after[1] if after else None, limit, organiser)


def public(n: asyncpg.Record | dict[str, Any]) -> dict[str, Any]:
    return {k: n[k] for k in ("id", "proposal_id", "year", "form_code", "kind", "name", "position", "unit",
                              "birth_date", "gender", "fields", "summary", "state", "return_reason",
                              "reject_reason", "reviewed_by", "decided_by", "created_at", "updated_at",
                              "leader_level", "direct_worker", "ethnic_minority")}
