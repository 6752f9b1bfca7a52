"""Attachments: the bytes in PostgreSQL (bytea), read back in chunks."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg

META = "id, proposal_id, nominee_id, filename, content_type, size_bytes, sha256, storage, created_by, created_at"
CHUNK = 256 * 1024


async def insert(conn: asyncpg.Connection, *, proposal_id: uuid.UUID, nominee_id: uuid.UUID | None, filename: str,
                 content_type: str, sha256: str, content: bytes, created_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.attachments (proposal_id, nominee_id, filename, content_type, size_bytes, sha256,
                                                 content, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {META}""",
        proposal_id, nominee_id, filename, content_type, len(content), sha256, content, created_by)


async def meta(conn: asyncpg.Connection, attachment_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {META} FROM nominations.attachments WHERE id = $1", attachment_id)


async def of_proposals(conn: asyncpg.Connection, proposal_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {META} FROM nominations.attachments WHERE proposal_id = ANY($1) "
                            "ORDER BY created_at, id", proposal_ids)


async def count(conn: asyncpg.Connection, proposal_id: uuid.UUID) -> int:
    return await conn.fetchval("SELECT count(*) FROM nominations.attachments WHERE proposal_id = $1", proposal_id)


async def delete(conn: asyncpg.Connection, attachment_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM nominations.attachments WHERE id = $1", attachment_id)


async def chunks(pool: asyncpg.Pool, attachment_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
    """The content in slices (substring on a bytea stored EXTERNAL reads only that slice), each on a
    short connection, so a slow download never holds a connection or the whole file in memory."""
    offset = 0
    while offset < size:
        async with pool.acquire() as conn:
            chunk = await conn.fetchval(
                "SELECT substring(content FROM $2 FOR $3) FROM nominations.attachments WHERE id = $1",
                attachment_id, offset + 1, CHUNK)
        if not chunk:
            return
        offset += len(chunk)
        yield bytes(chunk)
