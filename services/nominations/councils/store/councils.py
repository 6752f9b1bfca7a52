"""A council, its members and its thresholds."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

COLUMNS = "id, organiser, name, term_from, term_to, decision_number, decision_date, created_by, created_at"
MEMBER_COLUMNS = "id, council_id, place, name, position, role, account"


async def insert(conn: asyncpg.Connection, *, values: dict[str, Any], organiser: str,
                 created_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.councils (organiser, name, term_from, term_to, decision_number, decision_date,
                                              created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}""",
        organiser, values["name"], values["term_from"], values["term_to"], values["decision_number"],
        values["decision_date"], created_by)


async def add_members(conn: asyncpg.Connection, council_id: uuid.UUID, members: list[dict[str, Any]]) -> None:
    await conn.executemany(
        """INSERT INTO nominations.council_members (council_id, place, name, position, role, account)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        [(council_id, i, m["name"], m["position"], m["role"], m["account"]) for i, m in enumerate(members)])


async def get(conn: asyncpg.Connection, council_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.councils WHERE id = $1", council_id)


async def listing(conn: asyncpg.Connection, *, organiser: str | None, on: date | None) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {COLUMNS} FROM nominations.councils
             WHERE ($1::text IS NULL OR organiser = $1)
               AND ($2::date IS NULL OR (term_from <= $2 AND (term_to IS NULL OR term_to >= $2)))
             ORDER BY organiser, term_from DESC LIMIT 200""", organiser, on)


async def members(conn: asyncpg.Connection, council_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {MEMBER_COLUMNS} FROM nominations.council_members WHERE council_id = $1 "
                            "ORDER BY place", council_id)


async def member(conn: asyncpg.Connection, council_id: uuid.UUID, member_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {MEMBER_COLUMNS} FROM nominations.council_members "
                               "WHERE council_id = $1 AND id = $2", council_id, member_id)


async def member_by_account(conn: asyncpg.Connection, council_id: uuid.UUID, account: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {MEMBER_COLUMNS} FROM nominations.council_members "
                               "WHERE council_id = $1 AND account = $2", council_id, account)


# ---------------------------------------------------------------- thresholds

THRESHOLD_COLUMNS = "organiser, form_code, effective_from, numerator, denominator, basis, created_by, created_at"


async def add_threshold(conn: asyncpg.Connection, *, organiser: str, form_code: str, effective_from: date,
                        numerator: int, denominator: int, basis: str, created_by: str) -> asyncpg.Record | None:
    """The new version, or ``None`` when one already begins that day (versions are never edited)."""
    return await conn.fetchrow(
        f"""INSERT INTO nominations.council_thresholds (organiser, form_code, effective_from, numerator, denominator,
                                                        basis, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING {THRESHOLD_COLUMNS}""",
        organiser, form_code, effective_from, numerator, denominator, basis, created_by)


async def thresholds(conn: asyncpg.Connection, organiser: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {THRESHOLD_COLUMNS} FROM nominations.council_thresholds WHERE organiser = $1 "
                            "ORDER BY form_code, effective_from", organiser)
