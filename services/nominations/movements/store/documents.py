"""A movement's documents (the launch document and its attachments): bytes in PostgreSQL."""
from __future__ import annotations

import uuid

import asyncpg

META = "id, movement_id, filename, content_type, size_bytes, sha256, created_by, created_at"


async def insert(conn: asyncpg.Connection, movement_id: uuid.UUID, *, filename: str, content_type: str, sha256: str,
                 content: bytes, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.movement_documents (movement_id, filename, content_type, size_bytes, sha256,
                                                       content, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {META}""",
        movement_id, filename, content_type, len(content), sha256, content, by)


async def of_movement(conn: asyncpg.Connection, movement_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {META} FROM nominations.movement_documents WHERE movement_id = $1 "
                            "ORDER BY created_at, id", movement_id)


async def meta(conn: asyncpg.Connection, document_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {META} FROM nominations.movement_documents WHERE id = $1", document_id)
