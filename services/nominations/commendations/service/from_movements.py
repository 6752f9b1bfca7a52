"""A movement's review proposes the owners of recognised models: the one use case the movements
context calls. They enter the province's draft proposal for a cluster-year and award form (drafted
if it has none), each with the achievements the model records; the province completes (an
individual's birth date, files) and submits it as any other proposal."""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg

from services.nominations.commendations.domain.rules import Limits
from services.nominations.commendations.service import proposals
from services.nominations.commendations.service.access import NomineeData
from services.nominations.commendations.store import proposals as proposal_store
from services.nominations.registry_client import RegistryClient
from shared.auth import Principal
from shared.errors import DomainError


async def propose_from_movement(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                                cluster_code: str, year: int, form: str, nominees: Sequence[Mapping[str, Any]],
                                limits: Limits, today: date) -> dict[str, Any]:
    """``nominees``: ``{"kind", "name", "unit", "summary"}`` each. Answers the proposal's id, the
    nominees added and those skipped with the reason (already proposed this year, an individual
    who needs a birth date...); a skipped one changes nothing."""
    existing = None
    if actor.unit is not None:
        existing = await proposal_store.find_drafted(conn, cluster_code=cluster_code, year=year,
                                                     province_code=actor.unit, form_code=form)
    if existing is None:
        made = await proposals.create_proposal(conn, actor=actor, registry=registry, cluster_code=cluster_code,
                                               year=year, form=form)
        existing = made["id"]
    proposal_id: uuid.UUID = existing
    added: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for nominee in nominees:
        data = NomineeData(kind=nominee["kind"], name=nominee["name"], position=None, unit=nominee.get("unit"),
                           birth_date=None, gender=None, fields={}, summary=nominee["summary"])
        try:
            async with conn.transaction():  # a savepoint: a refused nominee leaves the others
                added.append(await proposals.add_nominee(conn, actor=actor, proposal_id=proposal_id, data=data,
                                                         limits=limits, today=today))
        except DomainError as exc:
            skipped.append({"name": nominee["name"], "reason": exc.detail})
    return {"proposal_id": proposal_id, "added": added, "skipped": skipped}
