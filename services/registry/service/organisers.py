"""Organisers and units: who organises emulation, and who takes part.

Each write checks that the caller is the emulation office of the organiser concerned
(``domain.organisers``), applies the unit rules (``domain.units``), writes the change with its
history row and an audit row, and tells others through the outbox, on the caller's transaction.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain import organisers as rules
from services.registry.domain import units as unit_rules
from services.registry.domain.provinces import check_merger
from services.registry.store import communes as commune_store
from services.registry.store import organisers as organiser_store
from services.registry.store import units as unit_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "registry"


# ---------------------------------------------------------------- organisers

async def list_organisers(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [organiser_store.public(r) for r in await organiser_store.all(conn)]


async def get_organiser(conn: asyncpg.Connection, *, code: str) -> dict[str, Any]:
    return organiser_store.public(await require_organiser(conn, code, field="code"))


async def require_organiser(conn: asyncpg.Connection, code: str, *, field: str = "organiser") -> asyncpg.Record:
    row = await organiser_store.get(conn, code)
    if row is None:
        raise NotFound(f"no organiser {code}", field=field) if field == "code" \
            else Unprocessable(f"no organiser {code}", field=field)
    return row


async def create_organiser(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str, kind: str,
                           province_code: str | None, today: date) -> dict[str, Any]:
    """A new organiser (the ministry's staff): a provincial People's Committee for a province in
    force today, or another ministry."""
    actor.require_role("ministry")
    province_in_force = province_code is not None and \
        (await unit_store.by_code(conn, code=province_code, on=today)) is not None
    rules.check_organiser(kind=kind, province_code=province_code,  # type: ignore[arg-type]
                          province_in_force=province_in_force)
    if await organiser_store.get(conn, code) is not None:
        raise Conflict(f"organiser {code} already exists", field="code")
    if province_code is not None and (other := await organiser_store.by_province(conn, province_code)) is not None:
        raise Conflict(f"province {province_code} already has its organiser {other['code']}", field="province_code")
    row = await organiser_store.insert(conn, code=code, name=name, kind=kind, province_code=province_code,
                                       award_level=rules.award_level(kind), by=actor.subject)  # type: ignore[arg-type]
    result = organiser_store.public(row)
    # The province's communes of the national list, which no organiser held, are its units from now on.
    communes = await commune_store.hand_over(conn, province_code=province_code, organiser=code) \
        if province_code is not None else 0
    await audit.record(conn, schema=SCHEMA, actor=actor, action="organiser.create", target=f"organiser:{code}",
                       details={**result, "national_communes": communes})
    return result


# ---------------------------------------------------------------- units: reads

async def units_in_force(conn: asyncpg.Connection, *, on: date, organiser: str | None, kind: str | None,
                         after: str | None, limit: int, province: str | None = None) -> list[dict[str, Any]]:
    rows = await unit_store.in_force(conn, on=on, organiser=organiser, kind=kind, after=after, limit=limit,
                                     province=province)
    return [unit_store.public(r) for r in rows]


async def unit_on(conn: asyncpg.Connection, *, code: str, on: date) -> dict[str, Any]:
    """One unit as it was on ``on``: its successor, predecessors and the history of its code."""
    row = await unit_store.by_code(conn, code=code, on=on)
    if row is None:
        if await unit_store.history(conn, code=code):
            raise NotFound(f"code {code} named no unit on {on.isoformat()}", field="on")
        raise NotFound(f"no unit has code {code}", field="code")
    result = unit_store.public(row)
    result["successor"] = ({"code": row["successor_code"], "name": row["successor_name"],
                            "valid_from": row["successor_valid_from"]} if row["successor_code"] else None)
    result["predecessors"] = [
        {"code": p["code"], "name": p["name"], "valid_from": p["valid_from"], "valid_to": p["valid_to"]}
        for p in await unit_store.predecessors(conn, unit_id=row["id"])]
    result["changes"] = [dict(c) for c in await unit_store.changes(conn, code=code)]
    return result


async def unit_history(conn: asyncpg.Connection, *, code: str) -> list[dict[str, Any]]:
    return [unit_store.public(r) for r in await unit_store.history(conn, code=code)]


# ---------------------------------------------------------------- units: writes

async def create_unit(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str, kind: str,
                      organiser: str, form: str | None, province_code: str | None,
                      valid_from: date | None, valid_to: date | None = None,
                      successor_code: str | None = None) -> dict[str, Any]:
    """A unit of the caller's organiser (its emulation office assigns the code of any unit but a
    national one). A province's units lie in that province unless they say otherwise. A commune in
    force from 1 July 2025 is the national list's (already a unit); an office records a commune
    that ended before then, with ``valid_to`` and, when it merged into one, ``successor_code``."""
    org = await require_organiser(conn, organiser)
    rules.require_manages(actor, organiser, what="create its units")
    province_code = province_code or org["province_code"]
    unit_rules.check_new_unit(kind=kind, code=code, province_code=province_code)
    unit_rules.check_validity(valid_from=valid_from, valid_to=valid_to)
    form = unit_rules.check_form(kind=kind, form=form)
    if org["province_code"] is not None and province_code != org["province_code"]:
        raise Unprocessable(f"{org['name']}'s units lie in province {org['province_code']}", field="province_code")
    unit_rules.check_commune_listed(kind=kind, code=code, valid_to=valid_to,
                                    listed=await commune_store.is_listed(conn, code))
    for other in await unit_store.history(conn, code=code):
        if unit_rules.overlaps(other["valid_from"], other["valid_to"], valid_from, valid_to):
            listed = " (national list of communes)" if kind == "commune" and other["valid_to"] is None else ""
            raise Conflict(f"code {code} already names {other['name']}{listed}", field="code")
    successor = None
    if successor_code is not None:
        if valid_to is None:
            raise Unprocessable("a unit with a successor has its last day: give valid_to", field="valid_to")
        successor = await unit_store.by_code(conn, code=successor_code, on=valid_to + timedelta(days=1), lock=True)
        if successor is None:
            raise Unprocessable(f"no unit has code {successor_code} on {valid_to + timedelta(days=1)}, the day after "
                                "this one's last", field="successor_code")
        if successor["organiser_code"] != organiser:
            raise Unprocessable(f"{successor_code} ({successor['name']}) is not a unit of {organiser}",
                                field="successor_code", slug="other-organiser")
    unit_id = await unit_store.insert(conn, code=code, name=name, kind=kind, form=form, organiser=organiser,
                                      province_code=province_code, valid_from=valid_from, valid_to=valid_to,
                                      successor_id=successor["id"] if successor else None)
    await unit_store.record_change(conn, unit_id=unit_id, kind="created", effective_date=valid_from,
                                   details={"name": name}, reason=None, by=actor.subject)
    if successor is not None:
        assert valid_to is not None
        merged_on = valid_to + timedelta(days=1)
        await unit_store.record_change(conn, unit_id=unit_id, kind="merged", effective_date=merged_on,
                                       details={"successor": {"code": successor["code"], "name": successor["name"]}},
                                       reason=None, by=actor.subject)
        await unit_store.record_change(conn, unit_id=successor["id"], kind="absorbed", effective_date=merged_on,
                                       details={"sources": [{"code": code, "name": name}]}, reason=None,
                                       by=actor.subject)
    row = (await unit_store.by_ids(conn, [unit_id]))[unit_id]
    result = unit_store.public(row)
    await events.publish(conn, events.UNIT_CHANGED, aggregate_id=code, payload={
        "change": "created", "organiser": organiser, "unit": {"code": code, "name": name}, "kind": kind,
        "effective_date": valid_from.isoformat() if valid_from else None,
        "successor": {"code": successor["code"], "name": successor["name"]} if successor else None, "sources": []})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="unit.create", target=f"unit:{code}",
                       details={k: v for k, v in result.items() if k not in ("valid_from", "valid_to")})
    return result


async def _unit_for_change(conn: asyncpg.Connection, actor: Principal, code: str, *, on: date,
                           what: str, field: str = "code") -> asyncpg.Record:
    row = await unit_store.by_code(conn, code=code, on=on, lock=True)
    if row is None:
        latest = await unit_store.latest(conn, code=code)
        if latest is None:
            raise NotFound(f"no unit has code {code}", field=field)
        _require_holder(actor, latest, what=what)
        raise Unprocessable(f"{code} ({latest['name']}) is not in force on {on}", field="effective_date")
    _require_holder(actor, row, what=what)
    if row["kind"] == "province":
        raise Unprocessable("provinces change by merger (POST /v1/provinces/mergers)", field=field)
    return row


def _require_holder(actor: Principal, row: asyncpg.Record, *, what: str) -> None:
    if row["organiser_code"] is None:
        raise Forbidden(f"{row['code']} ({row['name']}) is a commune of the national list that no organiser holds yet: "
                        "it becomes its province's People's Committee's when that is an organiser",
                        slug="other-organiser")
    rules.require_manages(actor, row["organiser_code"], what=what)


async def rename_unit(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str, effective_date: date,
                      reason: str | None) -> dict[str, Any]:
    """A new name from ``effective_date``; the old one stays in the unit's history."""
    row = await _unit_for_change(conn, actor, code, on=effective_date, what="rename its units")
    unit_rules.check_rename(unit=unit_store.to_unit(row), new_name=name, effective_date=effective_date)
    await unit_store.rename(conn, unit_id=row["id"], name=name)
    details = {"from": row["name"], "to": name}
    await unit_store.record_change(conn, unit_id=row["id"], kind="renamed", effective_date=effective_date,
                                   details=details, reason=reason, by=actor.subject)
    await events.publish(conn, events.UNIT_CHANGED, aggregate_id=code, payload={
        "change": "renamed", "organiser": row["organiser_code"], "unit": {"code": code, "name": name},
        "kind": row["kind"], "effective_date": effective_date.isoformat(), "previous_name": row["name"],
        "successor": None, "sources": []})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="unit.rename", target=f"unit:{code}",
                       details={**details, "effective_date": effective_date.isoformat(), "reason": reason})
    return await unit_on(conn, code=code, on=effective_date)


