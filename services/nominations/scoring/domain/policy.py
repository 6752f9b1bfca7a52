"""Who may do what with a cluster-year's covenant and score sheets: pure rules, no I/O.

Who leads, deputises and belongs is the registry's period, given to these rules as codes. The use
cases (``scoring.service``) ask these questions and turn a "no" into a 403 with their own message.

The organiser's emulation office (``organiser``: the period's, ``BNV`` for the ministry's clusters)
does what ministry staff do for the ministry's own; the ministry reads every organiser's (national
view) but changes only its own. A unit's account acts as a province's does.

- covenant: the lead province of the cluster-year, or ministry staff;
- a sheet: only that province's own account edits and submits it;
- cross-check (review): the lead, except on the lead's own sheet, which the deputy cross-checks
  (nobody marks their own paper);
- read a sheet: the province itself, its cross-checker, the lead, ministry staff;
- list the sheets: the lead, the members (their own row) and ministry staff;
- lock: the lead; recompute the rankings: ministry staff;
- read a ranking (a cluster-year's, or an organiser's national one): the ministry's, anyone signed
  in; another organiser's, its office, its member units (of that cluster; of any of its clusters
  for the national one), the ministry and services.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from shared.auth import is_unit, office_of, unit_of

__all__ = [
    "COVENANT_ROLES",
    "Actor",
    "acts_as",
    "is_ministry",
    "is_province",
    "reads_as_office",
    "may_list_sheets",
    "may_read_ranking",
    "may_read_sheet",
    "may_recompute",
    "may_write_covenant",
    "reviewer_of",
    "sees_every_sheet",
]

COVENANT_ROLES = ("ministry", "province", "staff", "unit")
"""The roles that may ask to write a covenant at all (the period then says whether this one may)."""


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...


def is_ministry(actor: Actor, organiser: str | None = None) -> bool:
    """The emulation office of ``organiser`` (None: the ministry's clusters)."""
    return office_of(actor) is not None and office_of(actor) == (organiser or "BNV")


def reads_as_office(actor: Actor, organiser: str | None = None) -> bool:
    """The organiser's office, or the ministry's national view."""
    return is_ministry(actor, organiser) or actor.role == "ministry"


def is_province(actor: Actor) -> bool:
    return is_unit(actor)


def acts_as(actor: Actor, code: str | None) -> bool:
    """The caller is the account of province ``code``."""
    return code is not None and is_unit(actor) and unit_of(actor) == code


def may_write_covenant(actor: Actor, *, lead_code: str | None, organiser: str | None = None) -> bool:
    return is_ministry(actor, organiser) or acts_as(actor, lead_code)


def reviewer_of(*, lead_code: str | None, deputy_code: str | None, province: str) -> str | None:
    """Who cross-checks ``province``'s sheet: the lead, or the deputy when it is the lead's own."""
    return deputy_code if province == lead_code else lead_code


def may_read_sheet(actor: Actor, *, province: str, lead_code: str | None, reviewer: str | None,
                   organiser: str | None = None) -> bool:
    return (reads_as_office(actor, organiser) or acts_as(actor, province) or acts_as(actor, lead_code)
            or acts_as(actor, reviewer))


def sees_every_sheet(actor: Actor, *, lead_code: str | None, organiser: str | None = None) -> bool:
    return reads_as_office(actor, organiser) or acts_as(actor, lead_code)


def may_list_sheets(actor: Actor, *, lead_code: str | None, members: Collection[str],
                    organiser: str | None = None) -> bool:
    return sees_every_sheet(actor, lead_code=lead_code, organiser=organiser) or (is_province(actor)
                                                                                  and unit_of(actor) in members)


def may_recompute(actor: Actor, organiser: str | None = None) -> bool:
    """The rankings of the year (or of one cluster) are recomputed on the ministry's request, or on
    the request of the cluster's organiser's office."""
    return actor.role == "ministry" or (organiser is not None and is_ministry(actor, organiser))



def may_read_ranking(actor: Actor, organiser: str | None, members: Collection[str]) -> bool:
    """A ranking of ``organiser``'s (None: the ministry's) whose units are ``members``."""
    if (organiser or "BNV") == "BNV":
        return True
    return is_ministry(actor, organiser) or actor.role in ("ministry", "service") or unit_of(actor) in members
