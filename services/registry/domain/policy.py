"""Who may change the registry: pure rules, no I/O.

The use cases (``registry.service``) ask these questions and turn a "no" into a 403 with their own
message; routers ask nothing themselves.

- **Ministry** staff keep the registry: they merge provinces and undo mergers, create, list,
  disable and enable accounts.
- An **organiser's emulation office** (the ministry's staff for ``BNV``) creates and changes its
  organiser's clusters, sets and changes their members, corrects a decided leadership; another
  organiser's office is refused (organisers and units: ``domain/organisers.py``).
- A year's **leadership** is recorded by ministry staff, or by the province that led the cluster
  the year before (it hosted the conference that decided).
- An **account's details** are read by ministry staff and by the account itself.
- Reads of provinces, clusters and periods are public.
"""
from __future__ import annotations

from typing import Protocol

from shared.auth import office_of, unit_of

__all__ = ["KEEPER_ROLE", "Actor", "keeps_cluster", "keeps_the_registry", "may_read_account",
           "may_record_leadership"]

KEEPER_ROLE = "ministry"
"""The role that keeps the registry (named in the refusal a caller of another role gets)."""


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def subject(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def keeps_the_registry(actor: Actor) -> bool:
    """Ministry staff: the writes of provinces, clusters, periods and accounts."""
    return actor.role == KEEPER_ROLE


def keeps_cluster(actor: Actor, *, organiser: str) -> bool:
    """The emulation office of the cluster's organiser (the ministry's staff for ``BNV``'s; a
    ``staff`` account for its own organiser's): another organiser's office is refused."""
    return office_of(actor) is not None and office_of(actor) == organiser


def may_record_leadership(actor: Actor, *, last_year_lead: str | None, organiser: str = "BNV") -> bool:
    """The cluster's organiser's office, or the unit that led last year (``last_year_lead``: its
    code today, following mergers; None when no leadership was recorded)."""
    if keeps_cluster(actor, organiser=organiser):
        return True
    return unit_of(actor) is not None and last_year_lead is not None and unit_of(actor) == last_year_lead


def may_read_account(actor: Actor, *, username: str) -> bool:
    return keeps_the_registry(actor) or actor.subject == username