async def dissolve_unit(conn: asyncpg.Connection, *, actor: Principal, code: str, effective_date: date,
                        reason: str) -> dict[str, Any]:
    """The unit ends the day before ``effective_date``, with no successor: it is no longer a member
    or a candidate after that day, and its past stays readable."""
    row = await _unit_for_change(conn, actor, code, on=effective_date, what="dissolve its units")
    eve = unit_rules.check_dissolve(unit=unit_store.to_unit(row), effective_date=effective_date)
    await unit_store.close(conn, unit_ids=[row["id"]], valid_to=eve, successor_id=None)
    await unit_store.record_change(conn, unit_id=row["id"], kind="dissolved", effective_date=effective_date,
                                   details={}, reason=reason, by=actor.subject)
    await events.publish(conn, events.UNIT_CHANGED, aggregate_id=code, payload={
        "change": "dissolved", "organiser": row["organiser_code"], "unit": {"code": code, "name": row["name"]},
        "kind": row["kind"], "effective_date": effective_date.isoformat(), "successor": None, "sources": []})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="unit.dissolve", target=f"unit:{code}",
                       details={"effective_date": effective_date.isoformat(), "reason": reason})
    return await unit_on(conn, code=code, on=eve)


async def merge_units(conn: asyncpg.Connection, *, actor: Principal, source_codes: list[str], successor_code: str,
                      successor_name: str | None, successor_kind: str | None, successor_form: str | None,
                      effective_date: date, reason: str) -> dict[str, Any]:
    """Units merge from ``effective_date``: into a unit already in force under ``successor_code``
    (absorption), or into a new unit with that code and name. The sources end the day before, with
    the successor as theirs: rotation, carry-over and award candidates follow it from then on."""
    if len(set(source_codes)) != len(source_codes):
        raise Unprocessable("a source appears twice", field="sources")
    sources = [await _unit_for_change(conn, actor, c, on=effective_date, what="merge its units", field="sources")
               for c in source_codes]
    organiser = sources[0]["organiser_code"]
    unit_rules.check_same_organiser(organisers=[s["organiser_code"] for s in sources], organiser=organiser)
    existing = await unit_store.by_code(conn, code=successor_code, on=effective_date, lock=True)
    eve = unit_rules.check_dissolve(unit=unit_store.to_unit(sources[0]), effective_date=effective_date)
    source_ids = [s["id"] for s in sources]
    if existing is not None and existing["id"] not in source_ids:
        rules.require_manages(actor, existing["organiser_code"], what="merge units into its unit")
        unit_rules.check_absorption(sources=[unit_store.to_unit(s) for s in sources],
                                    successor=unit_store.to_unit(existing), effective_date=effective_date)
        for s in sources:
            unit_rules.check_dissolve(unit=unit_store.to_unit(s), effective_date=effective_date)
        successor_id = existing["id"]
        successor_name = existing["name"]
        change = "absorbed"
    else:
        if successor_name is None:
            raise Unprocessable("a new successor needs its name", field="successor.name")
        kind = unit_rules.successor_kind(sources_kinds=[s["kind"] for s in sources], kind=successor_kind)
        unit_rules.check_new_unit(kind=kind, code=successor_code, province_code=sources[0]["province_code"])
        form = unit_rules.check_form(kind=kind, form=successor_form)
        check_merger(sources=[unit_store.to_unit(s) for s in sources], successor_code=successor_code,
                     effective_date=effective_date,
                     same_code_units=[unit_store.to_unit(r) for r in await unit_store.history(conn, code=successor_code)])
        await unit_store.close(conn, unit_ids=source_ids, valid_to=eve, successor_id=None)
        successor_id = await unit_store.insert(conn, code=successor_code, name=successor_name, kind=kind, form=form,
                                               organiser=organiser, province_code=sources[0]["province_code"],
                                               valid_from=effective_date)
        change = "merged"
    await unit_store.close(conn, unit_ids=source_ids, valid_to=eve, successor_id=successor_id)
    refs = [{"code": s["code"], "name": s["name"]} for s in sources]
    for s in sources:
        await unit_store.record_change(conn, unit_id=s["id"], kind="merged", effective_date=effective_date,
                                       details={"successor": {"code": successor_code, "name": successor_name}},
                                       reason=reason, by=actor.subject)
    await unit_store.record_change(conn, unit_id=successor_id, kind="absorbed" if change == "absorbed" else "created",
                                   effective_date=effective_date, details={"sources": refs}, reason=reason,
                                   by=actor.subject)
    await events.publish(conn, events.UNIT_CHANGED, aggregate_id=successor_code, payload={
        "change": "merged", "organiser": organiser, "unit": {"code": successor_code, "name": successor_name},
        "kind": (await unit_store.by_ids(conn, [successor_id]))[successor_id]["kind"],
        "effective_date": effective_date.isoformat(),
        "successor": {"code": successor_code, "name": successor_name}, "sources": refs})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="unit.merge", target=f"unit:{successor_code}",
                       details={"sources": refs, "effective_date": effective_date.isoformat(), "absorbed":
                                change == "absorbed", "reason": reason})
    return await unit_on(conn, code=successor_code, on=effective_date)


