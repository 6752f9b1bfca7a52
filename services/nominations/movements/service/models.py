"""Models and examples (mô hình, điển hình tiên tiến): a unit registers them with evidence; the
organiser assesses and recognises them (level, decision) or not. The public sees recognised ones."""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import asyncpg

from services.nominations.movements.domain import policy, rules, states
from services.nominations.movements.service.common import (
    accept_file,
    movement_for,
    publish,
    record,
    refusals,
    require_organiser,
    unit_for,
    visible_organiser,
)
from services.nominations.movements.store import files as file_store
from services.nominations.movements.store import models as store
from services.nominations.movements.store import movements as movement_store
from shared.auth import Principal
from shared.contracts import movements as contract
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def model_out(row: asyncpg.Record, files: list[asyncpg.Record]) -> dict[str, Any]:
    return {**dict(row), "phase": row["phase_number"], "field_name": rules.FIELDS.get(row["field"], row["field"]),
            "files": [dict(f) for f in files if f["model_id"] == row["id"]]}


async def models_out(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    # Most models carry no file: ask for the files of those that do, if any.
    holding = [r["id"] for r in rows if r["file_count"]]
    files = await store.files(conn, holding) if holding else []
    return [model_out(r, files) for r in rows]


async def register(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, values: dict[str, Any],
                   today: date) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    await unit_for(conn, actor=actor, movement=movement, unit_code=values["unit_code"])
    if movement["state"] != states.MovementState.launched:
        raise Conflict(f"models are registered while the movement is launched (it is {movement['state']})",
                       slug="movement-not-running")
    phases = await movement_store.phases(conn, movement_id)
    phase = values.get("phase")
    if phase is None:
        phase = next((p["number"] for p in phases if p["starts_on"] <= today <= p["ends_on"]), None)
    elif phase not in {p["number"] for p in phases}:
        raise Unprocessable(f"the movement has no phase {phase}", field="phase")
    with refusals():
        rules.check_field(values["field"])
        figures = rules.check_figures(values["figures"])
        row = await store.insert(conn, movement_id, values={**values, "figures": figures, "phase_number": phase},
                                 by=actor.subject)
    await record(conn, actor=actor, action="movement.model_register", target=f"model:{row['id']}",
                 details={"movement": str(movement_id), "unit": values["unit_code"], "field": values["field"]})
    return model_out(row, [])


async def _model(conn: asyncpg.Connection, *, actor: Principal | None, model_id: uuid.UUID,
                 lock: bool = False) -> tuple[asyncpg.Record, asyncpg.Record]:
    row = await store.get(conn, model_id, lock=lock)
    if row is None:
        raise NotFound(f"no model {model_id}")
    movement = await movement_for(conn, actor=actor, movement_id=row["movement_id"])
    if not policy.may_see_model(actor, organiser_code=movement["organiser_code"], state=row["state"],
                                unit_code=row["unit_code"], parent_code=row["parent_code"]):
        raise NotFound(f"no model {model_id}")
    return movement, row


async def get(conn: asyncpg.Connection, *, actor: Principal | None, model_id: uuid.UUID) -> dict[str, Any]:
    _, row = await _model(conn, actor=actor, model_id=model_id)
    return (await models_out(conn, [row]))[0]


async def transition(conn: asyncpg.Connection, *, actor: Principal, model_id: uuid.UUID, route: str,
                     level: str | None = None, decision_number: str | None = None,
                     decision_date: date | None = None, note: str | None = None) -> dict[str, Any]:
    """assess (→ under assessment), recognise (level and decision), reject (with the reason)."""
    movement, row = await _model(conn, actor=actor, model_id=model_id, lock=True)
    require_organiser(actor, movement, "assess and recognise models")
    target = states.MODEL_ROUTES[route]
    with refusals():
        states.check("model", row["state"], target)
        if target is states.ModelState.recognised:
            rules.check_decision(decision_number or "")
        await store.set_state(conn, model_id, state=target,
                              level=level if target is states.ModelState.recognised else None,
                              decision_number=decision_number if target is states.ModelState.recognised else None,
                              decision_date=decision_date if target is states.ModelState.recognised else None,
                              note=note)
    if target is states.ModelState.recognised:
        assert level and decision_number and decision_date
        await publish(conn, type=contract.MOVEMENT_MODEL_RECOGNISED, aggregate_id=movement["id"],
                      payload=contract.MovementModelRecognisedV1(
                          movement_id=movement["id"], movement_name=movement["name"], model_id=model_id,
                          title=row["title"], unit_code=row["unit_code"], level=level,
                          decision_number=decision_number, decision_date=decision_date,
                          provinces=await movement_store.unit_provinces(conn, movement["id"], [row["unit_code"]])))
    await record(conn, actor=actor, action=f"movement.model_{route}", target=f"model:{model_id}",
                 details={"from": row["state"], "to": str(target), "decision_number": decision_number,
                          "level": level})
    return await get(conn, actor=actor, model_id=model_id)


async def search(conn: asyncpg.Connection, *, actor: Principal | None, movement_id: uuid.UUID, q: str | None,
                 field: str | None, unit: str | None, state: str | None,
                 after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[dict[str, Any]]:
    """Anonymous callers and units see recognised models (a unit also its own and its children's);
    the organiser's staff see every one."""
    organiser = await visible_organiser(conn, actor=actor, movement_id=movement_id)
    everything = policy.may_see_all_of_movement(actor, organiser)
    rows = await store.search(conn, movement_id, q=q, field=field, unit=unit, state=state,
                              restricted=not everything, own_province=policy.visible_units(actor),
                              after=after, limit=limit)
    return await models_out(conn, rows)


# ---------------------------------------------------------------- evidence

async def add_file(conn: asyncpg.Connection, *, actor: Principal, model_id: uuid.UUID, filename: str,
                   content: bytes, max_files: int, max_bytes: int) -> dict[str, Any]:
    """Evidence (files, photos) under the commendations' limits; the type comes from the content."""
    movement, row = await _model(conn, actor=actor, model_id=model_id, lock=True)
    if not policy.acts_for_unit(actor, unit_code=row["unit_code"], parent_code=row["parent_code"]):
        raise Forbidden("the unit that registered the model adds its evidence")
    if row["state"] not in (states.ModelState.registered, states.ModelState.under_assessment):
        raise Conflict("evidence is added before the model is decided", slug="model-decided")
    if row["file_count"] >= max_files:
        raise Conflict(f"a model holds at most {max_files} files", slug="too-many-files")
    content_type = accept_file(content, filename, max_bytes)
    meta = await store.insert_file(conn, model_id, filename=filename, content_type=content_type,
                                   sha256=hashlib.sha256(content).hexdigest(), content=content, by=actor.subject)
    await record(conn, actor=actor, action="movement.model_file_add", target=f"model:{model_id}",
                 details={"file": str(meta["id"]), "filename": filename, "size": len(content)})
    return dict(meta)


async def file_for(conn: asyncpg.Connection, *, actor: Principal | None, file_id: uuid.UUID) -> dict[str, Any]:
    meta = await store.file_meta(conn, file_id)
    if meta is None:
        raise NotFound(f"no file {file_id}")
    await _model(conn, actor=actor, model_id=meta["model_id"])
    return dict(meta)


def file_chunks(*, pool: asyncpg.Pool, file_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
    return file_store.chunks(pool, table="movement_model_files", file_id=file_id, size=size)
