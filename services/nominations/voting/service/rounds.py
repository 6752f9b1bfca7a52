"""Creating, opening and reading vote rounds (the minutes included)."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any, Mapping

import asyncpg

from services.nominations import conferences, organiser_rules, organisers
from services.nominations.registry_client import RegistryClient
from services.nominations.voting import events, views
from services.nominations.voting.domain import policy
from services.nominations.voting.domain.kinds import (
    MOTION_CHOICES,
    RoundKind,
    default_election_candidates,
    election_order,
)
from services.nominations.voting.domain.receipts import (
    bulletin_order,
)
from services.nominations.voting.domain.rounds import (
    RoundRules,
    RoundState,
    RuleError,
)

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.service.access import (
    SCHEMA,
    _db_now,
    _load,
    _public,
    _ranks,
    _require_lead,
    _require_read,
    _require_transition,
    _share,
    _voted,
    lead_for_reading,
)
from services.nominations.voting.service.disputes import dispute_public, paper_ballot_windows
from services.nominations.voting.store import ballots as ballot_store
from services.nominations.voting.store import disputes as dispute_store
from services.nominations.voting.store import rounds as round_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, Unavailable, Unprocessable

# ---------------------------------------------------------------- create and open

async def create_round(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, cluster_code: str,
                       year: int, award: str | None, seats: int | None, max_choices: int | None, threshold: Any,
                       quorum: Any, self_vote: bool, candidates: list[str] | None, closes_at: datetime | None,
                       threshold_base: str = "valid_ballots", threshold_comparison: str = "more_than",
                       conference_id: uuid.UUID | None = None, kind: str = "nomination", post: str | None = None,
                       title: str | None = None, denominator: str | None = None,
                       subject: str | None = None, tie_rule: str | None = None) -> dict[str, Any]:
    if not policy.may_create(actor):
        raise Forbidden("only the lead province of the cluster-year may create a vote round")
    shape = _kind_shape(kind=kind, award=award, seats=seats, post=post, title=title, denominator=denominator,
                        candidates=candidates)
    if subject is not None and kind != RoundKind.motion:
        raise Unprocessable("only a motion adopts the year's report or the covenant", field="subject")
    if tie_rule is not None:
        if kind != RoundKind.election:
            raise Unprocessable("only an election has a rule for a tie", field="tie_rule")
        shape["tie_rule"] = tie_rule
    period = await registry.period(cluster_code, year)
    if period is None:
        raise Unprocessable(f"cluster {cluster_code} has no period {year} in the registry", field="cluster_code",
                            slug="period-missing", cluster=cluster_code, year=year)
    lead = period.get("lead")
    if lead is None or lead["code"] != actor.unit:
        who = f"province {lead['code']}" if lead else "nobody yet"
        raise Forbidden(f"only the lead of {cluster_code} in {year} ({who}) may create its vote rounds")
    members = {m["code"]: m["name"] for m in period["members"]}
    rotation: list[str] | None = None
    if kind == RoundKind.election:
        rotation = election_order(period.get("rotation_order") or list(members), lead=lead["code"])
        rotation = [c for c in rotation if c in members]
        if candidates is None:
            try:
                candidates = default_election_candidates(rotation, lead=None, post=str(post))
            except ValueError as exc:
                raise Unprocessable(str(exc), field="candidates") from None
        self_vote, seats, max_choices = True, 1, 1
        if tie_rule is None:  # the organiser's versioned rules say how a second round's tie is broken
            shape["tie_rule"] = await organisers.election_tie_rule(conn, period.get("organiser") or "BNV", year)
        threshold, threshold_base, threshold_comparison = "1/2", "valid_ballots", "more_than"
    elif kind == RoundKind.motion:
        candidates, seats, max_choices, self_vote = list(MOTION_CHOICES), 1, 1, True
    elif candidates is None:
        candidates = sorted(members)
    if kind != RoundKind.motion:
        outsiders = [c for c in candidates if c not in members]
        if outsiders:
            raise Unprocessable(f"{', '.join(outsiders)} not a member of {cluster_code} in {year}",
                                field="candidates")
    threshold_f, quorum_f = _share(threshold, "threshold"), _share(quorum, "quorum")
    try:
        rules = RoundRules.build(seats=int(seats or 1), candidates=candidates, max_choices=max_choices,
                                 threshold=threshold_f, quorum=quorum_f, self_vote=self_vote, kind=kind)
    except RuleError as exc:
        raise Unprocessable(exc.message, field=exc.field) from None
    if rules.max_choices > len(rules.candidates):
        raise Unprocessable(f"a ballot cannot name more than the {len(rules.candidates)} candidates",
                            field="max_choices")
    if closes_at is not None and closes_at <= await _db_now(conn):
        raise Unprocessable("closes_at must be in the future", field="closes_at", slug="deadline-in-past")
    names = {c: members[c] for c in rules.candidates} if kind != RoundKind.motion else {}
    row = await round_store.insert(
        conn, id=uuid.uuid4(), parent_round_id=None, cluster_code=cluster_code, cluster_name=period["cluster_name"],
        year=year, award=award, seats=rules.seats, max_choices=rules.max_choices,
        threshold=(rules.threshold.numerator, rules.threshold.denominator),
        quorum=(rules.quorum.numerator, rules.quorum.denominator), self_vote=rules.self_vote,
        candidates=list(rules.candidates), lead_code=lead["code"],  # the caller's province, checked above
        unit_names=names, closes_at=closes_at, created_by=actor.subject,
        threshold_base=threshold_base, threshold_comparison=threshold_comparison,
        organiser=period.get("organiser") or "BNV", kind=kind, post=post, rotation_order=rotation,
        tie_rule=shape["tie_rule"], title=title, denominator=shape["denominator"], subject=subject)
    if conference_id is not None:
        await conferences.attach_round(conn, conference_id=conference_id, round_id=row["id"],
                                       cluster_code=cluster_code, year=year)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.create", target=f"round:{row['id']}",
                       details={"cluster_code": cluster_code, "year": year, "award": award, "seats": rules.seats,
                                "candidates": list(rules.candidates), "kind": kind, "post": post, "title": title})
    return await _public(conn, row)


def _kind_shape(*, kind: str, award: str | None, seats: int | None, post: str | None, title: str | None,
                denominator: str | None, candidates: list[str] | None) -> dict[str, Any]:
    """Which fields each kind takes (422 naming the first misplaced one); its defaults."""
    def refuse(field: str, why: str) -> Unprocessable:
        return Unprocessable(f"{why} (a {kind} round)", field=field)

    if kind == RoundKind.nomination:
        if award is None:
            raise refuse("award", "a flag round names its award")
        if seats is None:
            raise refuse("seats", "a flag round says how many units it proposes")
        for field, value in (("post", post), ("title", title), ("denominator", denominator)):
            if value is not None:
                raise refuse(field, f"{field} belongs to an election or a motion")
        return {"tie_rule": None, "denominator": None}
    if award is not None:
        raise refuse("award", "only a flag round names an award")
    if kind == RoundKind.election:
        if post is None:
            raise refuse("post", "an election names the post: lead or deputy")
        for field, value in (("title", title), ("denominator", denominator)):
            if value is not None:
                raise refuse(field, f"{field} belongs to a motion")
        return {"tie_rule": "rotation_order", "denominator": None}
    if title is None:
        raise refuse("title", "a motion states its question")
    if post is not None:
        raise refuse("post", "post belongs to an election")
    if candidates is not None:
        raise refuse("candidates", "a motion's choices are yes, no and abstain")
    return {"tie_rule": None, "denominator": denominator or "present"}


async def open_round(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                     round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id, lock="update")
    await _require_lead(actor, r, "open its vote rounds", registry)
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
    gone = [c for c in r["candidates"] if c not in members] if r["kind"] != RoundKind.motion else []
    if gone:
        raise Conflict(f"candidates {', '.join(gone)} are no longer members of the cluster-year",
                       field="candidates", slug="candidates-changed")
    present = await conferences.require_quorum(conn, round_id=round_id)
    electorate = sorted(members)
    row = await round_store.mark_open(conn, round_id, electorate=electorate, unit_names=members, present=present)
    await events.publish(conn, events.ROUND_OPENED, round_id=round_id, payload=events.opened(row))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="round.open", target=f"round:{round_id}",
                       details={"electorate": electorate})
    return await _public(conn, row)



# ---------------------------------------------------------------- reads

async def get_round(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                    registry: RegistryClient | None = None) -> dict[str, Any]:
    r = await _load(conn, round_id)
    await _require_read(actor, r, registry)
    return await _public(conn, r, actor=actor)


async def list_rounds(conn: asyncpg.Connection, *, actor: Principal, cluster: str | None, year: int | None,
                      state: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int,
                      registry: RegistryClient | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    led: list[tuple[str, int]] = []
    organiser = None
    if policy.may_list_all(actor):
        visible_to = None
    elif actor.staff_of is not None:  # an organiser's office: its own organiser's rounds
        visible_to, organiser = None, actor.staff_of
    elif policy.may_list_own(actor) and actor.unit:
        visible_to = actor.unit
        # Beyond the rounds it votes in, those of the cluster-years it leads now (the registry says).
        near = await round_store.lead_candidates(conn, province=actor.unit, cluster=cluster, year=year)
        leads: list[str | None] = [None] * len(near)
        if registry is not None:
            try:
                leads = list(await asyncio.gather(*(registry.lead_of(c, y) for c, y in near)))
            except Unavailable:
                pass  # the registry is away: the list shows the rounds it votes in, drafts come back with it
        led = [cluster_year for cluster_year, lead in zip(near, leads) if lead == actor.unit]
    else:
        raise Forbidden("this account may not list vote rounds")
    rows = await round_store.page(conn, cluster=cluster, year=year, state=state, visible_to=visible_to, led=led,
                                  after=after, limit=limit, organiser=organiser, kind=kind)
    # One ranking read per cluster-year on the page, not per round.
    ranks: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for r in rows:
        if r["award"] in views.RANKED_AWARDS and (r["cluster_code"], r["year"]) not in ranks:
            ranks[(r["cluster_code"], r["year"])] = await _ranks(conn, r)
    voted = await _voted(conn, actor, list(rows))
    return [views.public(r, ranks=ranks.get((r["cluster_code"], r["year"])), voted=voted[r["id"]]) for r in rows]


async def turnout(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                  registry: RegistryClient | None = None) -> dict[str, Any]:
    r = await _load(conn, round_id)
    if not policy.may_see_turnout(actor, lead_code=await lead_for_reading(actor, r, registry),
                                  organiser=r["organiser"]):
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


def _require_reads_work(actor: Principal, r: Any) -> None:
    """The bulletin of another organiser's round is its office's, its electorate's and the ministry's;
    the ministry's clusters' rounds publish theirs to anyone signed in, as before organisers."""
    if not organiser_rules.reads_cluster_work(actor, r["organiser"], r["electorate"] or []):
        raise Forbidden(f"this round is {r['organiser']}'s: its office, its electorate and the ministry read it",
                        slug="other-organiser")


async def bulletin(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    r = await _load(conn, round_id)
    _require_reads_work(actor, r)
    _require_counted(r, "the bulletin")
    board = bulletin_order(await ballot_store.bulletin(conn, round_id))
    return views.bulletin(round_id, r["state"], board)


async def verify_receipt(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                         receipt: str) -> dict[str, Any]:
    r = await _load(conn, round_id)
    _require_reads_work(actor, r)
    _require_counted(r, "the receipt check")
    choices = await ballot_store.by_commitment(conn, round_id=round_id, commitment=receipt)
    return views.receipt_check(round_id, receipt, choices)


async def minutes(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, dispute_window: timedelta,
                  registry: RegistryClient | None = None) -> dict[str, Any]:
    r = await _load(conn, round_id)
    await _require_read(actor, r, registry)
    if not policy.is_certified(r["state"]):
        raise Conflict(f"the minutes exist once the lead certifies the result; the round is {r['state']}",
                       slug="round-not-certified", state=r["state"])
    result = views.minutes(r, await ballot_store.participants(conn, round_id))
    # The minutes record every dispute of a paper ballot and the ministry's ruling.
    result["disputes"] = [dispute_public(row) for row in await dispute_store.for_round(conn, round_id)]
    # ...and each paper ballot's window: when the member was told, until when it could dispute.
    names = {u["code"]: u["name"] for u in result["electorate"]}
    result["paper_ballot_windows"] = [
        {**w, "name": names.get(w["code"], w["code"]),
         **{k: views.in_vietnam(w[k]) for k in ("notice_sent_at", "disputes_until", "confirmed_at")}}
        for w in await paper_ballot_windows(conn, round_id, dispute_window=dispute_window)]
    return result
