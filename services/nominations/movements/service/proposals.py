"""The review proposes commendations: recognised models' owners enter the existing commendation
proposals (the unit's province's draft for a cluster-year and award form) with their achievements
pre-filled from the model, through the one use case commendations offers other contexts."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from services.nominations import commendations
from services.nominations.movements.domain import policy, rules, states
from services.nominations.movements.service.common import movement_for, record
from services.nominations.movements.store import models as model_store
from services.nominations.registry_client import RegistryClient
from shared.auth import Principal
from shared.errors import Forbidden, Unprocessable


def achievements(movement: asyncpg.Record, model: asyncpg.Record) -> str:
    """The nominee's summary: the model, its effect in figures, and its recognition."""
    figures = "; ".join(f"{rules.FIGURES.get(k, k)}: " + f"{v:,}".replace(",", ".")  # 1.200.000 in Vietnamese
                        for k, v in model["figures"].items())
    level = rules.RECOGNITION_LEVELS.get(model["recognition_level"] or "", "")
    return (f"Mô hình “{model['title']}” ({rules.FIELDS.get(model['field'], model['field'])}) trong "
            f"{movement['name']}: {model['description']}" + (f" Kết quả: {figures}." if figures else "")
            + f" Được công nhận {level.lower()} theo Quyết định số {model['decision_number']} ngày "
              f"{model['decision_date']:%d/%m/%Y}.")


async def propose(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, movement_id: uuid.UUID,
                  cluster_code: str, year: int, form: str, model_ids: list[uuid.UUID], limits: Any,
                  today: date) -> dict[str, Any]:
    """A province proposes the owners of its own units' recognised models (a collective, a unit or a
    person) for an award form in a cluster-year's list."""
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    rows = {r["id"]: r for r in await model_store.of_ids(conn, model_ids)}
    nominees = []
    for index, model_id in enumerate(model_ids):
        row = rows.get(model_id)
        if row is None or row["movement_id"] != movement_id:
            raise Unprocessable("a model of this movement", field=f"models.{index}")
        if row["state"] != states.ModelState.recognised:
            raise Unprocessable("only a recognised model's owner is proposed", field=f"models.{index}")
        if not policy.acts_for_unit(actor, unit_code=row["unit_code"], parent_code=row["parent_code"]):
            raise Forbidden(f"{row['unit_code']}'s models are proposed by that unit or its parent level")
        nominees.append({"kind": "individual" if row["owner_kind"] == "individual" else "collective",
                         "name": row["owner_name"], "unit": row["unit_name"],
                         "summary": achievements(movement, row)})
    result = await commendations.propose_from_movement(conn, actor=actor, registry=registry,
                                                       cluster_code=cluster_code, year=year, form=form,
                                                       nominees=nominees, limits=limits, today=today)
    await record(conn, actor=actor, action="movement.propose", target=f"movement:{movement_id}",
                 details={"proposal_id": str(result["proposal_id"]), "added": len(result["added"]),
                          "skipped": len(result["skipped"]), "form": form, "cluster": cluster_code, "year": year})
    return {"proposal_id": result["proposal_id"], "added": [n["name"] for n in result["added"]],
            "skipped": result["skipped"]}
