"""Events the nominations service publishes through its outbox (schema ``nominations``).

The notifications service routes on these exact payloads; change them only together with it.

- ``nominations.round.opened``: ``{round_id, cluster_code, cluster_name, year, award, seats,
  closes_at (ISO 8601 or null), lead_code, electorate: [codes]}``
- ``nominations.round.ballot_cast``: ``{round_id, cluster_code, year, voter_code}``: who voted,
  never how (online and paper ballots alike)
- ``nominations.round.closed``: ``{round_id, cluster_code, cluster_name, year, award, lead_code,
  outcome, state, electorate}``; ``outcome`` is ``proposed``, ``failed_quorum`` or ``runoff_required``
  and ``state`` the round's state after the close (a runoff that misses its quorum but carries
  units its parent proposed outright says ``failed_quorum`` yet its state is ``closed``: the lead
  certifies those units)
- ``nominations.round.runoff_created``: ``{round_id (the tied round), runoff_round_id, cluster_code,
  cluster_name, year, award, lead_code, tied: [codes], electorate, closes_at}``
- ``nominations.round.certified`` / ``.approved`` / ``.returned``: ``{round_id, cluster_code,
  cluster_name, year, award, lead_code, proposed: [codes], electorate}`` plus ``reason`` (returned only)
"""
from __future__ import annotations

from typing import Any, Mapping

import asyncpg

from shared.events import emit

SCHEMA = "nominations"
ROUND_OPENED = "nominations.round.opened"
BALLOT_CAST = "nominations.round.ballot_cast"
ROUND_CLOSED = "nominations.round.closed"
RUNOFF_CREATED = "nominations.round.runoff_created"
ROUND_CERTIFIED = "nominations.round.certified"
ROUND_APPROVED = "nominations.round.approved"
ROUND_RETURNED = "nominations.round.returned"


async def publish(conn: asyncpg.Connection, type: str, *, round_id: Any, payload: dict[str, Any]):
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=str(round_id), payload=payload)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def opened(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"round_id": str(r["id"]), "cluster_code": r["cluster_code"], "cluster_name": r["cluster_name"],
            "year": r["year"], "award": r["award"], "seats": r["seats"], "closes_at": _iso(r["closes_at"]),
            "lead_code": r["lead_code"], "electorate": list(r["electorate"])}


def ballot_cast(r: Mapping[str, Any], *, voter: str) -> dict[str, Any]:
    return {"round_id": str(r["id"]), "cluster_code": r["cluster_code"], "year": r["year"], "voter_code": voter}


def closed(r: Mapping[str, Any], *, outcome: str) -> dict[str, Any]:
    # ``state`` says whether there is something to certify: a runoff that missed its quorum still
    # closes (state "closed") with its parent's outright winners, though its outcome is failed_quorum.
    return {"round_id": str(r["id"]), "cluster_code": r["cluster_code"], "cluster_name": r["cluster_name"],
            "year": r["year"], "award": r["award"], "lead_code": r["lead_code"], "outcome": outcome,
            "state": r["state"], "electorate": list(r["electorate"])}


def runoff_created(parent: Mapping[str, Any], runoff: Mapping[str, Any]) -> dict[str, Any]:
    return {"round_id": str(parent["id"]), "runoff_round_id": str(runoff["id"]),
            "cluster_code": runoff["cluster_code"], "cluster_name": runoff["cluster_name"], "year": runoff["year"],
            "award": runoff["award"], "lead_code": runoff["lead_code"], "tied": list(runoff["candidates"]),
            "electorate": list(runoff["electorate"]), "closes_at": _iso(runoff["closes_at"])}


def decided(r: Mapping[str, Any], *, reason: str | None = None) -> dict[str, Any]:
    """The payload of ``certified``, ``approved`` and (with ``reason``) ``returned``."""
    payload = {"round_id": str(r["id"]), "cluster_code": r["cluster_code"], "cluster_name": r["cluster_name"],
               "year": r["year"], "award": r["award"], "lead_code": r["lead_code"],
               "proposed": list(r["result"]["proposed"]), "electorate": list(r["electorate"])}
    if reason is not None:
        payload["reason"] = reason
    return payload
