"""Who reads the statistics forms: pure rules, no I/O.

An organiser's emulation office reads its own organiser's forms; the ministry (and a service
account) reads every organiser's and the national forms (every organiser together). Nobody else:
the forms count personal data (women, leaders, direct workers, ethnic minorities)."""
from __future__ import annotations

from typing import Protocol

from shared.auth import office_of

__all__ = ["Actor", "NATIONAL", "may_read", "scope"]

NATIONAL = None  # the organiser "every organiser together"


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...


def may_read(actor: Actor, organiser: str | None) -> bool:
    """``organiser`` None is the national view (every organiser): the ministry's and services' only."""
    if actor.role in ("ministry", "service"):
        return True
    return actor.role == "staff" and organiser is not None and office_of(actor) == organiser


def scope(actor: Actor, asked: str | None) -> str | None:
    """Whose forms a request means when it names no organiser: an office's own; the ministry's
    national view."""
    if asked is None and actor.role == "staff":
        return office_of(actor)
    return asked
