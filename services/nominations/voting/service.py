"""Vote-round use cases: each takes the request's connection (inside its transaction) and the caller.

Who may do what is decided by ``voting.domain.policy`` (anything refused is 403 and changes
nothing); what the answers look like, by ``voting.views``. A service account closes a round only
once ``closes_at`` has passed (the scheduled close): it never cuts a vote short (409 ``not-due``),
and a round without a deadline is closed by its lead alone. Any authenticated caller reads the
bulletin and verifies a receipt once the round is closed, if the vote met its quorum: a vote that
missed it publishes how many voted, never what (409 ``not-published``).

Locking: a ballot holds ``FOR SHARE`` on its round, a transition ``FOR UPDATE``, so a close waits
for the ballots in flight and every ballot that commits before the close is counted, none after.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any, Mapping

import asyncpg

from services.nominations import commendations, scoring
from services.nominations.registry_client import RegistryClient
from services.nominations.voting import events, views
from services.nominations.voting import minutes as minutes_html
from services.nominations.voting.domain import policy
from services.nominations.voting.domain.receipts import (
    bulletin_order,
    commitment,
    new_ballot_id,
    new_receipt_secret,
)
from services.nominations.voting.domain.rounds import (
    BallotRejected,
    CapExceeded,
    InvalidTransition,
    RoundRules,
    RoundState,
    RuleError,
    check_government_flag_cap,
    check_transition,
    state_after_close,
    validate_ballot,
)
from services.nominations.voting.domain.tally import TallyResult, decide, exact_fraction

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    SealedKey,
)
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.store import ballots as ballot_store
from services.nominations.voting.store import disputes as dispute_store
from services.nominations.voting.store import rounds as round_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.events import outbox_payload
from shared.logs import request_id_var
from shared.settings import ServiceSettings

SCHEMA = "nominations"
# Shares are stored as exact fractions in int columns; a denominator this small is any sane rule.
MAX_DENOMINATOR = 1_000_000


# ---------------------------------------------------------------- helpers

def registry(settings: ServiceSettings) -> RegistryClient:
    """The registry client the use cases that need the cluster-year's members take."""
    return RegistryClient.from_settings(settings)


def render_minutes(minutes: dict[str, Any]) -> str:
    """The minutes (:func:`minutes`) as a printable Vietnamese HTML document."""
    return minutes_html.render(minutes)


