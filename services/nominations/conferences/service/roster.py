"""The roster of a conference: each member unit names its delegates (who votes for it), the
secretary names guests; delegates check in on arrival (their unit's own account, from the hall
screen's QR code) or the secretary checks them in."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations.conferences.domain import policy
from services.nominations.conferences.domain.states import ROSTER_OPEN, ConferenceState
from services.nominations.conferences.service.conferences import (
    SCHEMA,
    attendance,
    attendance_event,
    conference_for,
    host_now,
    member_names,
    public,
    readable_conference,
    refusals,
)
from services.nominations.conferences.store import conferences as store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.contracts.conferences import CONFERENCE_QUORUM_REACHED
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable


def attendee_public(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"], "conference_id": row["conference_id"], "kind": row["kind"],
        "unit": {"code": row["unit_code"], "name": row["unit_name"]} if row["unit_code"] else None,
        "organisation": row["organisation"], "name": row["name"], "position": row["position"],
        "votes": row["votes"], "checked_in_at": row["checked_in_at"], "check_in_method": row["check_in_method"],
    }


def _roster_open(row: asyncpg.Record) -> None:
    if ConferenceState(row["state"]) not in ROSTER_OPEN:
        raise Conflict("the conference is adjourned: its roster is final", slug="conference-adjourned")


async def name_attendee(conn: asyncpg.Connection, *, actor: Principal, conference_id: uuid.UUID,
                        values: dict[str, Any], registry: RegistryClient | None = None) -> dict[str, Any]:
    row = await conference_for(conn, conference_id, lock=True)
    names = member_names(row)
    unit = values["unit_code"]
    if unit is not None and unit not in names:
        raise Unprocessable(f"{unit} is not a member of {row['cluster_code']} in {row['year']}", field="unit_code")
    # A unit naming its own delegate needs no host: the registry is asked only for the others.
    host = None if unit is not None and unit == actor.unit else await host_now(actor, row, registry)
    if not policy.may_name_delegate(actor, host_code=host, organiser=row["organiser"], unit_code=unit,
                                    members=names):
        raise Forbidden("a member unit names its own delegates; guests are named by the host or the ministry")
    _roster_open(row)
    try:
        async with conn.transaction():  # a savepoint: the duplicate voter is answered, the request goes on
            added = await store.add_attendee(conn, conference_id=conference_id, added_by=actor.subject, values={
                **values, "kind": "delegate" if unit else "guest", "unit_name": names.get(unit) if unit else None})
    except asyncpg.UniqueViolationError as exc:
        raise Conflict(f"{unit} already has a delegate who votes for it", field="votes",
                       slug="unit-has-a-voter") from exc
    await audit.record(conn, schema=SCHEMA, actor=actor, action="conference.attendee.add",
                       target=f"conference:{conference_id}",
                       details={"attendee": str(added["id"]), "unit_code": unit, "votes": added["votes"]})
    return attendee_public(added)


async def roster(conn: asyncpg.Connection, *, conference_id: uuid.UUID,
                 actor: Principal | None = None) -> list[dict[str, Any]]:
    await readable_conference(conn, actor=actor, conference_id=conference_id)
    return [attendee_public(r) for r in await store.attendees(conn, conference_id)]


async def check_in(conn: asyncpg.Connection, *, actor: Principal, conference_id: uuid.UUID,
                   delegate_id: uuid.UUID, registry: RegistryClient | None = None) -> dict[str, Any]:
    """Check a delegate in (once: a second check-in answers the first one's record). The check-in that
    first makes the quorum publishes ``conference.quorum_reached``."""
    row = await conference_for(conn, conference_id, lock=True)
    person = await store.attendee(conn, conference_id, delegate_id, lock=True)
    if person is None:
        raise NotFound(f"no delegate {delegate_id} at this conference", field="delegate_id")
    own = person["unit_code"] is not None and person["unit_code"] == actor.unit
    method = policy.check_in_method(actor, host_code=None if own else await host_now(actor, row, registry),
                                    organiser=row["organiser"], unit_code=person["unit_code"])
    if method is None:
        raise Forbidden("a delegate is checked in by its own unit's account or by the secretary's desk")
    if person["checked_in_at"] is None:
        _roster_open(row)
        with refusals():
            person = await store.check_in(conn, delegate_id, by=actor.subject, method=method)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="conference.check_in",
                           target=f"conference:{conference_id}",
                           details={"attendee": str(delegate_id), "method": method})
        if (await attendance(conn, row)).quorum_met and await store.mark_quorum_reached(conn, conference_id):
            await attendance_event(conn, row, CONFERENCE_QUORUM_REACHED)
    return {"delegate": attendee_public(person), "conference": await public(conn, row)}
