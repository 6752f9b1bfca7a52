"""The minutes' confirmations (the chair's, the secretary's) and the minutes frozen as confirmed."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg


async def confirmations(conn: asyncpg.Connection, session_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch("""SELECT role, account, signer_name, confirmed_at
                                 FROM nominations.council_minutes_confirmations WHERE session_id = $1
                                ORDER BY role""", session_id)


async def confirm(conn: asyncpg.Connection, *, session_id: uuid.UUID, role: str, account: str,
                  signer_name: str) -> bool:
    """Record one confirmation; False when that role had confirmed already."""
    return await conn.fetchval(
        """INSERT INTO nominations.council_minutes_confirmations (session_id, role, account, signer_name)
           VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, role) DO NOTHING RETURNING true""",
        session_id, role, account, signer_name) is not None


async def frozen(conn: asyncpg.Connection, session_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT document, html, pdf, frozen_at FROM nominations.council_minutes_frozen "
                               "WHERE session_id = $1", session_id)


async def freeze(conn: asyncpg.Connection, *, session_id: uuid.UUID, document: dict[str, Any], html: str,
                 pdf: bytes) -> None:
    await conn.execute("""INSERT INTO nominations.council_minutes_frozen (session_id, document, html, pdf)
                          VALUES ($1, $2, $3, $4) ON CONFLICT (session_id) DO NOTHING""",
                       session_id, document, html, pdf)  # the pool's codec writes the JSON (dates as text)
