"""The covenant signed: each member unit signs the version in force, by its own account, naming the
signer and their position; the covenant binds every member once all have signed, and the list shows
who has not. A second signature of the same unit answers the first one."""
from __future__ import annotations

from typing import Any

import asyncpg

from services.nominations import organiser_rules
from services.nominations.scoring.domain import policy
from services.nominations.scoring.service.scores import SCHEMA, Period, _in_force, _where
from services.nominations.scoring.store import signatures as signature_store
from shared import audit
from shared.auth import Principal, unit_of
from shared.contracts.conferences import COVENANT_SIGNED, CovenantSignedV1
from shared.errors import Forbidden
from shared.events import emit


def _signature(row: asyncpg.Record) -> dict[str, Any]:
    return {"unit": {"code": row["unit_code"], "name": row["unit_name"]},
            "signer": {"name": row["signer_name"], "position": row["signer_position"]}, "signed_at": row["signed_at"]}


async def _listing(conn: asyncpg.Connection, *, period: Period, covenant: asyncpg.Record) -> dict[str, Any]:
    rows = await signature_store.of(conn, covenant["id"])
    signed = {r["unit_code"] for r in rows}
    order = {code: i for i, code in enumerate(period.get("rotation_order") or [])}
    members = sorted(period["members"], key=lambda m: (order.get(m["code"], len(order)), m["code"]))
    missing = [{"code": m["code"], "name": m["name"]} for m in members if m["code"] not in signed]
    return {"cluster_code": period["cluster_code"], "year": period["year"], "version": covenant["version"],
            "signatures": [_signature(r) for r in rows], "not_signed": missing, "in_force": not missing}


async def listing(conn: asyncpg.Connection, *, period: Period, actor: Principal | None = None) -> dict[str, Any]:
    if actor is not None and not organiser_rules.reads_cluster_work(
            actor, period.get("organiser"), [m["code"] for m in period["members"]]):
        raise Forbidden(f"{_where(period)} is {period.get('organiser')}'s: its office, its members and the ministry "
                        "read its signatures", slug="other-organiser")
    covenant = await _in_force(conn, cluster=period["cluster_code"], year=period["year"])
    return await _listing(conn, period=period, covenant=covenant)


async def sign(conn: asyncpg.Connection, *, actor: Principal, period: Period, signer_name: str,
               signer_position: str) -> dict[str, Any]:
    unit = unit_of(actor)
    names = {m["code"]: m["name"] for m in period["members"]}
    if unit is None or unit not in names or not policy.acts_as(actor, unit):
        raise Forbidden(f"only a member unit of {_where(period)} signs its covenant, with its own account")
    covenant = await _in_force(conn, cluster=period["cluster_code"], year=period["year"])
    row = await signature_store.insert(conn, covenant_id=covenant["id"], unit_code=unit, unit_name=names[unit],
                                       signer_name=signer_name, signer_position=signer_position,
                                       signed_by=actor.subject)
    answer = await _listing(conn, period=period, covenant=covenant)
    if row is None:  # signed already: the first signature stands
        return answer
    await audit.record(conn, schema=SCHEMA, actor=actor, action="covenant.sign",
                       target=f"covenant:{period['cluster_code']}/{period['year']}/v{covenant['version']}",
                       details={"unit": unit, "signer": signer_name, "position": signer_position})
    await emit(conn, schema=SCHEMA, type=COVENANT_SIGNED, aggregate_id=f"{period['cluster_code']}/{period['year']}",
               payload=CovenantSignedV1(
                   cluster_code=period["cluster_code"], year=period["year"], version=covenant["version"],
                   unit_code=unit, signer_name=signer_name, signer_position=signer_position,
                   not_signed=[m["code"] for m in answer["not_signed"]], in_force=answer["in_force"],
                   provinces=list(names)))
    return answer
