"""The confirmations of a conference's minutes and, once both are in, the minutes frozen."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

_COLUMNS = """conference_id, chair_confirmed_at, chair_confirmed_by, secretary_confirmed_at,
              secretary_confirmed_by, frozen_at, content"""


async def get(conn: asyncpg.Connection, conference_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM nominations.conference_minutes WHERE conference_id = $1"
                               + (" FOR UPDATE" if lock else ""), conference_id)


async def confirm(conn: asyncpg.Connection, conference_id: uuid.UUID, *, role: str, by: str, first: bool,
                  content: dict[str, Any] | None) -> asyncpg.Record | None:
    """Record ``role``'s confirmation (chair or secretary): ``first``, the row is created; else the
    other's row is completed and, with ``content``, the minutes frozen in the same statement (the
    caller holds the conference locked)."""
    column = {"chair": "chair", "secretary": "secretary"}[role]
    if first:
        return await conn.fetchrow(
            f"""INSERT INTO nominations.conference_minutes (conference_id, {column}_confirmed_at, {column}_confirmed_by)
                VALUES ($1, now(), $2) RETURNING {_COLUMNS}""", conference_id, by)
    return await conn.fetchrow(
        f"""UPDATE nominations.conference_minutes
               SET {column}_confirmed_at = now(), {column}_confirmed_by = $2,
                   frozen_at = CASE WHEN $3::jsonb IS NOT NULL THEN now() END, content = $3
             WHERE conference_id = $1 AND {column}_confirmed_at IS NULL RETURNING {_COLUMNS}""",
        conference_id, by, content)
