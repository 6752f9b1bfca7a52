"""Who may do what with commendations: pure rules, no I/O.

The use cases (``commendations.service``) ask these questions and turn a "no" into a 403 with
their own message. Who leads a cluster-year is the registry's answer, given to these rules as
``lead_code``.

- a **province** drafts proposals for itself, edits and submits its own, reads its own;
- the **lead** of the cluster-year reads the cluster's submitted proposals and reviews its list;
- **ministry** staff read everything, configure award forms, review sent nominees and decide;
- a **service** account reads everything (drafts of decisions included).
"""
from __future__ import annotations

from typing import Protocol

__all__ = [
    "Actor",
    "is_lead",
    "is_staff",
    "may_draft",
    "may_list_all",
    "may_list_own",
    "may_manage",
    "may_read_proposal",
    "owns",
]


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def may_manage(actor: Actor) -> bool:
    """Award forms, the ministry's review and decisions: ministry staff."""
    return actor.role == "ministry"


def is_staff(actor: Actor) -> bool:
    """Ministry staff and service accounts read everything (draft decisions included)."""
    return actor.role in ("ministry", "service")


def is_lead(actor: Actor, *, lead_code: str | None) -> bool:
    return actor.role == "province" and actor.province is not None and actor.province == lead_code


def owns(actor: Actor, *, province_code: str) -> bool:
    """The proposing province's own account."""
    return actor.role == "province" and actor.province == province_code


def may_draft(actor: Actor) -> bool:
    """A province drafts its own proposals."""
    return actor.role == "province" and actor.province is not None


def may_read_proposal(actor: Actor, *, province_code: str, lead_code: str | None, draft: bool) -> bool:
    """The proposing province, the cluster-year's lead (once submitted), the ministry and services."""
    if is_staff(actor):
        return True
    if actor.role != "province":
        return False
    return actor.province == province_code or (is_lead(actor, lead_code=lead_code) and not draft)


def may_list_all(actor: Actor) -> bool:
    return is_staff(actor)


def may_list_own(actor: Actor) -> bool:
    return actor.role == "province" and bool(actor.province)
