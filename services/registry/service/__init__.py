"""Registry use cases: each takes the request's connection (inside its transaction) and the caller.

Every write checks the caller's role first, writes an audit row and, where others care, an event
through the outbox, all on the same transaction; the router commits.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain import organisers as organiser_rules
from services.registry.domain import rotation
from services.registry.domain.passwords import password_problem
from services.registry.domain.periods import MemberSpan, check_change, membership_day
from services.registry.domain.provinces import check_merger, check_merger_window, check_undo, eve_of
from services.registry.passwords import hash_password, verify_password
from services.registry.service import organisers
from services.registry.store import accounts as account_store
from services.registry.store import clusters as cluster_store
from services.registry.store import organisers as organiser_store
from services.registry.store import provinces as province_store
from services.registry.store import units as unit_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "registry"


# ---------------------------------------------------------------- provinces

async def province_on(conn: asyncpg.Connection, *, code: str, on: date) -> dict[str, Any]:
    row = await province_store.by_code(conn, code=code, on=on)
    if row is None:
        if await province_store.code_exists(conn, code):
            raise NotFound(f"code {code} named no provincial unit on {on.isoformat()}", field="on")
        raise NotFound(f"no provincial unit has code {code}", field="code")
    result = province_store.public(row)
    if row["successor_code"]:
        result["successor"] = {"code": row["successor_code"], "name": row["successor_name"],
                               "valid_from": row["successor_valid_from"]}
    result["predecessors"] = [
        {"code": p["code"], "name": p["name"], "valid_from": p["valid_from"], "valid_to": p["valid_to"]}
        for p in await province_store.predecessors(conn, unit_id=row["id"])
    ]
    return result


async def provinces_in_force(conn: asyncpg.Connection, *, on: date) -> list[dict[str, Any]]:
    return [province_store.public(r) for r in await province_store.in_force(conn, on=on)]


async def province_history(conn: asyncpg.Connection, *, code: str) -> list[dict[str, Any]]:
    """Every unit that has carried ``code``."""
    return [province_store.public(r) for r in await province_store.history(conn, code=code)]


async def merge_provinces(conn: asyncpg.Connection, *, actor: Principal, source_codes: list[str],
                          successor_code: str, successor_name: str, successor_kind: str,
                          effective_date: date, today: date, window_days: int) -> dict[str, Any]:
    actor.require_role("ministry")
    if len(set(source_codes)) != len(source_codes):
        raise Unprocessable("a source appears twice", field="sources")
    eve = eve_of(effective_date)
    sources = []
    for code in source_codes:
        row = await province_store.by_code(conn, code=code, on=eve, lock=True)
        if row is None:
            raise Unprocessable(f"no unit with code {code} is in force on {eve}", field="sources")
        sources.append(row)
    check_merger(
        sources=[province_store.to_unit(r) for r in sources],
        successor_code=successor_code,
        effective_date=effective_date,
        same_code_units=[province_store.to_unit(r) for r in await province_store.history(conn, code=successor_code)],
    )
    check_merger_window(effective_date=effective_date, today=today, window_days=window_days)
    source_ids = [r["id"] for r in sources]
    await province_store.close(conn, unit_ids=source_ids, valid_to=eve)
    successor_id = await province_store.insert(conn, code=successor_code, name=successor_name,
                                               kind=successor_kind, valid_from=effective_date)
    await province_store.link_successor(conn, unit_ids=source_ids, successor_id=successor_id)
    merger_id = await province_store.record_merger(
        conn, successor_id=successor_id, effective_date=effective_date, by=actor.subject,
        sources=[{"id": r["id"], "code": r["code"], "name": r["name"],
                  "valid_to": r["valid_to"].isoformat() if r["valid_to"] else None} for r in sources])
    payload = {
        "successor": {"code": successor_code, "name": successor_name},
        "sources": [{"code": r["code"], "name": r["name"]} for r in sources],
        "effective_date": effective_date.isoformat(),
    }
    await events.publish(conn, events.PROVINCE_MERGED, aggregate_id=f"{successor_code}@{effective_date}",
                         payload=payload)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="province.merge",
                       target=f"province:{successor_code}", details=payload)
    return {**await province_on(conn, code=successor_code, on=effective_date), "merger_id": merger_id}


async def undo_merger(conn: asyncpg.Connection, *, actor: Principal, merger_id: int) -> dict[str, Any]:
    """Undo a merger made through the API (ministry), while nothing refers to the unit it created:
    the sources are in force again as before, the successor is gone."""
    actor.require_role("ministry")
    merger = await province_store.merger(conn, merger_id=merger_id, lock=True)
    if merger is None:
        raise NotFound(f"no merger {merger_id} (only mergers made through the API can be undone)", field="merger_id")
    successor = (await province_store.by_ids(conn, [merger["successor_id"]]))[merger["successor_id"]]
    check_undo(successor=province_store.to_unit(successor),
               later_references=await province_store.references(conn, unit_id=merger["successor_id"]))
    await province_store.unlink_merger(conn, merger_id=merger_id, successor_id=merger["successor_id"],
                                       sources=merger["sources"])
    payload = {
        "successor": {"code": successor["code"], "name": successor["name"]},
        "sources": [{"code": src["code"], "name": src["name"]} for src in merger["sources"]],
        "effective_date": merger["effective_date"].isoformat(),
    }
    await events.publish(conn, events.MERGER_UNDONE, aggregate_id=f"{successor['code']}@{merger['effective_date']}",
                         payload=payload)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="province.merge.undo",
                       target=f"province:{successor['code']}", details={"merger_id": merger_id, **payload})
    return {"merger_id": merger_id, "undone": True, **payload}


# ---------------------------------------------------------------- clusters

def _cluster_public(row: asyncpg.Record) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"], "organizer": row["organizer"],
            "organiser": row["organiser_code"], "kind": row["kind"], "allow_shared_members": row["allow_shared_members"]}


def _cluster_year(row: asyncpg.Record, year: int) -> dict[str, Any]:
    """A cluster with its lead, deputy and member count in ``year`` (``?year=`` of the list)."""
    return {**_cluster_public(row), "year": year, "member_count": row["member_count"],
            "lead": {"code": row["lead_code"], "name": row["lead_name"]} if row["lead_code"] else None,
            "deputy": {"code": row["deputy_code"], "name": row["deputy_name"]} if row["deputy_code"] else None,
            "leadership_method": row["leadership_method"]}


async def create_cluster(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str, organizer: str | None,
                         kind: str, allow_shared_members: bool = False,
                         organiser: str = organiser_rules.MINISTRY) -> dict[str, Any]:
    """A cluster of ``organiser`` (default: the ministry), by its emulation office; ``organizer``, the
    name its documents show, defaults to the organiser's name."""
    org = await organiser_store.get(conn, organiser)
    if org is None:
        raise Unprocessable(f"no organiser {organiser}", field="organiser")
    organiser_rules.require_manages(actor, organiser, what="create its clusters")
    if await cluster_store.get(conn, code) is not None:
        raise Conflict(f"cluster {code} already exists", field="code")
    row = await cluster_store.insert(conn, code=code, name=name, organizer=organizer or org["name"], kind=kind,
                                     allow_shared_members=allow_shared_members, organiser=organiser)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="cluster.create", target=f"cluster:{code}",
                       details=_cluster_public(row))
    return {**_cluster_public(row), "years": []}


