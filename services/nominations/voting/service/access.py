"""What every vote-round use case starts with: loading the round and asking the policy.

Who may do what is decided by ``voting.domain.policy`` (anything refused is 403 and changes
nothing); what the answers look like, by ``voting.views``."""
from __future__ import annotations

import uuid
from datetime import datetime
from fractions import Fraction
from typing import Any, Mapping

import asyncpg

from services.nominations import scoring
from services.nominations.registry_client import RegistryClient
from services.nominations.voting import minutes as minutes_html
from services.nominations.voting import views
from services.nominations.voting.domain import policy
from services.nominations.voting.domain.rounds import (
    InvalidTransition,
    RoundState,
    check_transition,
)
from services.nominations.voting.domain.tally import exact_fraction

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.store import ballots as ballot_store
from services.nominations.voting.store import disputes as dispute_store
from services.nominations.voting.store import rounds as round_store
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unavailable, Unprocessable

SCHEMA = "nominations"
# Shares are stored as exact fractions in int columns; a denominator this small is any sane rule.
MAX_DENOMINATOR = 1_000_000


# ---------------------------------------------------------------- helpers

def render_minutes(minutes: dict[str, Any]) -> str:
    """The minutes (:func:`minutes`) as a printable Vietnamese HTML document."""
    return minutes_html.render(minutes)


async def _ranks(conn: asyncpg.Connection, r: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    if r["award"] not in views.RANKED_AWARDS:
        return {}
    return await scoring.ranks_for(conn, year=r["year"], cluster=r["cluster_code"])


async def _public(conn: asyncpg.Connection, r: Mapping[str, Any], *, actor: Principal | None = None) -> dict[str, Any]:
    """:func:`views.public` with the candidates' ranks read now (a flag round shows the latest ranking)
    and, for a province, whether it has voted and the paper ballot the lead entered for it, if any
    (what the province may dispute)."""
    paper = None
    if actor is not None and actor.is_unit and actor.unit is not None:
        row = await dispute_store.paper_participation(conn, r["id"], actor.unit)
        paper = {"document_ref": row["document_ref"]} if row is not None else None
    return views.public(r, ranks=await _ranks(conn, r), voted=(await _voted(conn, actor, [r]))[r["id"]],
                        paper_ballot=paper)


async def _voted(conn: asyncpg.Connection, actor: Principal | None,
                 rounds: list[Mapping[str, Any]]) -> dict[uuid.UUID, bool | None]:
    """Whether the calling province has voted in each round (None for other callers)."""
    if actor is None or not actor.is_unit or actor.unit is None:
        return {r["id"]: None for r in rounds}
    done = await ballot_store.voted_in(conn, round_ids=[r["id"] for r in rounds], province=actor.unit)
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


async def lead_now(actor: Principal, r: Mapping[str, Any], registry: RegistryClient | None) -> str | None:
    """Who leads the round's cluster-year now, as far as ``actor``'s rights depend on it.

    The lead's powers follow the registry's current leadership (a ministry's correction takes effect
    with the next request), so a province's lead rights are asked of the registry each time; the
    ministry and service accounts need no answer (the round's recorded lead is returned). Without a
    registry (a caller inside the service, not a request) the round's recorded lead stands."""
    if registry is None or not actor.is_unit:
        lead: str | None = r["lead_code"]
        return lead
    return await registry.lead_of(r["cluster_code"], r["year"])


async def as_led_now(r: Mapping[str, Any], registry: RegistryClient | None) -> Mapping[str, Any]:
    """The round as its events describe it: with the lead the registry names now, so the notices of
    a round whose leadership was corrected reach the new lead, not the former one. The recorded lead
    stands without a registry (the beat's automatic close) or when the registry cannot answer (the
    act itself does not wait for it)."""
    if registry is None:
        return r
    try:
        lead = await registry.lead_of(r["cluster_code"], r["year"])
    except Unavailable:
        return r
    return r if lead is None or lead == r["lead_code"] else {**r, "lead_code": lead}


def _lead_refusal(r: Mapping[str, Any], lead: str | None, action: str) -> Forbidden:
    who = f"province {lead}" if lead else "nobody yet"
    return Forbidden(f"only the lead of {r['cluster_code']} in {r['year']} ({who}) may {action}")


async def _require_lead(actor: Principal, r: Mapping[str, Any], action: str,
                        registry: RegistryClient | None) -> None:
    lead = await lead_now(actor, r, registry)
    if not policy.is_lead(actor, lead_code=lead):
        raise _lead_refusal(r, lead, action)


def _require_ministry(actor: Principal, r: Mapping[str, Any], action: str) -> None:
    """The round's organiser's emulation office (ministry staff for the ministry's clusters)."""
    if not policy.may_decide(actor, organiser=r["organiser"]):
        who = "ministry staff" if r["organiser"] == "BNV" else f"the emulation office of {r['organiser']}"
        raise Forbidden(f"only {who} may {action}", slug="other-organiser" if actor.staff_of else None)


async def lead_for_reading(actor: Principal, r: Mapping[str, Any], registry: RegistryClient | None) -> str | None:
    """:func:`lead_now` for a read: when the registry cannot be reached the round's recorded lead
    answers, so a conference can still read its rounds (a write refuses with 503 instead)."""
    try:
        return await lead_now(actor, r, registry)
    except Unavailable:
        recorded: str | None = r["lead_code"]
        return recorded


async def _require_read(actor: Principal, r: Mapping[str, Any], registry: RegistryClient | None) -> None:
    # A member of the electorate reads as a member: the registry is asked only for the others.
    if policy.may_read(actor, lead_code=None, electorate=r["electorate"], organiser=r["organiser"]):
        return
    if not policy.may_read(actor, lead_code=await lead_for_reading(actor, r, registry), electorate=r["electorate"],
                           organiser=r["organiser"]):
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
