"""Award forms' versions: each holds from its year on, until a later version's year."""
from __future__ import annotations

from typing import Any

import asyncpg

COLUMNS = ("code, version, valid_from_year, organiser, name, recipients, from_vote_only, round_award, capped, "
           "individual_fields, position, active, created_by, created_at")
_FIELDS = ("name", "recipients", "from_vote_only", "round_award", "capped", "individual_fields", "position", "active")


async def latest(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.award_form_versions WHERE code = $1 "
                               "ORDER BY version DESC LIMIT 1", code)


async def history(conn: asyncpg.Connection, code: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM nominations.award_form_versions WHERE code = $1 "
                            "ORDER BY version", code)


async def in_force(conn: asyncpg.Connection, *, organiser: str, year: int) -> list[asyncpg.Record]:
    """Each of the organiser's forms as its version in force in ``year`` (forms not yet defined then: left out)."""
    return await conn.fetch(
        f"""SELECT DISTINCT ON (code) {COLUMNS} FROM nominations.award_form_versions
             WHERE organiser = $1 AND valid_from_year <= $2
             ORDER BY code, valid_from_year DESC""", organiser, year)


async def insert(conn: asyncpg.Connection, *, code: str, version: int, valid_from_year: int, organiser: str,
                 values: dict[str, Any], actor: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.award_form_versions (code, version, valid_from_year, organiser, name, recipients,
                   from_vote_only, round_award, capped, individual_fields, position, active, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {COLUMNS}""",
        code, version, valid_from_year, organiser, *(values[f] for f in _FIELDS), actor)


async def amend(conn: asyncpg.Connection, *, code: str, version: int, values: dict[str, Any]) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.award_form_versions
               SET name = $3, recipients = $4, from_vote_only = $5, round_award = $6, capped = $7,
                   individual_fields = $8, position = $9, active = $10
             WHERE code = $1 AND version = $2 RETURNING {COLUMNS}""",
        code, version, *(values[f] for f in _FIELDS))


async def carry_current(conn: asyncpg.Connection, *, organiser: str, actor: str) -> None:
    """Forms of ``organiser`` that have no version yet get the current one as version 1, from 2000."""
    await conn.execute(
        """INSERT INTO nominations.award_form_versions (code, version, valid_from_year, organiser, name, recipients,
                  from_vote_only, round_award, capped, individual_fields, position, active, created_by)
           SELECT f.code, 1, 2000, f.organiser, f.name, f.recipients, f.from_vote_only, f.round_award, f.capped,
                  f.individual_fields, f.position, f.active, $2
             FROM nominations.award_forms f
            WHERE f.organiser = $1
              AND NOT EXISTS (SELECT 1 FROM nominations.award_form_versions v WHERE v.code = f.code)""",
        organiser, actor)
