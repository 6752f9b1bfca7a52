"""A cluster's years: the members of each period, their rotation order, and the members who join
or leave during the year (ministry), kept as history."""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain import rotation
from services.registry.domain.organisers import MINISTRY
from services.registry.domain.periods import MemberSpan, check_change, membership_day
from services.registry.service.access import require_cluster_keeper
from services.registry.service.clusters import require_cluster
from services.registry.store import clusters as cluster_store
from services.registry.store import units as unit_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable

SCHEMA = "registry"


async def _resolve_members(conn: asyncpg.Connection, codes: list[str], *, on: date, field: str,
                           organiser: str) -> dict[str, asyncpg.Record]:
    """The units ``codes`` name on ``on``: each in force then and one of the cluster's organiser's."""
    found = await unit_store.by_codes(conn, codes=codes, on=on)
    for code in codes:
        if code not in found:
            what = "provincial unit" if organiser == MINISTRY else "unit"
            raise Unprocessable(f"{code} is not a {what} in force on {on.isoformat()}", field=field, code=code)
        if found[code]["organiser_code"] != organiser:
            raise Unprocessable(f"{code} ({found[code]['name']}) is a unit of {found[code]['organiser_code']}, not of "
                                f"{organiser}", field=field, code=code)
    return found


async def set_period(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int,
                     members: list[str] | None, rotation_order: list[str] | None, copy_from: int | None,
                     reference_date: date | None) -> dict[str, Any]:
    cluster_row = await require_cluster(conn, cluster)
    require_cluster_keeper(actor, cluster_row, what="set its clusters' members")
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
        resolved = await _resolve_members(conn, members, on=on, field="members",
                                          organiser=cluster_row["organiser_code"])
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
    cluster_row = await require_cluster(conn, cluster)
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
    cluster_row = await require_cluster(conn, cluster)
    require_cluster_keeper(actor, cluster_row, what="change its clusters' members")
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
    await require_cluster(conn, cluster)
    if await cluster_store.get_period(conn, cluster=cluster, year=year) is None:
        raise NotFound(f"cluster {cluster} has no period {year}", field="year")
    return [_history_public(r) for r in await cluster_store.changes(conn, cluster=cluster, year=year)]
