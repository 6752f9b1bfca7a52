"""A movement's documents: the launch document's file and its attachments, added by the organiser's
staff, public once the movement is launched (as the movement itself)."""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from services.nominations.movements.domain import states
from services.nominations.movements.service.common import accept_file, movement_for, record, require_organiser
from services.nominations.movements.store import documents as store
from services.nominations.movements.store import files as file_store
from shared.auth import Principal
from shared.errors import Conflict, NotFound


async def add(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, filename: str, content: bytes,
              max_files: int, max_bytes: int) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id, lock=True)
    require_organiser(actor, movement, "add the movement's documents")
    if movement["state"] == states.MovementState.closed:
        raise Conflict("the movement is closed", slug="movement-closed")
    if len(await store.of_movement(conn, movement_id)) >= max_files:
        raise Conflict(f"a movement holds at most {max_files} documents", slug="too-many-files")
    content_type = accept_file(content, filename, max_bytes)
    meta = await store.insert(conn, movement_id, filename=filename, content_type=content_type,
                              sha256=hashlib.sha256(content).hexdigest(), content=content, by=actor.subject)
    await record(conn, actor=actor, action="movement.document_add", target=f"movement:{movement_id}",
                 details={"document": str(meta["id"]), "filename": filename, "size": len(content)})
    return dict(meta)


async def listing(conn: asyncpg.Connection, *, movement_id: uuid.UUID) -> list[dict[str, Any]]:
    return [dict(r) for r in await store.of_movement(conn, movement_id)]


async def document_for(conn: asyncpg.Connection, *, actor: Principal | None, document_id: uuid.UUID) -> dict[str, Any]:
    meta = await store.meta(conn, document_id)
    if meta is None:
        raise NotFound(f"no document {document_id}")
    await movement_for(conn, actor=actor, movement_id=meta["movement_id"])
    return dict(meta)


def chunks(*, pool: asyncpg.Pool, document_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
    return file_store.chunks(pool, table="movement_documents", file_id=document_id, size=size)
