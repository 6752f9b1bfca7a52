"""Who may do what with a vote round, and what each state of a round allows: pure rules, no I/O.

The use cases (``voting.service``) ask these questions and turn a "no" into the matching 403 or 409;
the state sets are derived from :class:`RoundState` and its transitions, so a new state cannot be
forgotten in one list and remembered in another.

Who may do what (anything else is 403 and changes nothing):

- the **lead** of the cluster-year (the province whose code is the round's ``lead_code``) creates,
  opens, closes and certifies rounds, records paper ballots and sees the turnout;
- a **province in the electorate** casts its own ballot;
- **ministry** staff read everything and approve or return certified rounds;
- a **service** account reads rounds and closes them, but only once ``closes_at`` has passed;
- any authenticated caller reads the bulletin and verifies a receipt once the round is counted.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from shared.auth import is_unit, office_of, unit_of

from .rounds import TERMINAL_STATES, TRANSITIONS, RoundState

__all__ = [
    "BALLOT_STATES",
    "CERTIFIED_STATES",
    "COUNTED_STATES",
    "DISPUTE_STATES",
    "TERMINAL_STATES",
    "Actor",
    "accepts_ballots",
    "accepts_disputes",
    "close_waits_for_deadline",
    "is_certified",
    "is_counted",
    "is_lead",
    "may_cast",
    "may_close",
    "may_create",
    "may_decide",
    "may_list_all",
    "may_list_own",
    "may_read",
    "may_see_turnout",
    "reachable_from",
]


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...


def reachable_from(start: RoundState) -> frozenset[RoundState]:
    """``start`` and every state a round can reach from it."""
    seen = {start}
    todo = [start]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


BALLOT_STATES: frozenset[RoundState] = frozenset({RoundState.open})
"""States in which a ballot may be cast (until ``closes_at``, if the round has one)."""

COUNTED_STATES: frozenset[RoundState] = reachable_from(RoundState.closed)
"""States in which the round has been counted: from the close on. The bulletin and the receipt check
are public from then on, if the vote met its quorum."""

CERTIFIED_STATES: frozenset[RoundState] = reachable_from(RoundState.certified)
"""States in which the minutes exist: the lead has certified the count."""

DISPUTE_STATES: frozenset[RoundState] = frozenset(
    s for s in BALLOT_STATES | COUNTED_STATES
    if s not in CERTIFIED_STATES and RoundState.certified in reachable_from(s))
"""States in which a member may dispute the paper ballot entered for it: from the open until the
certification (a close moments after the paper ballot must not silence the member)."""


def _state(state: RoundState | str) -> RoundState:
    return RoundState(state)


def accepts_ballots(state: RoundState | str) -> bool:
    return _state(state) in BALLOT_STATES


def is_counted(state: RoundState | str) -> bool:
    return _state(state) in COUNTED_STATES


def is_certified(state: RoundState | str) -> bool:
    return _state(state) in CERTIFIED_STATES


def accepts_disputes(state: RoundState | str) -> bool:
    return _state(state) in DISPUTE_STATES


# ---------------------------------------------------------------- who may do what

def is_lead(actor: Actor, *, lead_code: str | None) -> bool:
    return lead_code is not None and is_unit(actor) and unit_of(actor) == lead_code


def is_office(actor: Actor, *, organiser: str | None) -> bool:
    """The emulation office of the round's organiser (the ministry's staff for ``BNV``'s rounds)."""
    return office_of(actor) is not None and office_of(actor) == (organiser or "BNV")


def may_create(actor: Actor) -> bool:
    """Only a province may create a round (the registry then says whether it leads the cluster-year)."""
    return is_unit(actor)


def may_read(actor: Actor, *, lead_code: str | None, electorate: Collection[str] | None,
             organiser: str | None = None) -> bool:
    """The ministry, service accounts, the lead and (once the round is open) its electorate."""
    if actor.role in ("ministry", "service") or is_office(actor, organiser=organiser) \
            or is_lead(actor, lead_code=lead_code):
        return True
    return is_unit(actor) and electorate is not None and unit_of(actor) in electorate


def may_list_all(actor: Actor) -> bool:
    """Sees every round in a listing (otherwise only those it leads or votes in, see ``may_list_own``)."""
    return actor.role in ("ministry", "service")


def may_list_own(actor: Actor) -> bool:
    return is_unit(actor) and bool(unit_of(actor))


def may_cast(actor: Actor, *, electorate: Collection[str] | None) -> bool:
    """A province casts its own ballot if it is in the electorate (a draft round has none yet: its
    state answers then)."""
    return is_unit(actor) and (electorate is None or unit_of(actor) in electorate)


def may_close(actor: Actor, *, lead_code: str | None) -> bool:
    """The lead, or a service account (the scheduler)."""
    return actor.role == "service" or is_lead(actor, lead_code=lead_code)


def close_waits_for_deadline(actor: Actor, *, lead_code: str | None) -> bool:
    """Whether this caller may close an open round only once its ``closes_at`` has passed: everyone
    but the lead. A service account never cuts a vote short."""
    return not is_lead(actor, lead_code=lead_code)


def may_see_turnout(actor: Actor, *, lead_code: str | None, organiser: str | None = None) -> bool:
    return actor.role == "ministry" or is_office(actor, organiser=organiser) or is_lead(actor, lead_code=lead_code)


def may_decide(actor: Actor, *, organiser: str | None = None) -> bool:
    """Approve or return a certified proposal, rule on a disputed paper ballot: the emulation office of
    the round's organiser (ministry staff for the ministry's clusters), never another organiser's."""
    return is_office(actor, organiser=organiser)
