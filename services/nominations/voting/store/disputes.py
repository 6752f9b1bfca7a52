"""Paper ballot disputes (migration 030): who disputed the paper ballot entered for it, why, and
the ministry's ruling."""
from __future__ import annotations

import uuid

import asyncpg

_COLUMNS = "round_id, province_code, reason, disputed_by, disputed_at, ruling, ruling_note, ruled_by, ruled_at"


async def paper_participation(conn: asyncpg.Connection, round_id: uuid.UUID, province: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT document_ref FROM nominations.participation
            WHERE round_id = $1 AND province_code = $2 AND channel = 'paper'""", round_id, province)


async def insert(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, reason: str,
                 by: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.paper_ballot_disputes (round_id, province_code, reason, disputed_by)
            VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}""",
        round_id, province, reason, by)


async def get(conn: asyncpg.Connection, round_id: uuid.UUID, province: str, *,
              lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""SELECT {_COLUMNS} FROM nominations.paper_ballot_disputes WHERE round_id = $1 AND province_code = $2"""
        + (" FOR UPDATE" if lock else ""), round_id, province)


async def rule(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, ruling: str, note: str,
               by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.paper_ballot_disputes SET ruling = $3, ruling_note = $4, ruled_by = $5, ruled_at = now()
             WHERE round_id = $1 AND province_code = $2 RETURNING {_COLUMNS}""",
        round_id, province, ruling, note, by)


async def for_round(conn: asyncpg.Connection, round_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM nominations.paper_ballot_disputes WHERE round_id = $1
             ORDER BY disputed_at, province_code""", round_id)