async def get_cluster(conn: asyncpg.Connection, *, code: str) -> dict[str, Any]:
    row = await cluster_store.get(conn, code)
    if row is None:
        raise NotFound(f"no cluster {code}", field="code")
    return {**_cluster_public(row), "years": await cluster_store.years(conn, code)}


async def list_clusters(conn: asyncpg.Connection, *, after: str | None, limit: int, year: int | None,
                        today: date, organiser: str | None = None) -> list[dict[str, Any]]:
    rows = await cluster_store.page(conn, after=after, limit=limit, year=year, today=today, organiser=organiser)
    return [_cluster_year(r, year) if year is not None else _cluster_public(r) for r in rows]


async def update_cluster(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str | None,
                         organizer: str | None, allow_shared_members: bool | None) -> dict[str, Any]:
    """Rename a cluster, change its organizer, or allow its members to sit in another cluster of the
    same kind in one year (its organiser's office). The members of its current and later periods are told."""
    before = await _require_cluster(conn, code)
    organiser_rules.require_manages(actor, before["organiser_code"], what="change its clusters")
    after = await cluster_store.update(conn, code=code, name=name, organizer=organizer,
                                       allow_shared_members=allow_shared_members)
    changed = {k: {"from": before[k], "to": after[k]} for k in ("name", "organizer", "allow_shared_members")
               if before[k] != after[k]}
    result = {**_cluster_public(after), "years": await cluster_store.years(conn, code)}
    if not changed:
        return result
    years = result["years"]
    latest = max(years) if years else None
    members = await cluster_store.members(conn, cluster=code, year=latest) if latest is not None else []
    await events.publish(conn, events.CLUSTER_UPDATED, aggregate_id=code, payload={
        "cluster_code": code, "cluster_name": after["name"], "organiser": after["organiser_code"],
        "organizer": after["organizer"],
        "changes": changed, "year": latest,
        "members": [{"code": m["code"], "name": m["name"]} for m in members],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="cluster.update", target=f"cluster:{code}",
                       details={"changes": changed})
    return result


async def _require_cluster(conn: asyncpg.Connection, code: str) -> asyncpg.Record:
    row = await cluster_store.get(conn, code)
    if row is None:
        raise NotFound(f"no cluster {code}", field="code")
    return row


async def _managed_cluster(conn: asyncpg.Connection, actor: Principal, code: str, *, what: str) -> asyncpg.Record:
    """The cluster, when the caller is its organiser's emulation office (403 otherwise)."""
    row = await _require_cluster(conn, code)
    organiser_rules.require_manages(actor, row["organiser_code"], what=what)
    return row


async def _resolve_members(conn: asyncpg.Connection, codes: list[str], *, on: date, field: str,
                           organiser: str) -> dict[str, asyncpg.Record]:
    """The units ``codes`` name on ``on``: each in force then and one of the cluster's organiser's."""
    found = await unit_store.by_codes(conn, codes=codes, on=on)
    for code in codes:
        if code not in found:
            what = "provincial unit" if organiser == organiser_rules.MINISTRY else "unit"
            raise Unprocessable(f"{code} is not a {what} in force on {on.isoformat()}", field=field, code=code)
        if found[code]["organiser_code"] != organiser:
            raise Unprocessable(f"{code} ({found[code]['name']}) is a unit of {found[code]['organiser_code']}, not of "
                                f"{organiser}", field=field, code=code)
    return found


async def set_period(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int,
                     members: list[str] | None, rotation_order: list[str] | None, copy_from: int | None,
                     reference_date: date | None) -> dict[str, Any]:
    cluster_row = await _managed_cluster(conn, actor, cluster, what="set its clusters' members")
    on = reference_date or date(year, 1, 1)
    if on.year != year:
        raise Unprocessable("the reference date must fall in the period's year", field="reference_date")
    existing = await cluster_store.lock_period(conn, cluster=cluster, year=year)
    changes: dict[str, Any] | None = None
    if copy_from is not None:
        if members is not None or rotation_order is not None:
            raise Unprocessable("give either copy_from or members, not both", field="copy_from")
        source = await cluster_store.members(conn, cluster=cluster, year=copy_from)
        if not source:
            raise Unprocessable(f"cluster {cluster} has no period {copy_from} to copy from", field="copy_from")
        succ = await unit_store.successor_map(conn)
        units = await unit_store.by_ids(conn, list({*succ.keys(), *succ.values(), *(m["id"] for m in source)}))

        order, replaced, dropped = rotation.carry_over(
            [m["id"] for m in source], in_force=lambda uid: unit_store.to_unit(units[uid]).in_force_on(on),
            successor_of=succ.get)
        describe = lambda uid: {"code": units[uid]["code"], "name": units[uid]["name"]}  # noqa: E731
        changes = {
            "replaced": [{"from": describe(r.old), "to": describe(r.new)} for r in replaced],
            "merged_duplicates_removed": [describe(uid) for uid in dropped],
        }
        rotation_ids = order
    else:
        if members is None:
            raise Unprocessable("members is required (or copy_from)", field="members")
        resolved = await _resolve_members(conn, members, on=on, field="members", organiser=cluster_row["organiser_code"])
        member_ids = [resolved[c]["id"] for c in members]
        order_codes = rotation_order if rotation_order is not None else None
        if order_codes is not None:
            code_to_id = dict(zip(members, member_ids))
            unknown = [c for c in order_codes if c not in code_to_id]
            if unknown:
                raise Unprocessable(f"{unknown[0]} is in the rotation order but not a member", field="rotation_order")
            rotation_ids = rotation.validate_rotation_order(member_ids, [code_to_id[c] for c in order_codes])
        else:
            rotation_ids = rotation.validate_rotation_order(member_ids, None)
    if len(rotation_ids) < 2:
        raise Unprocessable("a cluster period needs at least two members", field="members")
    await _check_shared_members(conn, cluster_row=cluster_row, year=year, province_ids=rotation_ids,
                                from_day=date(year, 1, 1), field="members")
    before = {m["id"]: m for m in await cluster_store.all_members(conn, cluster=cluster, year=year)}
    current = await cluster_store.leadership(conn, cluster=cluster, year=year)
    if current is not None:
        for role, uid in (("lead", current["lead_id"]), ("deputy", current["deputy_id"])):
            if uid not in rotation_ids:
                raise Conflict(f"this period's {role} must stay a member", slug="leader-removed")
    await cluster_store.save_period(conn, cluster=cluster, year=year, reference_date=on,
                                    copied_from=copy_from, rotation_order=rotation_ids)
    result = await get_period(conn, cluster=cluster, year=year, on=None)
    after = {m["id"]: m for m in await cluster_store.all_members(conn, cluster=cluster, year=year)}
    await cluster_store.insert_change(
        conn, cluster=cluster, year=year, kind="set", effective_date=date(year, 1, 1),
        added=[{"code": m["code"], "name": m["name"]} for uid, m in after.items() if uid not in before],
        removed=[{"code": m["code"], "name": m["name"]} for uid, m in before.items() if uid not in after],
        reason=None, by=actor.subject)
    await events.publish(conn, events.PERIOD_UPDATED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "organiser": cluster_row["organiser_code"],
        "year": year,
        "members": [{"code": m["code"], "name": m["name"]} for m in result["members"]],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="period.set" if existing else "period.create",
                       target=f"cluster:{cluster}/{year}",
                       details={"members": result["rotation_order"], "copy_from": copy_from})
    if changes is not None:
        result["changes"] = changes
    return result


def _member_public(m: asyncpg.Record) -> dict[str, Any]:
    return {"code": m["code"], "name": m["name"], "valid_from": m["valid_from"], "valid_to": m["valid_to"],
            "joined_on": m["joined_on"], "left_on": m["left_on"]}


async def get_period(conn: asyncpg.Connection, *, cluster: str, year: int, on: date | None) -> dict[str, Any]:
    """The period as on ``on`` (members that day; ``former_members`` left before it). ``on=None``:
    the members that have not left."""
    cluster_row = await _require_cluster(conn, cluster)
    period = await cluster_store.get_period(conn, cluster=cluster, year=year)
    if period is None:
        raise NotFound(f"cluster {cluster} has no period {year}", field="year")
    everyone = await cluster_store.all_members(conn, cluster=cluster, year=year)
    spans = {m["id"]: MemberSpan(m["id"], m["joined_on"], m["left_on"]) for m in everyone}
    if on is None:
        members = [m for m in everyone if m["left_on"] is None]
    else:
        members = [m for m in everyone if spans[m["id"]].member_on(on)]
    former = [m for m in everyone if m["left_on"] is not None and (on is None or m["left_on"] <= on)]
    lead = await cluster_store.leadership(conn, cluster=cluster, year=year)
    return {
        "cluster_code": cluster,
        "cluster_name": cluster_row["name"],
        "cluster_kind": cluster_row["kind"],
        "organiser": cluster_row["organiser_code"],
        "year": year,
        "on": on,
        "reference_date": period["reference_date"],
        "members": [_member_public(m) for m in sorted(members, key=lambda m: m["code"])],
        "former_members": [_member_public(m) for m in sorted(former, key=lambda m: m["code"])],
        "rotation_order": [m["code"] for m in members],
        "lead": {"code": lead["lead_code"], "name": lead["lead_name"]} if lead else None,
        "deputy": {"code": lead["deputy_code"], "name": lead["deputy_name"]} if lead else None,
        "leadership_method": lead["method"] if lead else None,
        "copied_from": period["copied_from"],
    }


async def period_on(conn: asyncpg.Connection, *, cluster: str, year: int, on: date | None,
                    today: date) -> dict[str, Any]:
    """The period as read over HTTP: on ``on``, or by default today in Vietnam (within the year)."""
    return await get_period(conn, cluster=cluster, year=year, on=on or membership_day(year, today))


async def _check_shared_members(conn: asyncpg.Connection, *, cluster_row: asyncpg.Record, year: int,
                                province_ids: list[int], from_day: date, field: str) -> None:
    """A unit sits in one cluster of a kind per year, unless the ministry allows it for this cluster."""
    if cluster_row["allow_shared_members"] or not province_ids:
        return
    clashes = await cluster_store.same_kind_memberships(conn, cluster=cluster_row["code"], year=year,
                                                        kind=cluster_row["kind"], province_ids=province_ids,
                                                        from_day=from_day)
    if clashes:
        c = clashes[0]
        raise Conflict(f"{c['code']} ({c['name']}) is already a member of {c['cluster_code']} in {year}, a cluster of "
                       f"the same kind; the ministry may allow shared members for {cluster_row['code']}",
                       field=field, slug="member-of-another-cluster", code=c["code"], cluster=c["cluster_code"])


def _history_public(row: asyncpg.Record) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "kind", "effective_date", "added", "removed", "reason", "changed_by",
                                "changed_at")}


