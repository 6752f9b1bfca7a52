"""Who may do what with a cluster-year's covenant and score sheets: pure rules, no I/O.

Who leads, deputises and belongs is the registry's period, given to these rules as codes. The use
cases (``scoring.service``) ask these questions and turn a "no" into a 403 with their own message.

- covenant: the lead province of the cluster-year, or ministry staff;
- a sheet: only that province's own account edits and submits it;
- cross-check (review): the lead, except on the lead's own sheet, which the deputy cross-checks
  (nobody marks their own paper);
- read a sheet: the province itself, its cross-checker, the lead, ministry staff;
- list the sheets: the lead, the members (their own row) and ministry staff;
- lock: the lead; recompute the rankings: ministry staff.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

__all__ = [
    "COVENANT_ROLES",
    "Actor",
    "acts_as",
    "is_ministry",
    "is_province",
    "may_list_sheets",
    "may_read_sheet",
    "may_recompute",
    "may_write_covenant",
    "reviewer_of",
    "sees_every_sheet",
]

COVENANT_ROLES = ("ministry", "province")
"""The roles that may ask to write a covenant at all (the period then says whether this one may)."""


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def is_ministry(actor: Actor) -> bool:
    return actor.role == "ministry"


def is_province(actor: Actor) -> bool:
    return actor.role == "province"


def acts_as(actor: Actor, code: str | None) -> bool:
    """The caller is the account of province ``code``."""
    return code is not None and actor.role == "province" and actor.province == code


def may_write_covenant(actor: Actor, *, lead_code: str | None) -> bool:
    return is_ministry(actor) or acts_as(actor, lead_code)


def reviewer_of(*, lead_code: str | None, deputy_code: str | None, province: str) -> str | None:
    """Who cross-checks ``province``'s sheet: the lead, or the deputy when it is the lead's own."""
    return deputy_code if province == lead_code else lead_code


def may_read_sheet(actor: Actor, *, province: str, lead_code: str | None, reviewer: str | None) -> bool:
    return is_ministry(actor) or acts_as(actor, province) or acts_as(actor, lead_code) or acts_as(actor, reviewer)


def sees_every_sheet(actor: Actor, *, lead_code: str | None) -> bool:
    return is_ministry(actor) or acts_as(actor, lead_code)


def may_list_sheets(actor: Actor, *, lead_code: str | None, members: Collection[str]) -> bool:
    return sees_every_sheet(actor, lead_code=lead_code) or (is_province(actor) and actor.province in members)


def may_recompute(actor: Actor) -> bool:
    return is_ministry(actor)
