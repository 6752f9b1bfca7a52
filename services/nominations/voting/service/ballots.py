"""Ballots: online (one statement), and the paper ballots the lead enters.

Locking: a ballot holds ``FOR SHARE`` on its round, a transition ``FOR UPDATE``, so a close waits
for the ballots in flight and every ballot that commits before the close is counted, none after."""
from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from typing import Any, Mapping

import asyncpg

from services.nominations.registry_client import RegistryClient
from services.nominations.voting import events, views
from services.nominations.voting.domain import policy
from services.nominations.voting.domain.receipts import (
    commitment,
    new_ballot_id,
    new_receipt_secret,
)
from services.nominations.voting.domain.rounds import (
    BallotRejected,
    RoundRules,
    validate_ballot,
)

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    SealedKey,
)
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.service.access import (
    SCHEMA,
    _load,
    _require_lead,
)
from services.nominations.voting.store import ballots as ballot_store
from services.nominations.voting.store import disputes as dispute_store
from services.nominations.voting.store import rounds as round_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.events import outbox_payload
from shared.logs import request_id_var

# ---------------------------------------------------------------- ballots

async def _require_accepting(conn: asyncpg.Connection, r: Mapping[str, Any]) -> None:
    if not policy.accepts_ballots(r["state"]):
        raise Conflict(f"the round is {r['state']}: it accepts no ballots", slug="round-not-open", state=r["state"])
    if not await round_store.accepting_ballots(conn, r["id"]):
        raise Conflict(f"voting closed at {r['closes_at'].isoformat()}", slug="voting-closed")


async def _record_ballot(conn: asyncpg.Connection, *, actor: Principal, r: Mapping[str, Any], voter: str,
                         choices: list[str], channel: str, document_ref: str | None) -> dict[str, Any]:
    try:
        canonical = validate_ballot(rules=views.rules_of(r), voter=voter, choices=choices)
    except BallotRejected as exc:
        raise Unprocessable(exc.message, field="choices", slug=f"ballot-{exc.reason.replace('_', '-')}",
                            reason=exc.reason) from None
    if not await ballot_store.record_participation(conn, round_id=r["id"], province=voter, channel=channel,
                                                   document_ref=document_ref):
        raise Conflict(f"province {voter} has already voted in this round", slug="already-voted")
    secret = new_receipt_secret()
    sealed = commitment(round_id=str(r["id"]), choices=canonical, secret=secret)
    await ballot_store.insert_ballot(conn, id=new_ballot_id(), round_id=r["id"], choices=canonical,
                                     commitment=sealed)
    await events.publish(conn, events.BALLOT_CAST, round_id=r["id"], payload=events.ballot_cast(r, voter=voter))
    # Who voted and how it reached the round; never what the ballot says.
    details: dict[str, Any] = {"voter": voter, "channel": channel}
    if document_ref is not None:
        details["document_ref"] = document_ref
    await audit.record(conn, schema=SCHEMA, actor=actor,
                       action="ballot.cast" if channel == "online" else "ballot.paper_recorded",
                       target=f"round:{r['id']}", details=details)
    return {"receipt": {"round_id": str(r["id"]), "secret": secret, "commitment": sealed}}


# The rules of the rounds whose facts ``round_store.ballot_facts`` keeps: built (and validated) once
# per facts record, not once per ballot. Keyed by round, checked against the very record, so an
# evicted and re-read round builds its rules again.
_rules: dict[uuid.UUID, tuple[Mapping[str, Any], RoundRules]] = {}


def _ballot_rules(facts: Mapping[str, Any]) -> RoundRules:
    cached = _rules.get(facts["id"])
    if cached is not None and cached[0] is facts:
        return cached[1]
    rules = views.rules_of(facts)
    if len(_rules) >= round_store.FACTS_CACHED:
        _rules.clear()
    _rules[facts["id"]] = (facts, rules)
    return rules


@dataclass(frozen=True)
class CastAnswer:
    status_code: int
    body: Any
    replayed: bool = False
    # The statement committed a ballot_cast event without a NOTIFY: the caller wakes the relays.
    wrote_event: bool = False