async def change_members(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int,
                         effective_date: date, add: list[str], remove: list[str], reason: str) -> dict[str, Any]:
    """Members join or leave the period from ``effective_date`` (its organiser's office); kept as history."""
    cluster_row = await _managed_cluster(conn, actor, cluster, what="change its clusters' members")
    if await cluster_store.lock_period(conn, cluster=cluster, year=year) is None:
        raise NotFound(f"cluster {cluster} has no period {year}", field="year")
    everyone = await cluster_store.all_members(conn, cluster=cluster, year=year)
    by_code = {m["code"]: m for m in everyone}
    added_units = await _resolve_members(conn, add, on=effective_date, field="add",
                                         organiser=cluster_row["organiser_code"]) if add else {}
    # Units are keyed by code within one period: a code names one unit on the effective date.
    lead = await cluster_store.leadership(conn, cluster=cluster, year=year)
    keep = [lead["lead_code"], lead["deputy_code"]] if lead else []
    check_change(year=year, effective_date=effective_date,
                 spans=[MemberSpan(m["code"], m["joined_on"], m["left_on"]) for m in everyone],
                 add=add, remove=remove, keep=keep)
    for code in add:
        if code in by_code and by_code[code]["id"] != added_units[code]["id"]:
            raise Unprocessable(f"code {code} names another unit in this period", field="add", code=code)
    await _check_shared_members(conn, cluster_row=cluster_row, year=year,
                                province_ids=[added_units[c]["id"] for c in add], from_day=effective_date,
                                field="add")
    for code in add:
        await cluster_store.add_member(conn, cluster=cluster, year=year, province_id=added_units[code]["id"],
                                       joined_on=effective_date)
    for code in remove:
        await cluster_store.remove_member(conn, cluster=cluster, year=year, province_id=by_code[code]["id"],
                                          left_on=effective_date)
    added = [{"code": c, "name": added_units[c]["name"]} for c in add]
    removed = [{"code": c, "name": by_code[c]["name"]} for c in remove]
    change = await cluster_store.insert_change(conn, cluster=cluster, year=year, kind="change",
                                               effective_date=effective_date, added=added, removed=removed,
                                               reason=reason, by=actor.subject)
    period = await get_period(conn, cluster=cluster, year=year, on=effective_date)
    await events.publish(conn, events.MEMBERS_CHANGED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "organiser": cluster_row["organiser_code"],
        "year": year,
        "effective_date": effective_date.isoformat(), "added": added, "removed": removed, "reason": reason,
        "members": [{"code": m["code"], "name": m["name"]} for m in period["members"]],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="period.change_members",
                       target=f"cluster:{cluster}/{year}",
                       details={"effective_date": effective_date.isoformat(), "add": add, "remove": remove,
                                "reason": reason})
    return {"change": _history_public(change), "period": period}


