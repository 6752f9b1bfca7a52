"""Closing a round and counting it; a tie across the last seat opens a runoff."""
from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any, Mapping

import asyncpg

from services.nominations import conferences, scoring
from services.nominations.registry_client import RegistryClient
from services.nominations.voting import events, views
from services.nominations.voting.domain import policy
from services.nominations.voting.domain.kinds import RoundKind, decide_election, decide_motion, tie_order
from services.nominations.voting.domain.rounds import (
    RoundState,
    check_transition,
    state_after_close,
)
from services.nominations.voting.domain.tally import TallyResult, decide

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.service.access import (
    SCHEMA,
    _load,
    _public,
    _require_transition,
    as_led_now,
    lead_now,
)
from services.nominations.voting.store import ballots as ballot_store
from services.nominations.voting.store import rounds as round_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden

# ---------------------------------------------------------------- close and count

def _count(r: Mapping[str, Any], votes: dict[str, int], ballots_cast: int, blank_ballots: int,
           ranks: Mapping[str, Mapping[str, Any]]) -> tuple[TallyResult, dict[str, Any]]:
    """The pure rules of the round's kind on the database's totals; the extra fields its result keeps."""
    quorum = views.fraction(r["quorum_num"], r["quorum_den"])
    if r["kind"] == RoundKind.election:
        counted, tie_rule = decide_election(
            candidates=list(r["candidates"]), electorate_size=len(r["electorate"]), votes=votes,
            ballots_cast=ballots_cast, blank_ballots=blank_ballots, quorum=quorum,
            second_round=r["parent_round_id"] is not None, tie_rule=r["tie_rule"],
            order=tie_order(list(r["rotation_order"]), rule=r["tie_rule"],
                            ranks={code: (ranks.get(code) or {}).get("rank") for code in r["rotation_order"]}))
        return counted, {"tie_broken_by": tie_rule}
    if r["kind"] == RoundKind.motion:
        motion = decide_motion(electorate_size=len(r["electorate"]), votes=votes, ballots_cast=ballots_cast,
                               blank_ballots=blank_ballots, quorum=quorum,
                               threshold=views.fraction(r["threshold_num"], r["threshold_den"]),
                               at_least=r["threshold_comparison"] == "at_least", denominator=r["denominator"],
                               present=r["present_at_open"])
        return motion.count, {"adopted": motion.adopted, "denominator_size": motion.base, "bar": str(motion.bar)}
    counted = decide(candidates=list(r["candidates"]), electorate_size=len(r["electorate"]), votes=votes,
                     ballots_cast=ballots_cast, blank_ballots=blank_ballots, seats=r["seats"],
                     threshold=views.fraction(r["threshold_num"], r["threshold_den"]), quorum=quorum,
                     threshold_base=r["threshold_base"], at_least=r["threshold_comparison"] == "at_least")
    return counted, {}


def _result(counted: TallyResult, *, carried_over: list[str], runoff_round_id: uuid.UUID | None,
            extra: Mapping[str, Any]) -> dict[str, Any]:
    result = {**asdict(counted), **extra}
    result["ranking"] = [[code, n] for code, n in counted.ranking]
    # A runoff decides only its remaining seats; the units its parent proposed outright come along,
    # even when the runoff misses its quorum (it then proposes them only: counted.proposed is empty).
    result["carried_over"] = list(carried_over)
    result["proposed"] = list(carried_over) + list(counted.proposed)
    result["runoff_round_id"] = str(runoff_round_id) if runoff_round_id else None
    # A missed quorum stores how many voted, never what (views.WITHHELD_WHEN_FAILED).
    published = views.published(result)
    assert published is not None
    return published


