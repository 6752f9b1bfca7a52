"""The organiser's selections of recognised models for a publication (the book of typical models)."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations.movements.service.common import movement_for, record, require_organiser
from services.nominations.movements.service.models import models_out
from services.nominations.movements.store import models as model_store
from services.nominations.movements.store import publications as store
from shared.auth import Principal
from shared.errors import NotFound, Unprocessable


async def _check_models(conn: asyncpg.Connection, movement_id: uuid.UUID, models: list[uuid.UUID]) -> None:
    seen: set[uuid.UUID] = set()
    recognised = await model_store.ids_recognised(conn, movement_id, models)
    for index, model_id in enumerate(models):
        if model_id in seen:
            raise Unprocessable("a model appears once in a publication", field=f"models.{index}")
        seen.add(model_id)
        if model_id not in recognised:
            raise Unprocessable("only recognised models of this movement are published", field=f"models.{index}")


async def _full(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    ids = await store.model_ids(conn, row["id"])
    by_id = {m["id"]: m for m in await models_out(conn, await model_store.of_ids(conn, ids))}
    return {**dict(row), "models": [by_id[i] for i in ids if i in by_id]}


async def create(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, title: str,
                 models: list[uuid.UUID]) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    require_organiser(actor, movement, "select models for a publication")
    await _check_models(conn, movement_id, models)
    row = await store.insert(conn, movement_id, title=title, by=actor.subject)
    await store.set_models(conn, row["id"], models)
    await record(conn, actor=actor, action="movement.publication_create", target=f"publication:{row['id']}",
                 details={"movement": str(movement_id), "models": len(models)})
    return await _full(conn, row)


async def _publication(conn: asyncpg.Connection, *, actor: Principal | None,
                       publication_id: uuid.UUID) -> tuple[asyncpg.Record, asyncpg.Record]:
    row = await store.get(conn, publication_id)
    if row is None:
        raise NotFound(f"no publication {publication_id}")
    return await movement_for(conn, actor=actor, movement_id=row["movement_id"]), row


async def update(conn: asyncpg.Connection, *, actor: Principal, publication_id: uuid.UUID, title: str,
                 models: list[uuid.UUID]) -> dict[str, Any]:
    movement, row = await _publication(conn, actor=actor, publication_id=publication_id)
    require_organiser(actor, movement, "select models for a publication")
    await _check_models(conn, movement["id"], models)
    await store.update(conn, publication_id, title=title)
    await store.set_models(conn, publication_id, models)
    await record(conn, actor=actor, action="movement.publication_update", target=f"publication:{publication_id}",
                 details={"models": len(models)})
    return await _full(conn, await store.get(conn, publication_id))


async def get(conn: asyncpg.Connection, *, actor: Principal | None, publication_id: uuid.UUID) -> dict[str, Any]:
    """Public once the movement is launched: it holds recognised models only."""
    _, row = await _publication(conn, actor=actor, publication_id=publication_id)
    return await _full(conn, row)


async def of_movement(conn: asyncpg.Connection, *, actor: Principal | None,
                      movement_id: uuid.UUID) -> list[dict[str, Any]]:
    await movement_for(conn, actor=actor, movement_id=movement_id)
    return [await _full(conn, r) for r in await store.of_movement(conn, movement_id)]
