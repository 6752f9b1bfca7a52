"""The rotating flag's hand-over recorded at a conference."""
from __future__ import annotations

import uuid

import asyncpg


async def insert(conn: asyncpg.Connection, *, conference_id: uuid.UUID, from_code: str, to_code: str,
                 recorded_by: str) -> asyncpg.Record | None:
    """The new record, or ``None`` when the conference has one already."""
    return await conn.fetchrow(
        """INSERT INTO nominations.conference_hand_overs (conference_id, from_code, to_code, recorded_by)
           VALUES ($1, $2, $3, $4) ON CONFLICT (conference_id) DO NOTHING
           RETURNING from_code, to_code, handed_at""", conference_id, from_code, to_code, recorded_by)


async def of(conn: asyncpg.Connection, conference_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT from_code, to_code, handed_at FROM nominations.conference_hand_overs "
                               "WHERE conference_id = $1", conference_id)