async def period_history(conn: asyncpg.Connection, *, cluster: str, year: int) -> list[dict[str, Any]]:
    await _require_cluster(conn, cluster)
    if await cluster_store.get_period(conn, cluster=cluster, year=year) is None:
        raise NotFound(f"cluster {cluster} has no period {year}", field="year")
    return [_history_public(r) for r in await cluster_store.changes(conn, cluster=cluster, year=year)]


async def decide_leadership(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int, method: str,
                            lead: str | None, deputy: str | None, today: date) -> dict[str, Any]:
    cluster_row = await _require_cluster(conn, cluster)
    previous = await cluster_store.leadership(conn, cluster=cluster, year=year - 1)
    period = await cluster_store.lock_period(conn, cluster=cluster, year=year)
    # The organiser's office, or the unit that led last year: it hosted the conference that decided.
    # A lead that has since merged away acts through the unit that absorbed it.
    if not organiser_rules.manages(actor, cluster_row["organiser_code"]):
        host = None
        if previous is not None and period is not None:
            host = await _current_unit_code(conn, previous["lead_id"], on=period["reference_date"])
        if not (actor.is_unit and host is not None and host == actor.unit):
            raise Forbidden(f"only the emulation office of {cluster_row['organiser_code']} or last year's lead "
                            "may record the leadership")
    if period is None:
        raise NotFound(f"cluster {cluster} has no period {year}; set its members first", field="year")
    if await cluster_store.leadership(conn, cluster=cluster, year=year) is not None:
        raise Conflict(f"the leadership of {cluster} for {year} is already decided", slug="leadership-decided")
    members = await cluster_store.members(conn, cluster=cluster, year=year, on=membership_day(year, today))
    by_code = {m["code"]: m["id"] for m in members}
    order = [m["id"] for m in members]
    if method == "rotation":
        if lead is not None or deputy is not None:
            raise Unprocessable("rotation decides lead and deputy itself; do not send them", field="lead")
        if previous is None:
            raise Conflict(f"no leadership is recorded for {year - 1}; decide {year} by election",
                           slug="rotation-impossible")
        succ = await unit_store.successor_map(conn)
        start = rotation.resolve_previous_lead(previous["lead_id"], order, succ.get)
        lead_id, deputy_id = rotation.rotate_leadership(rotation_order=order, previous_lead=start)
    else:
        if lead is None or deputy is None:
            raise Unprocessable("an election names both the lead and the deputy",
                                field="lead" if lead is None else "deputy")
        rotation.check_election(lead=lead, deputy=deputy, members=by_code)
        lead_id, deputy_id = by_code[lead], by_code[deputy]
    await cluster_store.insert_leadership(conn, cluster=cluster, year=year, lead_id=lead_id, deputy_id=deputy_id,
                                          method=method, decided_by=actor.subject)
    row = await cluster_store.leadership(conn, cluster=cluster, year=year)
    result = cluster_store.public_leadership(row)
    await events.publish(conn, events.LEADERSHIP_ROTATED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "organiser": cluster_row["organiser_code"],
        "year": year, "method": method,
        "lead": result["lead"], "deputy": result["deputy"],
        "members": [{"code": m["code"], "name": m["name"]} for m in members],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="leadership.decide",
                       target=f"cluster:{cluster}/{year}",
                       details={"method": method, "lead": result["lead"]["code"], "deputy": result["deputy"]["code"]})
    return result


