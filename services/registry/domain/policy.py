"""Who may change the registry: pure rules, no I/O.

The use cases (``registry.service``) ask these questions and turn a "no" into a 403 with their own
message; routers ask nothing themselves.

- **Ministry** staff keep the registry: they merge provinces and undo mergers, create and change
  clusters, set and change a year's members, correct a decided leadership, create, list, disable
  and enable accounts.
- A year's **leadership** is recorded by ministry staff, or by the province that led the cluster
  the year before (it hosted the conference that decided).
- An **account's details** are read by ministry staff and by the account itself.
- Reads of provinces, clusters and periods are public.
"""
from __future__ import annotations

from typing import Protocol

__all__ = ["KEEPER_ROLE", "Actor", "keeps_the_registry", "may_read_account", "may_record_leadership"]

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


def may_record_leadership(actor: Actor, *, last_year_lead: str | None) -> bool:
    """Ministry staff, or the province that led last year (``last_year_lead``: its code today,
    following mergers; None when no leadership was recorded)."""
    if keeps_the_registry(actor):
        return True
    return actor.role == "province" and last_year_lead is not None and actor.province == last_year_lead


def may_read_account(actor: Actor, *, username: str) -> bool:
    return keeps_the_registry(actor) or actor.subject == username
