"""Certification by the lead, approval or return by the ministry (the Government-flag cap holds)."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg

from services.nominations import commendations, government_flag_cap, organisers
from services.nominations.registry_client import RegistryClient
from services.nominations.voting import events
from services.nominations.voting.domain.kinds import RoundKind, elected
from services.nominations.voting.domain.rounds import (
    RoundState,
)

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.service.access import (
    SCHEMA,
    _load,
    _public,
    _require_lead,
    _require_ministry,
    _require_transition,
    as_led_now,
)
from services.nominations.voting.service.disputes import require_certifiable
from services.nominations.voting.store import rounds as round_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict

# ---------------------------------------------------------------- certification and decision

async def _leadership_elected(conn: asyncpg.Connection, row: Any) -> None:
    """Once both posts of next year are elected, the registry is told (it records the leadership)."""
    other = "deputy" if row["post"] == "lead" else "lead"
    partner = await round_store.elected_post(conn, cluster=row["cluster_code"], year=row["year"], post=other)
    if partner is None:
        return
    lead_round, deputy_round = (row, partner) if row["post"] == "lead" else (partner, row)
    if elected(lead_round["result"]) == elected(deputy_round["result"]):
        raise Conflict(f"{elected(row['result'])} is already elected {other}: one unit cannot be both",
                       slug="election-decided")
    await events.publish(conn, events.LEADERSHIP_ELECTED, round_id=row["id"], payload=events.leadership_elected(
        row, lead_round=lead_round, deputy_round=deputy_round))


def _require_nomination(r: Any) -> None:
    if r["kind"] != RoundKind.nomination:
        raise Conflict(f"this round is a {r['kind']}: its certified result is final, it goes to no approval",
                       slug="round-kind-final", state=r["state"])


async def certify_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, dispute_window: timedelta,
                        registry: RegistryClient | None = None) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    await _require_lead(actor, r, "certify its results", registry)
    _require_transition(r, RoundState.certified)
    await require_certifiable(conn, round_id, dispute_window=dispute_window)
    if r["kind"] == RoundKind.election and elected(r["result"]) is not None:
        done = await round_store.elected_post(conn, cluster=r["cluster_code"], year=r["year"], post=r["post"])
        if done is not None:
            raise Conflict(f"the {r['post']} of {r['cluster_code']} for {r['year'] + 1} is already elected "
                           f"(round {done['id']})", slug="election-decided")
    row = await round_store.certify(conn, round_id, by=actor.subject)
    await events.publish(conn, events.ROUND_CERTIFIED, round_id=round_id,
                         payload=events.decided(await as_led_now(row, registry)))
    if row["kind"] == RoundKind.election and elected(row["result"]) is not None:
        await _leadership_elected(conn, row)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.certify", target=f"round:{round_id}",
                       details={"proposed": row["result"]["proposed"]})
    return await _public(conn, row)


async def approve_round(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                        round_id: uuid.UUID, cap_share: Any) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    _require_ministry(actor, r, "approve a proposal")
    _require_nomination(r)
    _require_transition(r, RoundState.approved)
    proposed = list(r["result"]["proposed"])
    # One approved proposal per cluster, year and award (a unique index backs this up under races).
    already = await round_store.approved_round(conn, cluster=r["cluster_code"], year=r["year"], award=r["award"])
    if already is not None:
        raise Conflict(f"{r['cluster_code']} already has an approved {r['award']} proposal for {r['year']} "
                       f"(round {already})", slug="already-approved")
    if r["award"] == government_flag_cap.GOVERNMENT_FLAG:
        share = await organisers.cap_share(conn, r["organiser"], r["year"], default=cap_share)
        await government_flag_cap.hold_round(conn, registry=registry, year=r["year"], proposing=len(proposed),
                                             share=share, organiser=r["organiser"])
    row = await round_store.decide(conn, round_id, state="approved", by=actor.subject)
    # The approved units enter the cluster's commendation list in this same transaction (into the
    # forms of the round's organiser, provisioned if it never asked for them).
    await organisers.ensure_forms(conn, registry, r["organiser"])
    await commendations.carry_approved_round(conn, actor=actor, round_row=row)
    await events.publish(conn, events.ROUND_APPROVED, round_id=round_id,
                         payload=events.decided(await as_led_now(row, registry)))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.approve", target=f"round:{round_id}",
                       details={"proposed": proposed})
    return await _public(conn, row)


async def return_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                       reason: str, registry: RegistryClient | None = None) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    _require_ministry(actor, r, "return a proposal")
    _require_nomination(r)
    _require_transition(r, RoundState.returned)
    row = await round_store.decide(conn, round_id, state="returned", by=actor.subject, reason=reason)
    await events.publish(conn, events.ROUND_RETURNED, round_id=round_id,
                         payload=events.decided(await as_led_now(row, registry), reason=reason))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.return", target=f"round:{round_id}",
                       details={"reason": reason})
    return await _public(conn, row)