async def correct_leadership(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int, lead: str,
                             deputy: str, reason: str, today: date) -> dict[str, Any]:
    """Replace a decided lead and deputy (ministry only, with a reason; audited). The record keeps
    how the year was first decided; the event says ``method: correction``."""
    cluster_row = await _managed_cluster(conn, actor, cluster, what="correct its clusters' leadership")
    if await cluster_store.lock_period(conn, cluster=cluster, year=year) is None:
        raise NotFound(f"cluster {cluster} has no period {year}", field="year")
    current = await cluster_store.leadership(conn, cluster=cluster, year=year)
    if current is None:
        raise Conflict(f"the leadership of {cluster} for {year} is not decided yet: decide it first",
                       slug="leadership-undecided")
    members = await cluster_store.members(conn, cluster=cluster, year=year, on=membership_day(year, today))
    by_code = {m["code"]: m["id"] for m in members}
    rotation.check_election(lead=lead, deputy=deputy, members=by_code)
    if (current["lead_code"], current["deputy_code"]) == (lead, deputy):
        raise Unprocessable(f"{lead} and {deputy} already lead {cluster} in {year}", field="lead")
    await cluster_store.correct_leadership(conn, cluster=cluster, year=year, lead_id=by_code[lead],
                                           deputy_id=by_code[deputy], reason=reason, by=actor.subject)
    row = await cluster_store.leadership(conn, cluster=cluster, year=year)
    result = cluster_store.public_leadership(row)
    previous = {"lead": {"code": current["lead_code"], "name": current["lead_name"]},
                "deputy": {"code": current["deputy_code"], "name": current["deputy_name"]}}
    await events.publish(conn, events.LEADERSHIP_CORRECTED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "organiser": cluster_row["organiser_code"],
        "year": year, "method": "correction",
        "decided_method": current["method"], "lead": result["lead"], "deputy": result["deputy"],
        "previous": previous, "reason": reason,
        "members": [{"code": m["code"], "name": m["name"]} for m in members],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="leadership.correct",
                       target=f"cluster:{cluster}/{year}",
                       details={"lead": lead, "deputy": deputy, "previous_lead": current["lead_code"],
                                "previous_deputy": current["deputy_code"], "reason": reason})
    return result