async def _ranks(conn: asyncpg.Connection, r: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    if r["award"] not in views.RANKED_AWARDS:
        return {}
    return await scoring.ranks_for(conn, year=r["year"], cluster=r["cluster_code"])


async def _public(conn: asyncpg.Connection, r: Mapping[str, Any], *, actor: Principal | None = None) -> dict[str, Any]:
    """:func:`views.public` with the candidates' ranks read now (a flag round shows the latest ranking)
    and, for a province, whether it has voted."""
    return views.public(r, ranks=await _ranks(conn, r), voted=(await _voted(conn, actor, [r]))[r["id"]])


async def _voted(conn: asyncpg.Connection, actor: Principal | None,
                 rounds: list[Mapping[str, Any]]) -> dict[uuid.UUID, bool | None]:
    """Whether the calling province has voted in each round (None for other callers)."""
    if actor is None or actor.role != "province" or actor.province is None:
        return {r["id"]: None for r in rounds}
    done = await ballot_store.voted_in(conn, round_ids=[r["id"] for r in rounds], province=actor.province)
    return {r["id"]: r["id"] in done for r in rounds}


async def _load(conn: asyncpg.Connection, round_id: uuid.UUID, *, lock: str | None = None) -> asyncpg.Record:
    r = await round_store.get(conn, round_id, lock=lock)
    if r is None:
        raise NotFound(f"no vote round {round_id}", field="round_id")
    return r


async def load_round(conn: asyncpg.Connection, round_id: uuid.UUID, *, lock: str | None = None) -> asyncpg.Record:
    """The round (404 when there is none), for the other use-case modules of this context."""
    return await _load(conn, round_id, lock=lock)


async def require_round(conn: asyncpg.Connection, round_id: uuid.UUID) -> None:
    await _load(conn, round_id)


def _require_lead(actor: Principal, r: Mapping[str, Any], action: str) -> None:
    if not policy.is_lead(actor, lead_code=r["lead_code"]):
        raise Forbidden(f"only the lead of {r['cluster_code']} in {r['year']} (province {r['lead_code']}) may {action}")


def _require_ministry(actor: Principal, action: str) -> None:
    if not policy.may_decide(actor):
        raise Forbidden(f"only ministry staff may {action}")


def _require_read(actor: Principal, r: Mapping[str, Any]) -> None:
    if not policy.may_read(actor, lead_code=r["lead_code"], electorate=r["electorate"]):
        raise Forbidden("this round is visible to the ministry, its lead and its electorate only")


def _require_transition(r: Mapping[str, Any], target: RoundState) -> None:
    try:
        check_transition(r["state"], target)
    except InvalidTransition as exc:
        raise Conflict(str(exc), slug="invalid-transition", state=r["state"]) from None


def _share(value: Any, field: str) -> Fraction:
    try:
        share = exact_fraction(value, name=field)
    except (TypeError, ValueError) as exc:
        raise Unprocessable(str(exc), field=field) from None
    if share.denominator > MAX_DENOMINATOR:
        raise Unprocessable(f"give {field} as a fraction with a denominator up to {MAX_DENOMINATOR:,}", field=field)
    return share


async def _db_now(conn: asyncpg.Connection) -> datetime:
    return await conn.fetchval("SELECT clock_timestamp()")


# ---------------------------------------------------------------- create and open

async def create_round(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, cluster_code: str,
                       year: int, award: str, seats: int, max_choices: int | None, threshold: Any, quorum: Any,
                       self_vote: bool, candidates: list[str] | None, closes_at: datetime | None,
                       threshold_base: str = "valid_ballots", threshold_comparison: str = "more_than") -> dict[str, Any]:
    if not policy.may_create(actor):
        raise Forbidden("only the lead province of the cluster-year may create a vote round")
    period = await registry.period(cluster_code, year)
    if period is None:
        raise Unprocessable(f"cluster {cluster_code} has no period {year} in the registry", field="cluster_code")
    lead = period.get("lead")
    if lead is None or lead["code"] != actor.province:
        who = f"province {lead['code']}" if lead else "nobody yet"
        raise Forbidden(f"only the lead of {cluster_code} in {year} ({who}) may create its vote rounds")
    members = {m["code"]: m["name"] for m in period["members"]}
    if candidates is None:
        candidates = sorted(members)
    outsiders = [c for c in candidates if c not in members]
    if outsiders:
        raise Unprocessable(f"{', '.join(outsiders)} not a member of {cluster_code} in {year}", field="candidates")
    threshold_f, quorum_f = _share(threshold, "threshold"), _share(quorum, "quorum")
    try:
        rules = RoundRules.build(seats=seats, candidates=candidates, max_choices=max_choices, threshold=threshold_f,
                                 quorum=quorum_f, self_vote=self_vote)
    except RuleError as exc:
        raise Unprocessable(exc.message, field=exc.field) from None
    if rules.max_choices > len(rules.candidates):
        raise Unprocessable(f"a ballot cannot name more than the {len(rules.candidates)} candidates",
                            field="max_choices")
    if closes_at is not None and closes_at <= await _db_now(conn):
        raise Unprocessable("closes_at must be in the future", field="closes_at")
    row = await round_store.insert(
        conn, id=uuid.uuid4(), parent_round_id=None, cluster_code=cluster_code, cluster_name=period["cluster_name"],
        year=year, award=award, seats=rules.seats, max_choices=rules.max_choices,
        threshold=(rules.threshold.numerator, rules.threshold.denominator),
        quorum=(rules.quorum.numerator, rules.quorum.denominator), self_vote=rules.self_vote,
        candidates=list(rules.candidates), lead_code=lead["code"],  # the caller's province, checked above
        unit_names={c: members[c] for c in rules.candidates}, closes_at=closes_at, created_by=actor.subject,
        threshold_base=threshold_base, threshold_comparison=threshold_comparison)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.create", target=f"round:{row['id']}",
                       details={"cluster_code": cluster_code, "year": year, "award": award, "seats": rules.seats,
                                "candidates": list(rules.candidates)})
    return await _public(conn, row)


