"""Models and examples (mô hình, điển hình tiên tiến) and their evidence files."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import asyncpg

COLUMNS = ("m.id, m.movement_id, m.unit_code, u.unit_name, u.parent_code, m.phase_number, m.title, m.field, "
           "m.owner_kind, m.owner_name, m.description, m.figures, m.state, m.recognition_level, m.decision_number, "
           "m.decision_date, m.assessment_note, m.file_count, m.registered_by, m.created_at, m.updated_at")
FROM = ("nominations.movement_models m JOIN nominations.movement_units u "
        "ON u.movement_id = m.movement_id AND u.unit_code = m.unit_code")


async def insert(conn: asyncpg.Connection, movement_id: uuid.UUID, *, values: dict[str, Any],
                 by: str) -> asyncpg.Record:
    model_id = await conn.fetchval(
        """INSERT INTO nominations.movement_models (movement_id, unit_code, phase_number, title, field, owner_kind,
                                                   owner_name, description, figures, registered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
        movement_id, values["unit_code"], values["phase_number"], values["title"], values["field"],
        values["owner_kind"], values["owner_name"], values["description"], values["figures"], by)
    return await get(conn, model_id)


async def get(conn: asyncpg.Connection, model_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    if lock:
        await conn.execute("SELECT 1 FROM nominations.movement_models WHERE id = $1 FOR UPDATE", model_id)
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM {FROM} WHERE m.id = $1", model_id)


async def set_state(conn: asyncpg.Connection, model_id: uuid.UUID, *, state: str, level: str | None,
                    decision_number: str | None, decision_date: date | None, note: str | None) -> None:
    await conn.execute(
        """UPDATE nominations.movement_models
              SET state = $2, recognition_level = $3, decision_number = $4, decision_date = $5,
                  assessment_note = coalesce($6, assessment_note), updated_at = now()
            WHERE id = $1""", model_id, state, level, decision_number, decision_date, note)


SEARCH = f"""SELECT {COLUMNS} FROM {FROM}
     WHERE m.movement_id = $1
       AND ($2::text IS NULL OR m.search LIKE '%' || replace(replace(replace(nominations.fold_vi($2), '\\', '\\\\'),
                                                                     '%', '\\%'), '_', '\\_') || '%')
       AND ($3::text IS NULL OR m.field = $3)
       AND ($4::text IS NULL OR m.unit_code = $4 OR u.parent_code = $4)
       AND ($5::text IS NULL OR m.state = $5)
       AND (NOT $6 OR m.state = 'recognised' OR m.unit_code = $7 OR u.parent_code = $7)
       AND ($8::timestamptz IS NULL OR (m.created_at, m.id) > ($8, $9))
     ORDER BY m.created_at, m.id LIMIT $10"""


async def search(conn: asyncpg.Connection, movement_id: uuid.UUID, *, q: str | None, field: str | None,
                 unit: str | None, state: str | None, restricted: bool, own_province: str | None,
                 after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[asyncpg.Record]:
    """Oldest first. ``q`` matches title, owner and description with or without diacritics;
    ``restricted`` keeps recognised models plus those of ``own_province`` and its units."""
    return await conn.fetch(SEARCH, movement_id, q, field, unit, state, restricted, own_province,
                            after[0] if after else None, after[1] if after else None, limit)


async def ids_recognised(conn: asyncpg.Connection, movement_id: uuid.UUID, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    rows = await conn.fetch("SELECT id FROM nominations.movement_models WHERE movement_id = $1 AND id = ANY($2) "
                            "AND state = 'recognised'", movement_id, ids)
    return {r["id"] for r in rows}


async def of_ids(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM {FROM} WHERE m.id = ANY($1)", ids)


# ---------------------------------------------------------------- evidence files

FILE_META = "id, model_id, filename, content_type, size_bytes, sha256, created_by, created_at"


async def insert_file(conn: asyncpg.Connection, model_id: uuid.UUID, *, filename: str, content_type: str,
                      sha256: str, content: bytes, by: str) -> asyncpg.Record:
    await conn.execute("UPDATE nominations.movement_models SET file_count = file_count + 1 WHERE id = $1", model_id)
    return await conn.fetchrow(
        f"""INSERT INTO nominations.movement_model_files (model_id, filename, content_type, size_bytes, sha256,
                                                         content, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {FILE_META}""",
        model_id, filename, content_type, len(content), sha256, content, by)


async def files(conn: asyncpg.Connection, model_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {FILE_META} FROM nominations.movement_model_files WHERE model_id = ANY($1) "
                            "ORDER BY created_at, id", model_ids)


async def file_meta(conn: asyncpg.Connection, file_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {FILE_META} FROM nominations.movement_model_files WHERE id = $1", file_id)
