"""Who may read the year at a glance: pure rules, no I/O."""
from __future__ import annotations

from typing import Protocol

__all__ = ["Actor", "may_read_year"]


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...


def may_read_year(actor: Actor) -> bool:
    """The year across every cluster is the ministry's view (and a service account's)."""
    return actor.role in ("ministry", "service")