async def open_round(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                     round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    _require_lead(actor, r, "open its vote rounds")
    _require_transition(r, RoundState.open)
    if r["closes_at"] is not None and r["closes_at"] <= await _db_now(conn):
        raise Conflict("closes_at has already passed; create a new round", field="closes_at", slug="deadline-passed")
    # The registry call happens under the round's row lock on purpose: two opens of one round run
    # one after the other, and if the registry is down the transaction rolls back: still draft.
    period = await registry.period(r["cluster_code"], r["year"])
    if period is None:
        raise Conflict(f"cluster {r['cluster_code']} no longer has a period {r['year']} in the registry",
                       slug="period-missing")
    members = {m["code"]: m["name"] for m in period["members"]}
    gone = [c for c in r["candidates"] if c not in members]
    if gone:
        raise Conflict(f"candidates {', '.join(gone)} are no longer members of the cluster-year",
                       field="candidates", slug="candidates-changed")
    electorate = sorted(members)
    row = await round_store.mark_open(conn, round_id, electorate=electorate, unit_names=members)
    await events.publish(conn, events.ROUND_OPENED, round_id=round_id, payload=events.opened(row))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.open", target=f"round:{round_id}",
                       details={"electorate": electorate})
    return await _public(conn, row)


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
        if actor.role != "province":
            raise Forbidden("only a province account in the round's electorate may cast a ballot")
        raise Forbidden(f"province {actor.province} is not in this round's electorate")
    voter = actor.province
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
                              choices: list[str], document_ref: str) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="share")
    _require_lead(actor, r, "record paper ballots")
    await _require_accepting(conn, r)
    if voter not in r["electorate"]:
        raise Unprocessable(f"province {voter} is not in this round's electorate", field="voter")
    receipt = await _record_ballot(conn, actor=actor, r=r, voter=voter, choices=choices, channel="paper",
                                   document_ref=document_ref)
    # The member is told at once (inbox, e-mail) and may dispute it while the round is open.
    await events.publish(conn, events.PAPER_BALLOT_RECORDED, round_id=r["id"],
                         payload=events.paper_ballot_recorded(r, voter=voter, document_ref=document_ref))
    return receipt


# ---------------------------------------------------------------- close and count

def _result(counted: TallyResult, *, carried_over: list[str], runoff_round_id: uuid.UUID | None) -> dict[str, Any]:
    result = asdict(counted)
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
                      due_only: bool = False) -> dict[str, Any] | None:
    """Close and count. ``due_only`` (the scheduled close): close only an open round whose
    deadline has passed, and do nothing (return None) otherwise, so repeats are harmless.

    The lead closes its round at any time. A service account closes only a round whose ``closes_at``
    has passed (the scheduler's job, whether through the task or the API); an open round that is not
    due is 409 ``not-due`` and nothing changes."""
    r = await _load(conn, round_id, lock="update")  # waits for every ballot in flight to commit
    if not policy.may_close(actor, lead_code=r["lead_code"]):
        raise Forbidden(f"only the lead of {r['cluster_code']} in {r['year']} (province {r['lead_code']}) "
                        "or the scheduler may close the round")
    if due_only:
        if (not policy.accepts_ballots(r["state"]) or r["closes_at"] is None
                or await round_store.accepting_ballots(conn, round_id)):
            return None
    elif (policy.close_waits_for_deadline(actor, lead_code=r["lead_code"]) and policy.accepts_ballots(r["state"])
            and (r["closes_at"] is None or await round_store.accepting_ballots(conn, round_id))):
        when = f"until {r['closes_at'].isoformat()}" if r["closes_at"] is not None else "until its lead closes it"
        raise Conflict(f"the round is open {when}: a service account closes a round only once its closes_at "
                       "has passed", slug="not-due", state=r["state"],
                       closes_at=r["closes_at"].isoformat() if r["closes_at"] is not None else None)
    _require_transition(r, RoundState.closed)
    # Counted by the database (only the totals come back), decided by the pure rules.
    votes, ballots_cast, blank_ballots = await ballot_store.counts(conn, round_id)
    counted = decide(candidates=list(r["candidates"]), electorate_size=len(r["electorate"]), votes=votes,
                     ballots_cast=ballots_cast, blank_ballots=blank_ballots, seats=r["seats"],
                     threshold=views.fraction(r["threshold_num"], r["threshold_den"]),
                     quorum=views.fraction(r["quorum_num"], r["quorum_den"]),
                     threshold_base=r["threshold_base"], at_least=r["threshold_comparison"] == "at_least")
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
    result = _result(counted, carried_over=list(r["carried_over"]), runoff_round_id=runoff_id)
    row = await round_store.mark_closed(conn, round_id, result=result)
    if final != RoundState.closed:
        check_transition(RoundState.closed, final)
        row = await round_store.settle(conn, round_id, state=final.value)
    await events.publish(conn, events.ROUND_CLOSED, round_id=round_id,
                         payload=events.closed(row, outcome=counted.outcome))
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
        threshold_comparison=parent["threshold_comparison"])
    await events.publish(conn, events.RUNOFF_CREATED, round_id=runoff_id,
                         payload=events.runoff_created(parent, runoff))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.runoff_created", target=f"round:{runoff_id}",
                       details={"parent_round_id": str(parent["id"]), "tied": list(counted.tied),
                                "seats": counted.remaining_seats})


