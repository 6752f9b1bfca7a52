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
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

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
    if actor is not None and actor.role == "province" and actor.province is not None:
        row = await dispute_store.paper_participation(conn, r["id"], actor.province)
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


def _require_lead(actor: Principal, r: Mapping[str, Any], action: str) -> None:
    if not policy.is_lead(actor, lead_code=r["lead_code"]):
        raise Forbidden(f"only the lead of {r['cluster_code']} in {r['year']} (province {r['lead_code']}) may {action}")


def _require_ministry(actor: Principal, r: Mapping[str, Any], action: str) -> None:
    """The round's organiser's emulation office (ministry staff for the ministry's clusters)."""
    if not policy.may_decide(actor, organiser=r["organiser"]):
        who = "ministry staff" if r["organiser"] == "BNV" else f"the emulation office of {r['organiser']}"
        raise Forbidden(f"only {who} may {action}", slug="other-organiser" if actor.staff_of else None)


def _require_read(actor: Principal, r: Mapping[str, Any]) -> None:
    if not policy.may_read(actor, lead_code=r["lead_code"], electorate=r["electorate"], organiser=r["organiser"]):
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
