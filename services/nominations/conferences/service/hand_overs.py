"""The hand-over of the cluster's rotating flag, recorded by the secretary's desk while the
conference is in session: from one member unit to another, once."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations.conferences.domain.states import ConferenceState
from services.nominations.conferences.service.conferences import (
    SCHEMA,
    conference_for,
    member_names,
    public,
    refusals,
    require_secretary,
)
from services.nominations.conferences.store import hand_overs as store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Unprocessable


async def record(conn: asyncpg.Connection, *, actor: Principal, conference_id: uuid.UUID, from_code: str,
                 to_code: str, registry: RegistryClient | None = None) -> dict[str, Any]:
    row = await conference_for(conn, conference_id, lock=True)
    await require_secretary(actor, row, "record the hand-over", registry)
    names = member_names(row)
    for field, code in (("from_unit", from_code), ("to_unit", to_code)):
        if code not in names:
            raise Unprocessable(f"{code} is not a member of {row['cluster_code']} in {row['year']}", field=field)
    if from_code == to_code:
        raise Unprocessable("the flag passes from one unit to another", field="to_unit")
    if ConferenceState(row["state"]) is not ConferenceState.in_session:
        raise Conflict("the flag is handed over while the conference is in session", slug="conference-not-in-session")
    with refusals():
        added = await store.insert(conn, conference_id=conference_id, from_code=from_code, to_code=to_code,
                                   recorded_by=actor.subject)
    if added is not None:
        await audit.record(conn, schema=SCHEMA, actor=actor, action="conference.hand_over",
                           target=f"conference:{conference_id}", details={"from": from_code, "to": to_code})
    return await public(conn, row)
