"""Paper-ballot disputes: the member disputes, the ministry rules, certification waits."""
from __future__ import annotations

import uuid
from typing import Any, Mapping

import asyncpg

from services.nominations.voting import events
from services.nominations.voting.domain import policy

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.service.access import (
    SCHEMA,
    _load,
)
from services.nominations.voting.store import disputes as dispute_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound

# ---------------------------------------------------------------- paper ballot disputes
# The member is told when the lead enters a paper ballot for it (event paper_ballot_recorded), may
# dispute it while the round is open, and the ministry rules. A round with a pending dispute, or a
# paper ballot ruled void, cannot be certified (a trigger enforces it too): ballots cannot be traced
# to voters, so a void paper ballot voids the count and the lead holds a new vote.

RULINGS = ("ballot_stands", "ballot_void")


def dispute_public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"round_id": str(row["round_id"]), "province_code": row["province_code"], "reason": row["reason"],
            "disputed_by": row["disputed_by"], "disputed_at": row["disputed_at"],
            "ruling": row["ruling"], "ruling_note": row["ruling_note"], "ruled_by": row["ruled_by"],
            "ruled_at": row["ruled_at"]}


async def dispute_paper_ballot(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, reason: str) -> dict[str, Any]:
    """The member disputes the paper ballot the lead entered for it (while the round is open)."""
    r = await _load(conn, round_id, lock="share")
    if not actor.is_unit or actor.unit not in (r["electorate"] or []):
        raise Forbidden("only a member of this round's electorate may dispute the paper ballot entered for it")
    if r["state"] != "open":
        raise Conflict(f"the round is {r['state']}: disputes are taken while it is open", slug="round-not-open")
    paper = await dispute_store.paper_participation(conn, round_id, actor.unit)  # type: ignore[arg-type]
    if paper is None:
        raise Conflict(f"no paper ballot was entered for province {actor.unit} in this round",
                       slug="no-paper-ballot")
    row = await dispute_store.insert(conn, round_id=round_id, province=actor.unit, reason=reason,  # type: ignore[arg-type]
                                     by=actor.subject)
    if row is None:
        raise Conflict("this paper ballot is already disputed", slug="already-disputed")
    await events.publish(conn, events.PAPER_BALLOT_DISPUTED, round_id=round_id,
                         payload=events.paper_ballot_disputed(r, voter=actor.unit,  # type: ignore[arg-type]
                                                              document_ref=paper["document_ref"], reason=reason))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="ballot.paper_disputed", target=f"round:{round_id}",
                       details={"voter": actor.unit, "document_ref": paper["document_ref"]})
    return dispute_public(row)


async def rule_on_dispute(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, province: str, ruling: str,
               note: str) -> dict[str, Any]:
    """The ministry's ruling, final: the ballot stands, or it is void (the round cannot be certified)."""
    r = await _load(conn, round_id, lock="share")
    if not policy.may_decide(actor, organiser=r["organiser"]):
        raise Forbidden("only the emulation office of the round's organiser (ministry staff for the ministry's "
                        "clusters) may rule on a disputed paper ballot")
    row = await dispute_store.get(conn, round_id, province, lock=True)
    if row is None:
        raise NotFound(f"province {province} has not disputed a paper ballot in this round", field="province")
    if row["ruling"] is not None:
        raise Conflict(f"already ruled: {row['ruling']}", slug="already-ruled")
    ruled = await dispute_store.rule(conn, round_id=round_id, province=province, ruling=ruling, note=note,
                                     by=actor.subject)
    paper = await dispute_store.paper_participation(conn, round_id, province)
    await events.publish(conn, events.PAPER_BALLOT_RULED, round_id=round_id,
                         payload=events.paper_ballot_ruled(r, voter=province, document_ref=paper["document_ref"],  # type: ignore[index]
                                                           ruling=ruling, note=note))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="ballot.paper_dispute_ruled",
                       target=f"round:{round_id}", details={"voter": province, "ruling": ruling})
    return dispute_public(ruled)


async def list_disputes(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> list[dict[str, Any]]:
    r = await _load(conn, round_id)
    rows = [dispute_public(row) for row in await dispute_store.for_round(conn, round_id)]
    if actor.is_ministry or policy.is_office(actor, organiser=r["organiser"]) \
            or (actor.is_unit and actor.unit == r["lead_code"]):
        return rows
    if actor.is_unit and actor.unit in (r["electorate"] or []):
        return [row for row in rows if row["province_code"] == actor.unit]
    raise Forbidden("this round is visible to the ministry, its lead and its electorate only")


async def require_certifiable(conn: asyncpg.Connection, round_id: uuid.UUID) -> None:
    """409 while a dispute waits for the ministry, or when a paper ballot was ruled void."""
    for row in await dispute_store.for_round(conn, round_id):
        if row["ruling"] is None:
            raise Conflict(f"the paper ballot entered for province {row['province_code']} is disputed; the ministry "
                           "must rule before the round is certified", slug="dispute-pending")
        if row["ruling"] == "ballot_void":
            raise Conflict(f"the ministry ruled the paper ballot entered for province {row['province_code']} void: "
                           "this count cannot be certified; hold a new vote", slug="paper-ballot-void")
