"""Stored files (models' evidence, movements' documents) read back in slices, each slice on a short
connection, so a slow download never holds a connection or the whole file in memory (substring on a
bytea stored EXTERNAL reads only that slice)."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Literal

import asyncpg

CHUNK = 256 * 1024
Table = Literal["movement_model_files", "movement_documents"]


async def chunks(pool: asyncpg.Pool, *, table: Table, file_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
    assert table in ("movement_model_files", "movement_documents")
    offset = 0
    while offset < size:
        async with pool.acquire() as conn:
            chunk = await conn.fetchval(f"SELECT substring(content FROM $2 FOR $3) FROM nominations.{table} "
                                        "WHERE id = $1", file_id, offset + 1, CHUNK)
        if not chunk:
            return
        offset += len(chunk)
        yield bytes(chunk)