async def _current_unit_code(conn: asyncpg.Connection, unit_id: int, *, on: date) -> str | None:
    """The code of ``unit_id`` on ``on``, following mergers to the unit that absorbed it."""
    succ = await unit_store.successor_map(conn)
    units = await unit_store.by_ids(conn, list({unit_id, *succ.keys(), *succ.values()}))
    current = rotation.follow_successors(unit_id, succ.get,
                                         until=lambda uid: unit_store.to_unit(units[uid]).in_force_on(on))
    return units[current]["code"] if current is not None else None


async def leadership_history(conn: asyncpg.Connection, *, cluster: str) -> list[dict[str, Any]]:
    await _require_cluster(conn, cluster)
    return [cluster_store.public_leadership(r) for r in await cluster_store.leadership_history(conn, cluster=cluster)]


# ---------------------------------------------------------------- accounts

async def create_account(conn: asyncpg.Connection, *, actor: Principal, username: str, password: str, role: str,
                         province_code: str | None, display_name: str | None, organiser: str | None = None,
                         unit_code: str | None = None) -> dict[str, Any]:
    """An account (the ministry: any; an organiser's office: its staff and its units' accounts)."""
    organisers.require_account_office(actor)
    owner = await organisers.account_owner(conn, role=role, province_code=province_code, organiser=organiser,
                                           unit_code=unit_code)
    organisers.require_account_creator(actor, role=role, owner=owner)
    if await account_store.by_username(conn, username) is not None:
        raise Conflict(f"account {username} already exists", field="username")
    row = await account_store.insert(conn, username=username, password_hash=await hash_password(password), role=role,
                                     province_code=province_code, display_name=display_name,
                                     organiser_code=organiser, unit_code=unit_code)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.create", target=f"account:{username}",
                       details={"role": role, "province_code": province_code, "organiser": organiser,
                                "unit_code": unit_code})
    return account_store.public(row)


