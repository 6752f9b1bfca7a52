"""The member units' signatures of a covenant version."""
from __future__ import annotations

import asyncpg

_COLUMNS = "covenant_id, unit_code, unit_name, signer_name, signer_position, signed_by, signed_at"


async def insert(conn: asyncpg.Connection, *, covenant_id: int, unit_code: str, unit_name: str, signer_name: str,
                 signer_position: str, signed_by: str) -> asyncpg.Record | None:
    """The new signature, or ``None`` when the unit had signed this version already."""
    return await conn.fetchrow(
        f"""INSERT INTO nominations.covenant_signatures (covenant_id, unit_code, unit_name, signer_name,
                signer_position, signed_by)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (covenant_id, unit_code) DO NOTHING RETURNING {_COLUMNS}""",
        covenant_id, unit_code, unit_name, signer_name, signer_position, signed_by)


async def of(conn: asyncpg.Connection, covenant_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM nominations.covenant_signatures WHERE covenant_id = $1 "
                            "ORDER BY signed_at, unit_code", covenant_id)