# ---------------------------------------------------------------- certification and decision

async def certify_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    _require_lead(actor, r, "certify its results")
    _require_transition(r, RoundState.certified)
    await require_certifiable(conn, round_id)
    row = await round_store.certify(conn, round_id, by=actor.subject)
    await events.publish(conn, events.ROUND_CERTIFIED, round_id=round_id, payload=events.decided(row))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.certify", target=f"round:{round_id}",
                       details={"proposed": row["result"]["proposed"]})
    return await _public(conn, row)


def _cap_lock_key(award: str, year: int) -> int:
    return int.from_bytes(hashlib.sha256(f"thidua-cap:{award}:{year}".encode()).digest()[:8], "big", signed=True)


async def approve_round(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                        round_id: uuid.UUID, cap_share: Any) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    _require_ministry(actor, "approve a proposal")
    _require_transition(r, RoundState.approved)
    proposed = list(r["result"]["proposed"])
    # One approved proposal per cluster, year and award (a unique index backs this up under races).
    already = await round_store.approved_round(conn, cluster=r["cluster_code"], year=r["year"], award=r["award"])
    if already is not None:
        raise Conflict(f"{r['cluster_code']} already has an approved {r['award']} proposal for {r['year']} "
                       f"(round {already})", slug="already-approved")
    if r["award"] == "government_flag":
        active = await registry.active_cluster_count(r["year"])
        # Two approvals of the same year must not both slip under the cap: serialise them on
        # (award, year), then count what is committed; the lock is released at commit.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _cap_lock_key(r["award"], r["year"]))
        so_far = await round_store.approved_units(conn, award=r["award"], year=r["year"])
        try:
            check_government_flag_cap(approved_so_far=so_far, proposing=len(proposed), active_clusters=active,
                                      share=cap_share)
        except CapExceeded as exc:
            raise Conflict(str(exc), slug="government-flag-cap", cap=exc.cap, approved_so_far=exc.approved_so_far,
                           proposing=exc.proposing, active_clusters=active) from None
    row = await round_store.decide(conn, round_id, state="approved", by=actor.subject)
    # The approved units enter the cluster's commendation list in this same transaction.
    await commendations.carry_approved_round(conn, actor=actor, round_row=row)
    await events.publish(conn, events.ROUND_APPROVED, round_id=round_id, payload=events.decided(row))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.approve", target=f"round:{round_id}",
                       details={"proposed": proposed})
    return await _public(conn, row)


async def return_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                       reason: str) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    _require_ministry(actor, "return a proposal")
    _require_transition(r, RoundState.returned)
    row = await round_store.decide(conn, round_id, state="returned", by=actor.subject, reason=reason)
    await events.publish(conn, events.ROUND_RETURNED, round_id=round_id, payload=events.decided(row, reason=reason))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.return", target=f"round:{round_id}",
                       details={"reason": reason})
    return await _public(conn, row)


# ---------------------------------------------------------------- reads

async def get_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id)
    _require_read(actor, r)
    return await _public(conn, r, actor=actor)