async def list_accounts(conn: asyncpg.Connection, *, actor: Principal, role: str | None, province: str | None,
                        after: str | None, limit: int, organiser: str | None = None) -> list[dict[str, Any]]:
    """Who can sign in, and for whom: the ministry every account (or one organiser's), an
    organiser's office its own staff and its units' accounts."""
    organisers.require_account_office(actor)
    if not actor.is_ministry:
        organiser = actor.staff_of
    rows = await account_store.page(conn, role=role, province=province, after=after, limit=limit,
                                    organiser=organiser)
    return [account_store.public(r) for r in rows]


async def get_account(conn: asyncpg.Connection, *, actor: Principal, username: str) -> dict[str, Any]:
    """One account's details: ministry staff, its organiser's office, or the account itself."""
    row = await account_store.by_username(conn, username)
    owner = organisers.account_organiser(row, await organisers.unit_organiser(conn, row["unit_code"])) if row else None
    if not (actor.is_ministry or actor.subject == username
            or (actor.role == "staff" and owner is not None and organiser_rules.manages(actor, owner))):
        raise Forbidden("an account's details are read by ministry staff, its organiser's office and the account "
                        "itself")
    if row is None:
        raise NotFound(f"no account {username}", field="username")
    return account_store.public(row)


# ---------------------------------------------------------------- account security

