"""Which vote rounds belong to which conference."""
from __future__ import annotations

import uuid

import asyncpg


async def link(conn: asyncpg.Connection, *, conference_id: uuid.UUID, round_id: uuid.UUID) -> None:
    await conn.execute("INSERT INTO nominations.conference_rounds (round_id, conference_id) VALUES ($1, $2)",
                       round_id, conference_id)


async def conference_of(conn: asyncpg.Connection, round_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await conn.fetchval(
        "SELECT conference_id FROM nominations.conference_rounds WHERE round_id = $1", round_id)
    return found


async def rounds_of(conn: asyncpg.Connection, conference_id: uuid.UUID) -> list[uuid.UUID]:
    return [r["round_id"] for r in await conn.fetch(
        """SELECT round_id FROM nominations.conference_rounds WHERE conference_id = $1
            ORDER BY linked_at, round_id""", conference_id)]
