"""The ministry's decisions (quyết định khen thưởng) and the nominees each one lists."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import asyncpg

COLUMNS = """id, number, year, summary, signed_on, signer_name, signer_title, bases, state, created_by, created_at,
             issued_at, issued_by, organiser"""


async def insert(conn: asyncpg.Connection, *, number: str, year: int, summary: str, signed_on: date,
                 signer_name: str, signer_title: str, bases: list[str], created_by: str,
                 organiser: str = "BNV") -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.decisions (number, year, summary, signed_on, signer_name, signer_title, bases,
                                               created_by, organiser)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}""",
        number, year, summary, signed_on, signer_name, signer_title, bases, created_by, organiser)


async def update(conn: asyncpg.Connection, decision_id: uuid.UUID, *, number: str, year: int, summary: str,
                 signed_on: date, signer_name: str, signer_title: str, bases: list[str]) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.decisions SET number = $2, year = $3, summary = $4, signed_on = $5, signer_name = $6,
                   signer_title = $7, bases = $8 WHERE id = $1 RETURNING {COLUMNS}""",
        decision_id, number, year, summary, signed_on, signer_name, signer_title, bases)


async def get(conn: asyncpg.Connection, decision_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.decisions WHERE id = $1"
                               + (" FOR UPDATE" if lock else ""), decision_id)


async def number_taken(conn: asyncpg.Connection, number: str, other_than: uuid.UUID | None,
                       organiser: str = "BNV") -> bool:
    """An organiser numbers its decisions once each (two provinces may both issue 15/QĐ-UBND)."""
    return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM nominations.decisions WHERE number = $1 "
                               "AND id IS DISTINCT FROM $2 AND organiser = $3)", number, other_than, organiser)


async def issue(conn: asyncpg.Connection, decision_id: uuid.UUID, *, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.decisions SET state = 'issued', issued_at = now(), issued_by = $2
             WHERE id = $1 RETURNING {COLUMNS}""", decision_id, by)


async def set_entries(conn: asyncpg.Connection, decision_id: uuid.UUID, nominee_ids: list[uuid.UUID]) -> None:
    await conn.execute("DELETE FROM nominations.decision_entries WHERE decision_id = $1", decision_id)
    await conn.execute(
        """INSERT INTO nominations.decision_entries (decision_id, nominee_id)
           SELECT $1, unnest($2::uuid[])""", decision_id, nominee_ids)


async def entry_conflicts(conn: asyncpg.Connection, decision_id: uuid.UUID,
                          nominee_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    """Nominees already listed by another decision."""
    return await conn.fetch(
        """SELECT e.nominee_id, d.number FROM nominations.decision_entries e
             JOIN nominations.decisions d ON d.id = e.decision_id
            WHERE e.nominee_id = ANY($2) AND e.decision_id <> $1""", decision_id, nominee_ids)


async def entries(conn: asyncpg.Connection, decision_id: uuid.UUID) -> list[asyncpg.Record]:
    """The nominees a decision lists, with what the appendix prints (form, province, cluster). The
    form's name is the one its version in force in the nominee's year gives it."""
    return await conn.fetch(
        """SELECT n.id, n.kind, n.name, n.position, n.unit, n.state, n.form_code, n.identity_key, n.year,
                  COALESCE((SELECT v.name FROM nominations.award_form_versions v
                             WHERE v.code = f.code AND v.valid_from_year <= n.year
                             ORDER BY v.valid_from_year DESC LIMIT 1), f.name) AS form_name,
                  f.position AS form_position, p.province_code, p.province_name, p.cluster_code,
                  f.organiser
             FROM nominations.decision_entries e JOIN nominations.nominees n ON n.id = e.nominee_id
             JOIN nominations.proposals p ON p.id = n.proposal_id
             JOIN nominations.award_forms f ON f.code = n.form_code
            WHERE e.decision_id = $1
            ORDER BY f.position, n.kind, p.province_code, n.created_at, n.id""", decision_id)


async def page(conn: asyncpg.Connection, *, year: int | None, state: str | None,
               after: tuple[datetime, uuid.UUID] | None, limit: int, organiser: str | None = None,
               drafts_of: str | None = None, every_draft: bool = True) -> list[asyncpg.Record]:
    """``organiser``: only its decisions; drafts are listed when ``every_draft`` or they are ``drafts_of``'s."""
    return await conn.fetch(
        f"""SELECT {COLUMNS} FROM nominations.decisions
             WHERE ($1::int IS NULL OR year = $1) AND ($2::text IS NULL OR state = $2)
               AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
               AND ($6::text IS NULL OR organiser = $6)
               AND (state = 'issued' OR $8 OR organiser = $7)
             ORDER BY created_at, id LIMIT $5""",
        year, state, after[0] if after else None, after[1] if after else None, limit, organiser, drafts_of,
        every_draft)