async def list_rounds(conn: asyncpg.Connection, *, actor: Principal, cluster: str | None, year: int | None,
                      state: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[dict[str, Any]]:
    if policy.may_list_all(actor):
        visible_to = None
    elif policy.may_list_own(actor):
        visible_to = actor.province
    else:
        raise Forbidden("this account may not list vote rounds")
    rows = await round_store.page(conn, cluster=cluster, year=year, state=state, visible_to=visible_to, after=after,
                                  limit=limit)
    # One ranking read per cluster-year on the page, not per round.
    ranks: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for r in rows:
        if r["award"] in views.RANKED_AWARDS and (r["cluster_code"], r["year"]) not in ranks:
            ranks[(r["cluster_code"], r["year"])] = await _ranks(conn, r)
    voted = await _voted(conn, actor, list(rows))
    return [views.public(r, ranks=ranks.get((r["cluster_code"], r["year"])), voted=voted[r["id"]]) for r in rows]


async def turnout(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id)
    if not policy.may_see_turnout(actor, lead_code=r["lead_code"]):
        raise Forbidden("the turnout is for the round's lead and the ministry")
    if r["electorate"] is None:
        raise Conflict("the round is not open yet: it has no electorate", slug="round-not-open", state=r["state"])
    return views.turnout(r, await ballot_store.participants(conn, round_id))


def _require_counted(r: Mapping[str, Any], what: str) -> None:
    if not policy.is_counted(r["state"]):
        raise Conflict(f"{what} is published when the round closes; it is {r['state']}", slug="round-not-closed",
                       state=r["state"])
    if not views.counts_published(r):
        raise Conflict(f"a vote that failed its quorum publishes no ballots, so {what} is not available for "
                       "this round", slug="not-published", state=r["state"])


async def bulletin(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id)
    _require_counted(r, "the bulletin")
    board = bulletin_order(await ballot_store.bulletin(conn, round_id))
    return views.bulletin(round_id, r["state"], board)


async def verify_receipt(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                         receipt: str) -> dict[str, Any]:
    r = await _load(conn, round_id)
    _require_counted(r, "the receipt check")
    choices = await ballot_store.by_commitment(conn, round_id=round_id, commitment=receipt)
    return views.receipt_check(round_id, receipt, choices)


async def minutes(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id)
    _require_read(actor, r)
    if not policy.is_certified(r["state"]):
        raise Conflict(f"the minutes exist once the lead certifies the result; the round is {r['state']}",
                       slug="round-not-certified", state=r["state"])
    result = views.minutes(r, await ballot_store.participants(conn, round_id))
    # The minutes record every dispute of a paper ballot and the ministry's ruling.
    result["disputes"] = [dispute_public(row) for row in await dispute_store.for_round(conn, round_id)]
    return result


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
    if actor.role != "province" or actor.province not in (r["electorate"] or []):
        raise Forbidden("only a member of this round's electorate may dispute the paper ballot entered for it")
    if r["state"] != "open":
        raise Conflict(f"the round is {r['state']}: disputes are taken while it is open", slug="round-not-open")
    paper = await dispute_store.paper_participation(conn, round_id, actor.province)  # type: ignore[arg-type]
    if paper is None:
        raise Conflict(f"no paper ballot was entered for province {actor.province} in this round",
                       slug="no-paper-ballot")
    row = await dispute_store.insert(conn, round_id=round_id, province=actor.province, reason=reason,  # type: ignore[arg-type]
                                     by=actor.subject)
    if row is None:
        raise Conflict("this paper ballot is already disputed", slug="already-disputed")
    await events.publish(conn, events.PAPER_BALLOT_DISPUTED, round_id=round_id,
                         payload=events.paper_ballot_disputed(r, voter=actor.province,  # type: ignore[arg-type]
                                                              document_ref=paper["document_ref"], reason=reason))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="ballot.paper_disputed", target=f"round:{round_id}",
                       details={"voter": actor.province, "document_ref": paper["document_ref"]})
    return dispute_public(row)


async def rule_on_dispute(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, province: str, ruling: str,
               note: str) -> dict[str, Any]:
    """The ministry's ruling, final: the ballot stands, or it is void (the round cannot be certified)."""
    if not actor.is_ministry:
        raise Forbidden("only ministry staff may rule on a disputed paper ballot")
    r = await _load(conn, round_id, lock="share")
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
    if actor.is_ministry or (actor.role == "province" and actor.province == r["lead_code"]):
        return rows
    if actor.role == "province" and actor.province in (r["electorate"] or []):
        return [row for row in rows if row["province_code"] == actor.province]
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
