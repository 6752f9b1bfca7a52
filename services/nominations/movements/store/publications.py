"""The organiser's selections of recognised models for a publication (a book of typical models)."""
from __future__ import annotations

import uuid

import asyncpg

COLUMNS = "id, movement_id, title, created_by, created_at, updated_at"


async def insert(conn: asyncpg.Connection, movement_id: uuid.UUID, *, title: str, by: str) -> asyncpg.Record:
    return await conn.fetchrow(f"INSERT INTO nominations.movement_publications (movement_id, title, created_by) "
                               f"VALUES ($1, $2, $3) RETURNING {COLUMNS}", movement_id, title, by)


async def update(conn: asyncpg.Connection, publication_id: uuid.UUID, *, title: str) -> None:
    await conn.execute("UPDATE nominations.movement_publications SET title = $2, updated_at = now() WHERE id = $1",
                       publication_id, title)


async def get(conn: asyncpg.Connection, publication_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.movement_publications WHERE id = $1",
                               publication_id)


async def of_movement(conn: asyncpg.Connection, movement_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM nominations.movement_publications WHERE movement_id = $1 "
                            "ORDER BY created_at, id", movement_id)


async def set_models(conn: asyncpg.Connection, publication_id: uuid.UUID, model_ids: list[uuid.UUID]) -> None:
    await conn.execute("DELETE FROM nominations.movement_publication_models WHERE publication_id = $1",
                       publication_id)
    await conn.executemany(
        "INSERT INTO nominations.movement_publication_models (publication_id, model_id, position) "
        "VALUES ($1, $2, $3)", [(publication_id, m, i + 1) for i, m in enumerate(model_ids)])


async def model_ids(conn: asyncpg.Connection, publication_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.fetch("SELECT model_id FROM nominations.movement_publication_models WHERE publication_id = $1 "
                            "ORDER BY position", publication_id)
    return [r["model_id"] for r in rows]