# ---------------------------------------------------------------- accounts of organisers and units

async def account_owner(conn: asyncpg.Connection, *, role: str, province_code: str | None, organiser: str | None,
                        unit_code: str | None) -> str | None:
    """The organiser an account to be created belongs to (None for ministry and service accounts),
    once what it acts for is checked: a province in the national list, an organiser, a unit."""
    rules.check_account_target(role=role, province_code=province_code, organiser=organiser, unit_code=unit_code)
    if role == "province":
        assert province_code is not None
        if not await unit_store.history(conn, code=province_code):
            raise Unprocessable(f"no provincial unit has code {province_code}", field="province_code")
        return rules.MINISTRY
    if role == "staff":
        assert organiser is not None
        await require_organiser(conn, organiser)
        return organiser
    if role == "unit":
        assert unit_code is not None
        unit = await unit_store.latest(conn, code=unit_code)
        if unit is None:
            raise Unprocessable(f"no unit has code {unit_code}", field="unit_code")
        if unit["organiser_code"] is None:
            raise Unprocessable(f"{unit_code} ({unit['name']}) belongs to no organiser yet: its province's People's "
                                "Committee becomes an organiser first", field="unit_code")
        return str(unit["organiser_code"])
    return None


def require_account_creator(actor: Principal, *, role: str, owner: str | None) -> None:
    """The ministry creates any account; an organiser's office its own staff and its units' accounts."""
    if not rules.may_create_account(actor, role=role, organiser=owner):
        raise Forbidden(f"{actor.subject} may not create a {role} account"
                        + (f" of {owner}" if owner else ""), slug="other-organiser")


def require_account_office(actor: Principal) -> None:
    """Accounts are kept by the ministry and the organisers' offices (403 for anyone else)."""
    rules.require_staff(actor, what="keep accounts")


def account_organiser(row: asyncpg.Record, unit_organiser: str | None) -> str | None:
    """Whose account it is: a staff account's organiser, a unit account's unit's, the ministry's for
    province and ministry accounts; None for service accounts."""
    if row["role"] == "staff":
        return str(row["organiser_code"])
    if row["role"] == "unit":
        return unit_organiser
    return rules.MINISTRY if row["role"] in ("ministry", "province") else None


async def unit_organiser(conn: asyncpg.Connection, unit_code: str | None) -> str | None:
    return await unit_store.organiser_of_code(conn, unit_code) if unit_code else None
