"""A movement: written as a draft by its organiser's staff, launched, moved through its phases by
the calendar, reviewed and closed."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import asyncpg

from services.nominations.movements.domain import policy, rules, states
from services.nominations.movements.service.common import (
    movement_for,
    publish,
    record,
    refusals,
    require_organiser,
)
from services.nominations.movements.store import documents as document_store
from services.nominations.movements.store import movements as store
from services.nominations.movements.store import registrations as registration_store
from services.nominations.registry_client import RegistryClient
from shared.auth import Principal
from shared.contracts import movements as contract
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable


def _phases(values: dict[str, Any]) -> list[rules.Phase]:
    return [rules.Phase(number=p["number"], name=p["name"], starts_on=p["starts_on"], ends_on=p["ends_on"],
                        report_deadline=p["report_deadline"]) for p in values["phases"]]


async def _scope(values: dict[str, Any], registry: RegistryClient) -> list[dict[str, Any]]:
    if values["scope"] == "provinces":
        return [{"code": p["code"], "name": p["name"], "kind": "province", "parent_code": None}
                for p in await registry.provinces()]
    if values["scope"] == "organiser":
        known = await registry.units_of(values["organiser_code"])
        if not known:
            raise rules.RuleError(f"the registry lists no units of {values['organiser_code']}: list them",
                                  field="scope")
        return [rules.scope_unit(u) for u in known]
    units: list[dict[str, Any]] = values["units"]
    if not units:
        raise rules.RuleError("a movement names the units in its scope (or scope: provinces)", field="units")
    rules.check_codes([u["code"] for u in units], field="units")
    return units


def _check(values: dict[str, Any]) -> None:
    rules.check_period(starts_on=values["starts_on"], ends_on=values["ends_on"],
                       registration_deadline=values["registration_deadline"])
    rules.check_phases(_phases(values), starts_on=values["starts_on"], ends_on=values["ends_on"])
    rules.check_codes([c["code"] for c in values["criteria"]], field="criteria")
    rules.check_codes([t["code"] for t in values["titles"]], field="titles")
    if values.get("document_number"):
        rules.check_document_number(values["document_number"])


async def create(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                 values: dict[str, Any]) -> dict[str, Any]:
    if not policy.may_create(actor, values["organiser_code"]):
        raise Forbidden(f"only the staff of {values['organiser_code']} may create its movements")
    with refusals():
        _check(values)
        units = await _scope(values, registry)
        row = await store.insert(conn, values=values, created_by=actor.subject)
        await store.replace_phases(conn, row["id"], values["phases"])
        await store.replace_units(conn, row["id"], units)
    await record(conn, actor=actor, action="movement.create", target=f"movement:{row['id']}",
                 details={"name": values["name"], "organiser": values["organiser_code"], "units": len(units)})
    return await get(conn, actor=actor, movement_id=row["id"])


async def update(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, movement_id: uuid.UUID,
                 values: dict[str, Any]) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id, lock=True)
    require_organiser(actor, movement, "change the movement")
    if movement["state"] != states.MovementState.draft:
        raise Conflict("a launched movement's period, phases and scope are fixed", slug="movement-launched")
    if values["organiser_code"] != movement["organiser_code"]:
        raise Unprocessable("a movement keeps its organiser", field="organiser_code")
    with refusals():
        _check(values)
        units = await _scope(values, registry)
        await store.update(conn, movement_id, values=values)
        await store.replace_phases(conn, movement_id, values["phases"])
        await store.replace_units(conn, movement_id, units)
    await record(conn, actor=actor, action="movement.update", target=f"movement:{movement_id}",
                 details={"name": values["name"], "units": len(units)})
    return await get(conn, actor=actor, movement_id=movement_id)


def fields() -> list[dict[str, str]]:
    return [{"code": code, "name": name} for code, name in rules.FIELDS.items()]


def current_phase(phases: list[asyncpg.Record]) -> int | None:
    return next((p["number"] for p in phases if p["state"] == states.PhaseState.open), None)


async def get(conn: asyncpg.Connection, *, actor: Principal | None, movement_id: uuid.UUID) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    phases = await store.phases(conn, movement_id)
    extensions = await store.extensions(conn, movement_id)
    extended = extensions.get("registration")
    documents = [dict(d) for d in await document_store.of_movement(conn, movement_id)]
    return {**dict(movement), "phases": [dict(p) for p in phases], "current_phase": current_phase(phases),
            "documents": documents,
            "units": await store.unit_count(conn, movement_id),
            "registration_open_until": max(movement["registration_deadline"], extended["until"]) if extended
            else movement["registration_deadline"],
            "extensions": [{"window": k, **{c: v[c] for c in ("until", "reason", "extended_by", "extended_at")}}
                           for k, v in sorted(extensions.items())]}


async def listing(conn: asyncpg.Connection, *, actor: Principal | None, state: str | None, organiser: str | None,
                  after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[dict[str, Any]]:
    rows = await store.listing(conn, organisers=actor.province if actor and actor.role == "province" else None,
                               all_organisers=bool(actor and actor.role == "ministry"),
                               staff_of=getattr(actor, "organiser", None) if actor and actor.role == "staff" else None,
                               state=state,
                               organiser=organiser, after=after, limit=limit)
    return [await get(conn, actor=actor, movement_id=r["id"]) for r in rows]


async def units(conn: asyncpg.Connection, *, actor: Principal | None, movement_id: uuid.UUID,
                parent: str | None) -> list[dict[str, Any]]:
    await movement_for(conn, actor=actor, movement_id=movement_id)
    return [{"code": u["unit_code"], "name": u["unit_name"], "kind": u["unit_kind"], "parent_code": u["parent_code"]}
            for u in await store.units(conn, movement_id, parent=parent)]


async def launch(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, document: dict[str, Any],
                 today: date) -> dict[str, Any]:
    """Launch (phát động) with its document; the phases the calendar has reached open at once."""
    movement = await movement_for(conn, actor=actor, movement_id=movement_id, lock=True)
    require_organiser(actor, movement, "launch the movement")
    number = document.get("document_number") or movement["document_number"]
    on = document.get("document_date") or movement["document_date"]
    signer = document.get("document_signer") or movement["document_signer"]
    for field, value in (("document_number", number), ("document_date", on), ("document_signer", signer)):
        if not value:
            raise Unprocessable("a movement is launched by a document: its number, date and signer",
                                field=field)
    with refusals():
        states.check("movement", movement["state"], states.MovementState.launched)
        rules.check_document_number(number)
        if movement["ends_on"] < today:
            raise rules.RuleError("the movement's period is over", field="ends_on")
        await store.set_document(conn, movement_id, number=number, on=on, signer=signer)
        row = await store.set_state(conn, movement_id, states.MovementState.launched)
    provinces = await store.unit_provinces(conn, movement_id)
    await publish(conn, type=contract.MOVEMENT_LAUNCHED, aggregate_id=movement_id, payload=contract.MovementLaunchedV1(
        movement_id=movement_id, name=row["name"], kind=row["kind"], organiser_code=row["organiser_code"],
        organiser_name=row["organiser_name"], starts_on=row["starts_on"], ends_on=row["ends_on"],
        registration_deadline=row["registration_deadline"], document_number=number,
        units=await store.unit_count(conn, movement_id), provinces=provinces))
    await record(conn, actor=actor, action="movement.launch", target=f"movement:{movement_id}",
                 details={"document_number": number})
    await move_phases(conn, movement=row, today=today)
    return await get(conn, actor=actor, movement_id=movement_id)


async def move_phases(conn: asyncpg.Connection, *, movement: asyncpg.Record, today: date) -> int:
    """Open the phases whose first day came, end those whose last day passed; an event for each."""
    phases = await store.phases(conn, movement["id"])
    moves = rules.phase_moves([(p["number"], p["state"], p["starts_on"], p["ends_on"]) for p in phases], today)
    provinces = await store.unit_provinces(conn, movement["id"]) if moves else []
    for number, state in moves:
        phase = await store.set_phase_state(conn, movement["id"], number, state)
        await publish(conn, type=contract.MOVEMENT_PHASE_STARTED if state == "open" else contract.MOVEMENT_PHASE_ENDED,
                      aggregate_id=movement["id"], payload=contract.MovementPhaseV1(
                          movement_id=movement["id"], name=movement["name"],
                          organiser_code=movement["organiser_code"], phase=number, phase_name=phase["name"],
                          starts_on=phase["starts_on"], ends_on=phase["ends_on"],
                          report_deadline=phase["report_deadline"], provinces=provinces))
    return len(moves)


async def sweep(conn: asyncpg.Connection, *, today: date) -> dict[str, int]:
    """The daily run: phases that start or end, reminders to unregistered units before a deadline.
    Idempotent: a phase moves once, a deadline is reminded once."""
    moved = 0
    for movement_id in sorted({r["movement_id"] for r in await store.due_phase_moves(conn, today)}):
        movement = await store.get(conn, movement_id, lock=True)
        if movement is not None and movement["state"] == states.MovementState.launched:
            moved += await move_phases(conn, movement=movement, today=today)
    reminded = 0
    for movement in await store.due_reminders(conn, today, rules.REMINDER_DAYS):
        late = await registration_store.unregistered(conn, movement["id"])
        await store.mark_reminded(conn, movement["id"], movement["deadline"])
        provinces = await store.unit_provinces(conn, movement["id"], late) if late else []
        if not late or not provinces:
            continue
        await publish(conn, type=contract.MOVEMENT_REGISTRATION_DUE, aggregate_id=movement["id"],
                      payload=contract.MovementRegistrationDueV1(
                          movement_id=movement["id"], name=movement["name"],
                          organiser_code=movement["organiser_code"], deadline=movement["deadline"],
                          unregistered=late, provinces=provinces))
        reminded += 1
    return {"phases_moved": moved, "reminders": reminded}


async def extend(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, window: str, until: date,
                 reason: str) -> dict[str, Any]:
    """The organiser moves a registration or report deadline later (audited, with its reason)."""
    movement = await movement_for(conn, actor=actor, movement_id=movement_id, lock=True)
    require_organiser(actor, movement, "extend a deadline")
    if movement["state"] == states.MovementState.closed:
        raise Conflict("the movement is closed", slug="movement-closed")
    if window == "registration":
        current = movement["registration_deadline"]
    else:
        number = int(window.split(":")[1])
        phase = next((p for p in await store.phases(conn, movement_id) if p["number"] == number), None)
        if number and phase is None:
            raise Unprocessable(f"the movement has no phase {number}", field="window")
        current = phase["report_deadline"] if phase else rules.final_report_deadline(movement["ends_on"])
    if until <= current:
        raise Unprocessable(f"an extension moves the deadline ({current}) later", field="until")
    await store.extend(conn, movement_id, window=window, until=until, reason=reason, by=actor.subject)
    await record(conn, actor=actor, action="movement.extend", target=f"movement:{movement_id}",
                 details={"window": window, "from": current.isoformat(), "until": until.isoformat(),
                          "reason": reason})
    return await get(conn, actor=actor, movement_id=movement_id)


async def review_phase(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, number: int,
                       summary: str) -> dict[str, Any]:
    """The organiser's sơ kết of an ended phase."""
    movement = await movement_for(conn, actor=actor, movement_id=movement_id, lock=True)
    require_organiser(actor, movement, "review a phase")
    phase = next((p for p in await store.phases(conn, movement_id) if p["number"] == number), None)
    if phase is None:
        raise NotFound(f"the movement has no phase {number}")
    with refusals():
        states.check("phase", phase["state"], states.PhaseState.reviewed)
        await store.set_phase_state(conn, movement_id, number, states.PhaseState.reviewed, summary=summary,
                                    by=actor.subject)
    await record(conn, actor=actor, action="movement.phase_review", target=f"movement:{movement_id}",
                 details={"phase": number})
    return await get(conn, actor=actor, movement_id=movement_id)


STEPS = {"review": states.MovementState.reviewing, "close": states.MovementState.closed}


async def advance(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID,
                  step: str) -> dict[str, Any]:
    """review: launched → reviewing (tổng kết begins); close: reviewing → closed."""
    target = STEPS[step]
    movement = await movement_for(conn, actor=actor, movement_id=movement_id, lock=True)
    require_organiser(actor, movement, "review or close the movement")
    with refusals():
        states.check("movement", movement["state"], target)
        await store.set_state(conn, movement_id, target)
    await record(conn, actor=actor, action=f"movement.{target}", target=f"movement:{movement_id}")
    return await get(conn, actor=actor, movement_id=movement_id)
