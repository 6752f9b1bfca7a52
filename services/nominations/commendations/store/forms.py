"""Award forms (the ministry's configuration)."""
from __future__ import annotations

from typing import Any

import asyncpg

COLUMNS = "code, name, recipients, from_vote_only, round_award, capped, individual_fields, position, active"


async def all_forms(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM nominations.award_forms ORDER BY position, code")


async def get(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.award_forms WHERE code = $1", code)


async def for_round_award(conn: asyncpg.Connection, award: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.award_forms WHERE round_award = $1 AND active",
                               award)


async def upsert(conn: asyncpg.Connection, *, code: str, values: dict[str, Any]) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.award_forms (code, name, recipients, from_vote_only, round_award, capped,
                                                 individual_fields, position, active)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, recipients = EXCLUDED.recipients,
                from_vote_only = EXCLUDED.from_vote_only, round_award = EXCLUDED.round_award,
                capped = EXCLUDED.capped, individual_fields = EXCLUDED.individual_fields,
                position = EXCLUDED.position, active = EXCLUDED.active, updated_at = now()
            RETURNING {COLUMNS}""",
        code, values["name"], values["recipients"], values["from_vote_only"], values["round_award"],
        values["capped"], values["individual_fields"], values["position"], values["active"])
