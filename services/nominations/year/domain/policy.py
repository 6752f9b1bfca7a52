"""Who may read the year at a glance: pure rules, no I/O."""
from __future__ import annotations

from typing import Protocol

from shared.auth import office_of

__all__ = ["Actor", "may_read_year", "organiser_scope"]


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...


def may_read_year(actor: Actor) -> bool:
    """The year across every cluster is the ministry's view (and a service account's); an
    organiser's office reads its own organiser's clusters (``organiser_scope``)."""
    return actor.role in ("ministry", "service", "staff")


def organiser_scope(actor: Actor, asked: str | None) -> str | None:
    """Whose clusters the year view shows: the ministry and services every organiser's (or the one
    asked for: the national view), an organiser's office only its own."""
    if actor.role == "staff":
        return office_of(actor)
    return asked
