"""Who may do what with commendations: pure rules, no I/O.

The use cases (``commendations.service``) ask these questions and turn a "no" into a 403 with
their own message. Who leads a cluster-year is the registry's answer, given to these rules as
``lead_code``.

- a **province** drafts proposals for itself, edits and submits its own, reads its own;
- the **lead** of the cluster-year reads the cluster's submitted proposals and reviews its list,
  except its own province's nominees: nobody accepts its own, so the ministry's staff review those;
- **ministry** staff read everything, configure award forms, review sent nominees and decide;
- a **service** account reads everything (drafts of decisions included).
"""
from __future__ import annotations

from typing import Protocol

from shared.auth import is_unit, office_of, unit_of

__all__ = [
    "Actor",
    "is_lead",
    "is_staff",
    "may_draft",
    "may_list_all",
    "may_list_own",
    "may_manage",
    "may_read_personal",
    "may_read_proposal",
    "may_review_nominee",
    "owns",
]


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...


def may_manage(actor: Actor, organiser: str | None = None) -> bool:
    """Award forms, the review and decisions of an organiser (None: the ministry's): its emulation
    office (ministry staff for the ministry's), never another organiser's."""
    return office_of(actor) is not None and office_of(actor) == (organiser or "BNV")


def is_staff(actor: Actor, organiser: str | None = None) -> bool:
    """Read everything of an organiser (draft decisions included): ministry staff (every organiser's,
    the national view), service accounts, and the organiser's own office."""
    return actor.role in ("ministry", "service") or (organiser is not None and may_manage(actor, organiser))


def is_lead(actor: Actor, *, lead_code: str | None) -> bool:
    return is_unit(actor) and unit_of(actor) is not None and unit_of(actor) == lead_code


def owns(actor: Actor, *, province_code: str) -> bool:
    """The proposing province's own account."""
    return is_unit(actor) and unit_of(actor) == province_code


def may_review_nominee(actor: Actor, *, province_code: str, lead_code: str | None,
                       organiser: str | None = None) -> bool:
    """Accept or return a submitted nominee: the cluster-year's lead, but for the lead's own
    province's nominees the organiser's emulation office (the ministry's staff for its clusters),
    never the lead itself."""
    if lead_code is not None and province_code == lead_code:
        return may_manage(actor, organiser)
    return is_lead(actor, lead_code=lead_code)


def may_draft(actor: Actor) -> bool:
    """A province drafts its own proposals."""
    return is_unit(actor) and unit_of(actor) is not None


def may_read_proposal(actor: Actor, *, province_code: str, lead_code: str | None, draft: bool,
                      organiser: str | None = None) -> bool:
    """The proposing province, the cluster-year's lead (once submitted), the ministry, services and
    the organiser's office."""
    if is_staff(actor, organiser or "BNV"):
        return True
    if not is_unit(actor):
        return False
    return unit_of(actor) == province_code or (is_lead(actor, lead_code=lead_code) and not draft)


def may_read_personal(actor: Actor, *, province_code: str, organiser: str | None = None) -> bool:
    """A nominee's statistics fields (sex, leader, direct worker, ethnic minority): the proposing unit, its
    organiser's office, the ministry and services; not the cluster's lead reviewing another's list."""
    return is_staff(actor, organiser or "BNV") or owns(actor, province_code=province_code)


def may_list_all(actor: Actor) -> bool:
    return is_staff(actor)


def may_list_own(actor: Actor) -> bool:
    return is_unit(actor) and bool(unit_of(actor))
