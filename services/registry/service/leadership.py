"""A cluster-year's lead and deputy: decided by rotation or election, corrected by the cluster's
organiser's office."""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain import policy, rotation
from services.registry.domain.periods import membership_day
from services.registry.service.access import require_cluster_keeper
from services.registry.service.clusters import require_cluster
from services.registry.store import clusters as cluster_store
from services.registry.store import units as unit_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "registry"


async def decide_leadership(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int, method: str,
                            lead: str | None, deputy: str | None, today: date) -> dict[str, Any]:
    cluster_row = await require_cluster(conn, cluster)
    previous = await cluster_store.leadership(conn, cluster=cluster, year=year - 1)
    period = await cluster_store.lock_period(conn, cluster=cluster, year=year)
    # The organiser's office, or the unit that led last year: it hosted the conference that decided.
    # A lead that has since merged away acts through the unit that absorbed it.
    organiser = cluster_row["organiser_code"]
    host = None
    if not policy.keeps_cluster(actor, organiser=organiser) and previous is not None and period is not None:
        host = await _current_unit_code(conn, previous["lead_id"], on=period["reference_date"])
    if not policy.may_record_leadership(actor, last_year_lead=host, organiser=organiser):
        raise Forbidden(f"only the emulation office of {organiser} or last year's lead may record the leadership")
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
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "organiser": organiser,
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
    """Replace a decided lead and deputy (the organiser's office only, with a reason; audited). The
    record keeps how the year was first decided; the event says ``method: correction``."""
    cluster_row = await require_cluster(conn, cluster)
    require_cluster_keeper(actor, cluster_row, what="correct its clusters' leadership")
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
    await require_cluster(conn, cluster)
    return [cluster_store.public_leadership(r) for r in await cluster_store.leadership_history(conn, cluster=cluster)]