async def cast_ballot(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, choices: list[str],
                      idempotency_key: str | None, body: Any) -> CastAnswer:
    """Cast the caller's online ballot in one statement (``store.ballots.cast_online``), on a
    connection outside any transaction: the statement is the transaction. It NOTIFYs no relay
    (migration 045): when the answer says ``wrote_event``, the caller wakes them
    (``shared.events.OutboxWaker``) now that it has committed.

    Everything that needs no database is done here first: the caller's right to vote and the
    ballot's validity (against the round's rules, read once per process), the receipt, the
    commitment, the sealed answer, the event and the audit details. The answers and their order
    are those of the step-by-step path: 404, 422 weak key, 403, then (after an Idempotency-Key
    replay, sealed as in ``sealed_idempotency``) 409 not open, 409 closed, 422 invalid ballot, 409
    already voted.
    """
    facts = await round_store.ballot_facts(conn, round_id)
    if facts is None:
        raise NotFound(f"no vote round {round_id}", field="round_id")
    key = SealedKey(idempotency_key, scope=f"ballot:{round_id}:{actor.subject}") if idempotency_key is not None else None
    request_mac = key.request_mac(body) if key else None
    if not policy.may_cast(actor, electorate=facts["electorate"]):
        if not actor.is_unit:
            raise Forbidden("only a province account in the round's electorate may cast a ballot")
        raise Forbidden(f"province {actor.unit} is not in this round's electorate")
    voter = actor.unit
    assert voter is not None  # may_cast: a province account
    rejected: BallotRejected | None = None
    canonical: list[str] | None = None
    try:
        canonical = validate_ballot(rules=_ballot_rules(facts), voter=voter, choices=choices)
    except BallotRejected as exc:
        rejected = exc
    secret = new_receipt_secret()
    sealed_commitment = commitment(round_id=str(round_id), choices=canonical or [], secret=secret)
    answer = {"receipt": {"round_id": str(round_id), "secret": secret, "commitment": sealed_commitment}}
    # Checked against its contract here, as emit() does, since the statement writes the outbox row.
    event_version, event_payload = outbox_payload(events.BALLOT_CAST, events.ballot_cast(facts, voter=voter),
                                                  producer=SCHEMA)
    try:
        row = await ballot_store.cast_online(
            conn, round_id=round_id, voter=voter, choices=canonical, commitment=sealed_commitment,
            key_hash=key.key_hash if key else None, request_mac=request_mac, status_code=201,
            sealed=key.seal(answer) if key else None, event_id=uuid.uuid4(), event_version=event_version,
            event_payload=event_payload, actor=actor.subject, actor_role=actor.role,
            # Who voted and how it reached the round; never what the ballot says.
            audit_details={"voter": voter, "channel": "online"}, request_id=request_id_var.get())
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "participation_pkey":
            raise Conflict(f"province {voter} has already voted in this round", slug="already-voted") from None
        raise
    outcome = row["outcome"]
    if outcome == "cast":
        return CastAnswer(201, answer, wrote_event=True)
    if outcome == "replay":
        assert key is not None and request_mac is not None
        if not hmac.compare_digest(row["request_mac"], request_mac):
            raise Unprocessable("this Idempotency-Key was already used with a different request body",
                                field="Idempotency-Key", slug="idempotency-key-reused")
        return CastAnswer(row["status_code"], key.unseal(row["sealed"]), replayed=True)
    if outcome == "not-found":
        raise NotFound(f"no vote round {round_id}", field="round_id")
    if outcome == "not-open":
        state = row["round_state"]
        raise Conflict(f"the round is {state}: it accepts no ballots", slug="round-not-open", state=state)
    if outcome == "voting-closed":
        raise Conflict(f"voting closed at {row['round_closes_at'].isoformat()}", slug="voting-closed")
    assert outcome == "rejected" and rejected is not None, outcome
    raise Unprocessable(rejected.message, field="choices", slug=f"ballot-{rejected.reason.replace('_', '-')}",
                        reason=rejected.reason)


async def record_paper_ballot(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, voter: str,
                              choices: list[str], document_ref: str,
                              registry: RegistryClient | None = None) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="share")
    await _require_lead(actor, r, "record paper ballots", registry)
    await _require_accepting(conn, r)
    if voter not in r["electorate"]:
        raise Unprocessable(f"province {voter} is not in this round's electorate", field="voter")
    receipt = await _record_ballot(conn, actor=actor, r=r, voter=voter, choices=choices, channel="paper",
                                   document_ref=document_ref)
    # The member is told at once (inbox, e-mail) and may dispute it until the round is certified.
    notice = await events.publish(conn, events.PAPER_BALLOT_RECORDED, round_id=r["id"],
                                  payload=events.paper_ballot_recorded(r, voter=voter, document_ref=document_ref))
    # The member's window to dispute it runs from when this notice leaves the service.
    await dispute_store.record_notice(conn, round_id=r["id"], province=voter, event_id=notice)
    return receipt
