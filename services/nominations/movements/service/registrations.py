"""A unit's registration (đăng ký thi đua: targets and titles aimed for) and its reports per phase
(sơ kết) and for the whole movement (tổng kết), each only within its window."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from services.nominations.movements.domain import policy, rules, states
from services.nominations.movements.service.common import (
    movement_for,
    record,
    refusals,
    unit_for,
    window_until,
)
from services.nominations.movements.store import movements as movement_store
from services.nominations.movements.store import registrations as store
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable


def registration_out(row: asyncpg.Record) -> dict[str, Any]:
    return dict(row)


async def register(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, unit_code: str,
                   targets: list[dict[str, Any]], titles: list[dict[str, Any]], note: str | None,
                   today: date) -> tuple[dict[str, Any], bool]:
    """(the registration, whether it is new). Registering again within the window replaces it."""
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    await unit_for(conn, actor=actor, movement=movement, unit_code=unit_code)
    if movement["state"] != states.MovementState.launched:
        raise Conflict(f"registrations are taken while the movement is launched (it is {movement['state']})",
                       slug="registration-closed")
    until = await window_until(conn, movement_id, "registration", movement["registration_deadline"])
    if not rules.registration_open(today=today, deadline=movement["registration_deadline"], extended_to=until):
        raise Conflict(f"registration closed on {until}; the organiser may extend it", slug="registration-closed")
    criteria = {c["code"] for c in movement["criteria"]}
    for index, target in enumerate(targets):
        if target["criterion"] not in criteria:
            raise Unprocessable(f"the movement has no criterion {target['criterion']}",
                                field=f"targets.{index}.criterion")
    known_titles = {t["code"] for t in movement["titles"]}
    for index, title in enumerate(titles):
        if title["title"] not in known_titles:
            raise Unprocessable(f"the movement leads to no title {title['title']}", field=f"titles.{index}.title")
    with refusals():
        row, created = await store.upsert(conn, movement_id, unit_code, targets=targets, titles=titles, note=note,
                                          by=actor.subject)
    await record(conn, actor=actor, action="movement.register" if created else "movement.registration_update",
                 target=f"movement:{movement_id}/unit:{unit_code}",
                 details={"targets": len(targets), "titles": len(titles)})
    return registration_out(row), created


async def withdraw(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, unit_code: str,
                   today: date) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    await unit_for(conn, actor=actor, movement=movement, unit_code=unit_code)
    row = await store.get(conn, movement_id, unit_code)
    if row is None:
        raise NotFound(f"{unit_code} has not registered")
    with refusals():
        states.check("registration", row["state"], states.RegistrationState.withdrawn)
        await store.withdraw(conn, movement_id, unit_code)
    await record(conn, actor=actor, action="movement.registration_withdraw",
                 target=f"movement:{movement_id}/unit:{unit_code}")
    return registration_out(await store.get(conn, movement_id, unit_code))


async def _seen_parent(conn: asyncpg.Connection, actor: Principal | None, movement: asyncpg.Record) -> str | None:
    """None: everything (the organiser); else the province whose own and children's rows it sees."""
    if policy.may_see_all_of_movement(actor, movement["organiser_code"]):
        return None
    parent = policy.visible_units(actor)
    if parent is None or not await movement_store.units(conn, movement["id"], parent=parent):
        raise Forbidden("the organiser's staff and the units in scope see registrations and reports")
    return parent


async def listing(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, parent: str | None,
                  after: str | None, limit: int) -> list[dict[str, Any]]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    seen = await _seen_parent(conn, actor, movement)
    if seen is not None and parent not in (None, seen):
        raise Forbidden(f"a unit sees its own registrations and its children's ({seen})")
    rows = await store.listing(conn, movement_id, parent=parent or seen, after=after, limit=limit)
    return [registration_out(r) for r in rows]


# ---------------------------------------------------------------- reports

async def report(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID, unit_code: str,
                 phase_number: int, results: list[dict[str, Any]], summary: str, today: date) -> dict[str, Any]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    await unit_for(conn, actor=actor, movement=movement, unit_code=unit_code)
    if movement["state"] not in (states.MovementState.launched, states.MovementState.reviewing):
        raise Conflict(f"reports are taken while the movement runs (it is {movement['state']})",
                       slug="report-closed")
    registration = await store.get(conn, movement_id, unit_code)
    if registration is None or registration["state"] != states.RegistrationState.registered:
        raise Conflict(f"{unit_code} reports against its registration: it has not registered",
                       slug="not-registered")
    phases = {p["number"]: p for p in await movement_store.phases(conn, movement_id)}
    if phase_number and phase_number not in phases:
        raise Unprocessable(f"the movement has no phase {phase_number}", field="phase")
    phase = phases.get(phase_number)
    deadline = phase["report_deadline"] if phase else rules.final_report_deadline(movement["ends_on"])
    until = await window_until(conn, movement_id, f"report:{phase_number}", deadline)
    shape = rules.Phase(number=phase["number"], name=phase["name"], starts_on=phase["starts_on"],
                        ends_on=phase["ends_on"], report_deadline=phase["report_deadline"]) if phase else None
    if not rules.report_open(today=today, phase=shape, ends_on=movement["ends_on"], deadline=deadline,
                             extended_to=until):
        raise Conflict(f"the report is taken from a week before the end to {until}", slug="report-closed")
    criteria = {c["code"] for c in movement["criteria"]}
    for index, result in enumerate(results):
        if result["criterion"] not in criteria:
            raise Unprocessable(f"the movement has no criterion {result['criterion']}",
                                field=f"results.{index}.criterion")
    row = await store.put_report(conn, movement_id, unit_code, phase_number, results=results, summary=summary,
                                 by=actor.subject)
    await record(conn, actor=actor, action="movement.report", target=f"movement:{movement_id}/unit:{unit_code}",
                 details={"phase": phase_number})
    return {**dict(row), "phase": row["phase_number"]}


async def reports(conn: asyncpg.Connection, *, actor: Principal, movement_id: uuid.UUID,
                  phase_number: int | None) -> list[dict[str, Any]]:
    movement = await movement_for(conn, actor=actor, movement_id=movement_id)
    seen = await _seen_parent(conn, actor, movement)
    rows = await store.reports(conn, movement_id, phase_number=phase_number, parent=seen)
    return [{**dict(r), "phase": r["phase_number"]} for r in rows]
