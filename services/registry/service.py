"""Registry use cases: each takes the request's connection (inside its transaction) and the caller.

Every write checks the caller's role first, writes an audit row and, where others care, an event
through the outbox, all on the same transaction; the router commits.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain import rotation
from services.registry.domain.provinces import check_merger, eve_of
from services.registry.passwords import hash_password, verify_password
from services.registry.store import accounts as account_store
from services.registry.store import clusters as cluster_store
from services.registry.store import provinces as province_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable

SCHEMA = "registry"


# ---------------------------------------------------------------- accounts

async def account_by_username(conn: asyncpg.Connection, *, username: str) -> asyncpg.Record | None:
    return await account_store.by_username(conn, username)


async def check_credentials(account: asyncpg.Record | None, *, password: str) -> asyncpg.Record:
    """The account if it is active and the password is its own, else 401 (the same answer for an
    unknown user, a wrong password and a disabled account; a hash is checked in every case)."""
    ok = await verify_password(account["password_hash"] if account else None, password)
    if not ok or account is None or not account["active"]:
        raise Unauthorized("wrong username or password", slug="bad-credentials")
    return account


# ---------------------------------------------------------------- provinces

async def provinces_in_force(conn: asyncpg.Connection, *, on: date) -> list[dict[str, Any]]:
    return [province_store.public(r) for r in await province_store.in_force(conn, on=on)]


async def province_history(conn: asyncpg.Connection, *, code: str) -> list[dict[str, Any]]:
    """Every unit that has carried this code."""
    return [province_store.public(r) for r in await province_store.history(conn, code=code)]


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


async def merge_provinces(conn: asyncpg.Connection, *, actor: Principal, source_codes: list[str],
                          successor_code: str, successor_name: str, successor_kind: str,
                          effective_date: date) -> dict[str, Any]:
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
    source_ids = [r["id"] for r in sources]
    await province_store.close(conn, unit_ids=source_ids, valid_to=eve)
    successor_id = await province_store.insert(conn, code=successor_code, name=successor_name,
                                               kind=successor_kind, valid_from=effective_date)
    await province_store.link_successor(conn, unit_ids=source_ids, successor_id=successor_id)
    payload = {
        "successor": {"code": successor_code, "name": successor_name},
        "sources": [{"code": r["code"], "name": r["name"]} for r in sources],
        "effective_date": effective_date.isoformat(),
    }
    await events.publish(conn, events.PROVINCE_MERGED, aggregate_id=f"{successor_code}@{effective_date}", payload=payload)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="province.merge",
                       target=f"province:{successor_code}", details=payload)
    return await province_on(conn, code=successor_code, on=effective_date)


# ---------------------------------------------------------------- clusters

def _cluster_public(row: asyncpg.Record) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"], "organizer": row["organizer"], "kind": row["kind"]}


async def create_cluster(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str, organizer: str,
                         kind: str) -> dict[str, Any]:
    actor.require_role("ministry")
    if await cluster_store.get(conn, code) is not None:
        raise Conflict(f"cluster {code} already exists", field="code")
    row = await cluster_store.insert(conn, code=code, name=name, organizer=organizer, kind=kind)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="cluster.create", target=f"cluster:{code}",
                       details=_cluster_public(row))
    return {**_cluster_public(row), "years": []}


async def get_cluster(conn: asyncpg.Connection, *, code: str) -> dict[str, Any]:
    row = await cluster_store.get(conn, code)
    if row is None:
        raise NotFound(f"no cluster {code}", field="code")
    return {**_cluster_public(row), "years": await cluster_store.years(conn, code)}


async def list_clusters(conn: asyncpg.Connection, *, after: str | None, limit: int, year: int | None) -> list[dict]:
    return [_cluster_public(r) for r in await cluster_store.page(conn, after=after, limit=limit, year=year)]


async def _require_cluster(conn: asyncpg.Connection, code: str) -> asyncpg.Record:
    row = await cluster_store.get(conn, code)
    if row is None:
        raise NotFound(f"no cluster {code}", field="code")
    return row


async def _resolve_members(conn: asyncpg.Connection, codes: list[str], *, on: date, field: str) -> list[int]:
    found = await province_store.by_codes(conn, codes=codes, on=on)
    for code in codes:
        if code not in found:
            raise Unprocessable(f"{code} is not a provincial unit in force on {on.isoformat()}", field=field,
                                code=code)
    return [found[c]["id"] for c in codes]


async def set_period(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int,
                     members: list[str] | None, rotation_order: list[str] | None, copy_from: int | None,
                     reference_date: date | None) -> dict[str, Any]:
    actor.require_role("ministry")
    cluster_row = await _require_cluster(conn, cluster)
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
        succ = await province_store.successor_map(conn)
        units = await province_store.by_ids(conn, list({*succ.keys(), *succ.values(), *(m["id"] for m in source)}))

        order, replaced, dropped = rotation.carry_over(
            [m["id"] for m in source], in_force=lambda uid: province_store.to_unit(units[uid]).in_force_on(on),
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
        member_ids = await _resolve_members(conn, members, on=on, field="members")
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
    current = await cluster_store.leadership(conn, cluster=cluster, year=year)
    if current is not None:
        for role, uid in (("lead", current["lead_id"]), ("deputy", current["deputy_id"])):
            if uid not in rotation_ids:
                raise Conflict(f"this period's {role} must stay a member", slug="leader-removed")
    await cluster_store.save_period(conn, cluster=cluster, year=year, reference_date=on,
                                    copied_from=copy_from, rotation_order=rotation_ids)
    result = await get_period(conn, cluster=cluster, year=year)
    await events.publish(conn, events.PERIOD_UPDATED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "year": year,
        "members": [{"code": m["code"], "name": m["name"]} for m in result["members"]],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="period.set" if existing else "period.create",
                       target=f"cluster:{cluster}/{year}",
                       details={"members": result["rotation_order"], "copy_from": copy_from})
    if changes is not None:
        result["changes"] = changes
    return result


async def get_period(conn: asyncpg.Connection, *, cluster: str, year: int) -> dict[str, Any]:
    cluster_row = await _require_cluster(conn, cluster)
    period = await cluster_store.get_period(conn, cluster=cluster, year=year)
    if period is None:
        raise NotFound(f"cluster {cluster} has no period {year}", field="year")
    members = await cluster_store.members(conn, cluster=cluster, year=year)
    lead = await cluster_store.leadership(conn, cluster=cluster, year=year)
    return {
        "cluster_code": cluster,
        "cluster_name": cluster_row["name"],
        "year": year,
        "reference_date": period["reference_date"],
        "members": [{"code": m["code"], "name": m["name"], "valid_from": m["valid_from"], "valid_to": m["valid_to"]}
                    for m in sorted(members, key=lambda m: m["code"])],
        "rotation_order": [m["code"] for m in members],
        "lead": {"code": lead["lead_code"], "name": lead["lead_name"]} if lead else None,
        "deputy": {"code": lead["deputy_code"], "name": lead["deputy_name"]} if lead else None,
        "leadership_method": lead["method"] if lead else None,
        "copied_from": period["copied_from"],
    }


async def decide_leadership(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int, method: str,
                            lead: str | None, deputy: str | None) -> dict[str, Any]:
    cluster_row = await _require_cluster(conn, cluster)
    previous = await cluster_store.leadership(conn, cluster=cluster, year=year - 1)
    period = await cluster_store.lock_period(conn, cluster=cluster, year=year)
    # Ministry staff, or the province that led last year: it hosted the conference that decided.
    # A lead that has since merged away acts through the unit that absorbed it.
    if not actor.is_ministry:
        host = None
        if previous is not None and period is not None:
            host = await _current_unit_code(conn, previous["lead_id"], on=period["reference_date"])
        if not (actor.role == "province" and host is not None and host == actor.province):
            raise Forbidden("only ministry staff or last year's lead province may record the leadership")
    if period is None:
        raise NotFound(f"cluster {cluster} has no period {year}; set its members first", field="year")
    if await cluster_store.leadership(conn, cluster=cluster, year=year) is not None:
        raise Conflict(f"the leadership of {cluster} for {year} is already decided", slug="leadership-decided")
    members = await cluster_store.members(conn, cluster=cluster, year=year)
    by_code = {m["code"]: m["id"] for m in members}
    order = [m["id"] for m in members]
    if method == "rotation":
        if lead is not None or deputy is not None:
            raise Unprocessable("rotation decides lead and deputy itself; do not send them", field="lead")
        if previous is None:
            raise Conflict(f"no leadership is recorded for {year - 1}; decide {year} by election",
                           slug="rotation-impossible")
        succ = await province_store.successor_map(conn)
        start = rotation.resolve_previous_lead(previous["lead_id"], order, succ.get)
        lead_id, deputy_id = rotation.rotate_leadership(rotation_order=order, previous_lead=start)
    else:
        if lead is None or deputy is None:
            raise Unprocessable("an election names both the lead and the deputy", field="lead" if lead is None else "deputy")
        rotation.check_election(lead=lead, deputy=deputy, members=by_code)
        lead_id, deputy_id = by_code[lead], by_code[deputy]
    await cluster_store.insert_leadership(conn, cluster=cluster, year=year, lead_id=lead_id, deputy_id=deputy_id,
                                          method=method, decided_by=actor.subject)
    row = await cluster_store.leadership(conn, cluster=cluster, year=year)
    result = cluster_store.public_leadership(row)
    await events.publish(conn, events.LEADERSHIP_ROTATED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "year": year, "method": method,
        "lead": result["lead"], "deputy": result["deputy"],
        "members": [{"code": m["code"], "name": m["name"]} for m in members],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="leadership.decide",
                       target=f"cluster:{cluster}/{year}",
                       details={"method": method, "lead": result["lead"]["code"], "deputy": result["deputy"]["code"]})
    return result


async def _current_unit_code(conn: asyncpg.Connection, unit_id: int, *, on: date) -> str | None:
    """The code of ``unit_id`` on ``on``, following mergers to the unit that absorbed it."""
    succ = await province_store.successor_map(conn)
    units = await province_store.by_ids(conn, list({unit_id, *succ.keys(), *succ.values()}))
    current = rotation.follow_successors(unit_id, succ.get,
                                         until=lambda uid: province_store.to_unit(units[uid]).in_force_on(on))
    return units[current]["code"] if current is not None else None


async def leadership_history(conn: asyncpg.Connection, *, cluster: str) -> list[dict[str, Any]]:
    await _require_cluster(conn, cluster)
    return [cluster_store.public_leadership(r) for r in await cluster_store.leadership_history(conn, cluster=cluster)]


# ---------------------------------------------------------------- accounts

async def create_account(conn: asyncpg.Connection, *, actor: Principal, username: str, password: str, role: str,
                         province_code: str | None, display_name: str | None) -> dict[str, Any]:
    actor.require_role("ministry")
    if role == "province":
        if province_code is None:
            raise Unprocessable("a province account names its province", field="province_code")
        if not await province_store.code_exists(conn, province_code):
            raise Unprocessable(f"no provincial unit has code {province_code}", field="province_code")
    elif province_code is not None:
        raise Unprocessable(f"a {role} account acts for no province", field="province_code")
    if await account_store.by_username(conn, username) is not None:
        raise Conflict(f"account {username} already exists", field="username")
    row = await account_store.insert(conn, username=username, password_hash=await hash_password(password), role=role,
                                     province_code=province_code, display_name=display_name)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.create", target=f"account:{username}",
                       details={"role": role, "province_code": province_code})
    return {k: row[k] for k in ("id", "username", "role", "province_code", "display_name", "active", "created_at")}
