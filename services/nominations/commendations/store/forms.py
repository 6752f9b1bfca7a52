"""Award forms (the ministry's configuration)."""
from __future__ import annotations

from typing import Any

import asyncpg

COLUMNS = "code, name, recipients, from_vote_only, round_award, capped, individual_fields, position, active, organiser"


async def all_forms(conn: asyncpg.Connection, organiser: str = "BNV") -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM nominations.award_forms WHERE organiser = $1 "
                            "ORDER BY position, code", organiser)


async def get(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.award_forms WHERE code = $1", code)


async def for_round_award(conn: asyncpg.Connection, award: str, organiser: str = "BNV") -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.award_forms WHERE round_award = $1 AND active "
                               "AND organiser = $2", award, organiser)


async def upsert(conn: asyncpg.Connection, *, code: str, values: dict[str, Any],
                 organiser: str = "BNV") -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.award_forms (code, name, recipients, from_vote_only, round_award, capped,
                                                 individual_fields, position, active, organiser)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, recipients = EXCLUDED.recipients,
                from_vote_only = EXCLUDED.from_vote_only, round_award = EXCLUDED.round_award,
                capped = EXCLUDED.capped, individual_fields = EXCLUDED.individual_fields,
                position = EXCLUDED.position, active = EXCLUDED.active, updated_at = now()
            RETURNING {COLUMNS}""",
        code, values["name"], values["recipients"], values["from_vote_only"], values["round_award"],
        values["capped"], values["individual_fields"], values["position"], values["active"], organiser)


async def organiser_of(conn: asyncpg.Connection, code: str) -> str | None:
    return await conn.fetchval("SELECT organiser FROM nominations.award_forms WHERE code = $1", code)