def check_password_policy(settings: Any, *, username: str, password: str, field: str) -> None:
    """422 naming ``field`` when the password is short or easy to guess (domain/passwords.py)."""
    problem = password_problem(password, username=username, min_length=settings.password_min_length,
                               min_score=settings.password_min_score)
    if problem:
        raise Unprocessable(f"password refused: {problem}", field=field, slug="weak-password")


async def change_password(conn: asyncpg.Connection, *, actor: Principal, current_password: str,
                          new_password: str) -> int:
    """The caller's own password; returns the new token version (older tokens stop verifying)."""
    account = await account_store.by_username(conn, actor.subject, lock=True)
    if account is None or not account["active"]:
        raise Forbidden("this account cannot change its password", slug="account-disabled")
    if not await verify_password(account["password_hash"], current_password):
        raise Forbidden("the current password is wrong", field="current_password", slug="bad-credentials")
    if current_password == new_password:
        raise Unprocessable("the new password must differ from the current one", field="new_password")
    version = await account_store.set_password(conn, username=actor.subject,
                                               password_hash=await hash_password(new_password))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.password_change",
                       target=f"account:{actor.subject}", details={})
    return version


async def set_account_active(conn: asyncpg.Connection, *, actor: Principal, username: str,
                             active: bool) -> dict[str, Any]:
    """Ministry (any account) or an organiser's office (its own staff and units' accounts) disables
    an account (its tokens stop verifying everywhere) or re-enables it."""
    organisers.require_account_office(actor)
    if username == actor.subject and not active:
        raise Conflict("an account cannot disable itself", field="username")
    account = await account_store.by_username(conn, username, lock=True)
    if not actor.is_ministry:
        owner = organisers.account_organiser(account, await organisers.unit_organiser(conn, account["unit_code"])) \
            if account else None
        if account is None or account["role"] not in ("staff", "unit") or owner is None \
                or not organiser_rules.manages(actor, owner):
            raise Forbidden("an organiser's office keeps only its own staff and units' accounts", slug="other-organiser")
    if account is None:
        raise NotFound(f"no account {username}", field="username")
    if account["active"] == active:
        row = account
    else:
        row = await account_store.set_active(conn, username=username, active=active, by=actor.subject)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="account.enable" if active else "account.disable",
                           target=f"account:{username}", details={})
    return {k: row[k] for k in ("username", "role", "province_code", "active", "disabled_at", "disabled_by",
                                "token_version")}
