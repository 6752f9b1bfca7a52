"""Who may do what at a conference: pure rules, no I/O.

- The **lead** of the cluster-year (its unit's account: a province's or another unit's) and the
  **emulation office of the cluster's organiser** (the ministry's staff for ``BNV``) schedule a
  conference; the **host** (that lead) and that office then act as its secretary's desk: open and
  adjourn it, name guests and any unit's delegates, check anyone in.
- A **member unit** (its own account) names its own delegates and checks its own delegates in on
  arrival (the QR code on the hall screen leads its phone there).
- Any signed-in caller reads a conference, its roster and its attendance (the hall screen).
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from shared.auth import office_of, unit_of


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def is_office(actor: Actor, *, organiser: str) -> bool:
    return office_of(actor) is not None and office_of(actor) == organiser


def may_schedule(actor: Actor, *, lead_code: str | None, organiser: str) -> bool:
    return is_office(actor, organiser=organiser) or (lead_code is not None and unit_of(actor) == lead_code)


def is_secretary(actor: Actor, *, host_code: str | None, organiser: str) -> bool:
    """The secretary's desk: the host's account (the cluster-year's current lead; ``None``: no lead),
    or the organiser's emulation office."""
    return is_office(actor, organiser=organiser) or (host_code is not None and unit_of(actor) == host_code)


def may_name_delegate(actor: Actor, *, host_code: str | None, organiser: str, unit_code: str | None,
                      members: Collection[str]) -> bool:
    """A guest (no unit) only by the secretary; a unit's delegate by the secretary or that member unit."""
    if unit_code is not None and unit_code not in members:
        return False
    if is_secretary(actor, host_code=host_code, organiser=organiser):
        return True
    return unit_code is not None and unit_of(actor) == unit_code


def check_in_method(actor: Actor, *, host_code: str | None, organiser: str, unit_code: str | None) -> str | None:
    """``self`` when a unit checks its own delegate in, ``secretary`` for the desk; ``None``: refused."""
    if unit_code is not None and unit_of(actor) == unit_code:
        return "self"
    if is_secretary(actor, host_code=host_code, organiser=organiser):
        return "secretary"
    return None