async def close_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                      due_only: bool = False, registry: RegistryClient | None = None) -> dict[str, Any] | None:
    """Close and count. ``due_only`` (the scheduled close): close only an open round whose
    deadline has passed, and do nothing (return None) otherwise, so repeats are harmless.

    The lead closes its round at any time. A service account closes only a round whose ``closes_at``
    has passed (the scheduler's job, whether through the task or the API); an open round that is not
    due is 409 ``not-due`` and nothing changes."""
    r = await _load(conn, round_id, lock="update")  # waits for every ballot in flight to commit
    lead = await lead_now(actor, r, registry)
    if not policy.may_close(actor, lead_code=lead):
        who = f"province {lead}" if lead else "nobody yet"
        raise Forbidden(f"only the lead of {r['cluster_code']} in {r['year']} ({who}) "
                        "or the scheduler may close the round")
    if due_only:
        if (not policy.accepts_ballots(r["state"]) or r["closes_at"] is None
                or await round_store.accepting_ballots(conn, round_id)):
            return None
    elif (policy.close_waits_for_deadline(actor, lead_code=lead) and policy.accepts_ballots(r["state"])
            and (r["closes_at"] is None or await round_store.accepting_ballots(conn, round_id))):
        when = f"until {r['closes_at'].isoformat()}" if r["closes_at"] is not None else "until its lead closes it"
        raise Conflict(f"the round is open {when}: a service account closes a round only once its closes_at "
                       "has passed", slug="not-due", state=r["state"],
                       closes_at=r["closes_at"].isoformat() if r["closes_at"] is not None else None)
    _require_transition(r, RoundState.closed)
    # Counted by the database (only the totals come back), decided by the pure rules.
    votes, ballots_cast, blank_ballots = await ballot_store.counts(conn, round_id)
    # An election whose tie goes by the ranking reads the cluster-year's latest ranking (scoring's).
    ranks = await scoring.ranks_for(conn, year=r["year"], cluster=r["cluster_code"]) \
        if r["kind"] == RoundKind.election and r["tie_rule"] == "ranking" else {}
    counted, extra = _count(r, votes, ballots_cast, blank_ballots, ranks)
    if counted.quorum_met:
        # The ballots become the bulletin: rewritten first, so their system columns no longer pair
        # them with the participation rows (README, "System columns").
        await ballot_store.shuffle(conn, round_id)
    else:
        # A vote that missed its quorum publishes how many voted, never what, and nothing will ever
        # count its ballots: they are deleted now, while the round is still open (the schema lets
        # no ballot of a counted round be removed, and 005 lets no failed count keep any).
        await ballot_store.discard(conn, round_id)
    final = state_after_close(counted, carried_over=list(r["carried_over"]))
    runoff_id = uuid.uuid4() if final == RoundState.runoff_required else None
    result = _result(counted, carried_over=list(r["carried_over"]), runoff_round_id=runoff_id, extra=extra)
    row = await round_store.mark_closed(conn, round_id, result=result)
    if final != RoundState.closed:
        check_transition(RoundState.closed, final)
        row = await round_store.settle(conn, round_id, state=final.value)
    await events.publish(conn, events.ROUND_CLOSED, round_id=round_id,
                         payload=events.closed(await as_led_now(row, registry), outcome=counted.outcome))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.close", target=f"round:{round_id}",
                       details={"outcome": counted.outcome, "state": row["state"],
                                "ballots_cast": counted.ballots_cast, "automatic": due_only})
    if runoff_id is not None:
        await _create_runoff(conn, actor=actor, parent=row, runoff_id=runoff_id, counted=counted,
                             carried_over=result["proposed"])
    return await _public(conn, row)


async def _create_runoff(conn: asyncpg.Connection, *, actor: Principal, parent: Mapping[str, Any],
                         runoff_id: uuid.UUID, counted: TallyResult, carried_over: list[str]) -> None:
    # Same electorate and rules, among the tied units only, for the seats still free; it opens at
    # once (the conference votes again on the spot) and the lead closes it.
    runoff = await round_store.insert(
        conn, id=runoff_id, parent_round_id=parent["id"], cluster_code=parent["cluster_code"],
        cluster_name=parent["cluster_name"], year=parent["year"], award=parent["award"],
        seats=counted.remaining_seats, max_choices=min(parent["max_choices"], counted.remaining_seats),
        threshold=(parent["threshold_num"], parent["threshold_den"]),
        quorum=(parent["quorum_num"], parent["quorum_den"]), self_vote=parent["self_vote"],
        candidates=list(counted.tied), lead_code=parent["lead_code"], unit_names=parent["unit_names"],
        closes_at=None, created_by=actor.subject, state=RoundState.open.value, electorate=list(parent["electorate"]),
        carried_over=carried_over, threshold_base=parent["threshold_base"],
        threshold_comparison=parent["threshold_comparison"], organiser=parent["organiser"], kind=parent["kind"],
        post=parent["post"], rotation_order=parent["rotation_order"], tie_rule=parent["tie_rule"],
        title=parent["title"], denominator=parent["denominator"], present_at_open=parent["present_at_open"],
        subject=parent["subject"])
    await conferences.inherit_round(conn, parent_round_id=parent["id"], round_id=runoff_id)
    await events.publish(conn, events.RUNOFF_CREATED, round_id=runoff_id,
                         payload=events.runoff_created(parent, runoff))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.runoff_created", target=f"round:{runoff_id}",
                       details={"parent_round_id": str(parent["id"]), "tied": list(counted.tied),
                                "seats": counted.remaining_seats})
