"""Who may do what with a council: pure rules, no I/O.

- The **emulation office of the organiser** (its ``staff`` accounts; the ministry's staff for
  ``BNV``) founds the council, configures its thresholds, schedules its sessions and keeps the
  secretary's desk: check-ins, opening, written ballots of absent members, the close.
- A **council member** acts through the registry account the founding record names for them
  (``account``, any role: typically a staff account of that office). With it the member checks
  itself in and casts its own secret ballot; nobody else casts it.
- Anyone signed in reads councils, sessions, rosters (who voted, never how) and results.
"""
from __future__ import annotations

from typing import Protocol

from shared.auth import office_of


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def subject(self) -> str: ...


def is_office(actor: Actor, *, organiser: str) -> bool:
    office = office_of(actor)
    return office is not None and office == organiser


def may_found(actor: Actor, *, organiser: str) -> bool:
    return is_office(actor, organiser=organiser)


def is_secretary(actor: Actor, *, organiser: str) -> bool:
    return is_office(actor, organiser=organiser)


def is_member(actor: Actor, *, account: str) -> bool:
    return actor.subject == account


def check_in_method(actor: Actor, *, organiser: str, account: str) -> str | None:
    """``self`` when the member checks itself in, ``secretary`` for the desk; ``None``: refused."""
    if is_member(actor, account=account):
        return "self"
    if is_secretary(actor, organiser=organiser):
        return "secretary"
    return None
