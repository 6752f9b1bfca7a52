"""The roll-up a movement's organiser (and a parent level, for its own units) looks at."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations.movements.domain import policy, rules
from services.nominations.movements.service.common import movement_for
from services.nominations.movements.store import movements as movement_store
from services.nominations.movements.store import rollup as store
from shared.auth import Principal
from shared.errors import Forbidden


async def rollup(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, parent: str | None,
                 with_units: bool) -> dict[str, Any]:
    """Registered vs expected by parent level (and per unit when asked), models by field and state,
    models and reports by phase. A unit sees only itself and its children."""
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    if not policy.may_see_all_of_movement(actor, movement["organiser_code"]):
        own = policy.visible_units(actor)
        if own is None or parent not in (None, own) or not await movement_store.units(conn, movement_id, parent=own):
            raise Forbidden("the organiser's staff see the whole roll-up; a unit in scope, its own part")
        parent = own
    parents = [dict(r) for r in await store.by_parent(conn, movement_id)]
    if parent is not None:
        parents = [p for p in parents if p["parent_code"] == parent]
    fields: dict[str, dict[str, Any]] = {}
    for row in await store.by_field(conn, movement_id, parent=parent):
        entry = fields.setdefault(row["field"], {"field": row["field"], "models": 0, "by_state": {},
                                                 "field_name": rules.FIELDS.get(row["field"], row["field"])})
        entry["models"] += row["models"]
        entry["by_state"][row["state"]] = row["models"]
    registered = sum(p["registered"] for p in parents)
    phases = [{**dict(r), "expected_reports": registered} for r in await store.by_phase(conn, movement_id, parent=parent)]
    units = None
    if with_units or parent is not None:
        units = [dict(r) for r in await store.by_unit(conn, movement_id, parent=parent)]
    return {"movement_id": movement_id, "expected": sum(p["expected"] for p in parents), "registered": registered,
            "models": sum(p["models"] for p in parents), "recognised": sum(p["recognised"] for p in parents),
            "by_parent": parents, "by_field": sorted(fields.values(), key=lambda f: -f["models"]),
            "by_phase": phases, "units": units}
