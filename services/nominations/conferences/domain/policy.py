"""Who may do what at a conference: pure rules, no I/O.

- The **lead** of the cluster-year (its province account) and **ministry** staff schedule a
  conference; the **host** (that lead) and ministry staff then act as its secretary's desk: open and
  adjourn it, name guests and any unit's delegates, check anyone in.
- A **member unit** (its province account) names its own delegates and checks its own delegates in
  on arrival (the QR code on the hall screen leads its phone there).
- Any signed-in caller reads a conference, its roster and its attendance (the hall screen).
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Protocol


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def may_schedule(actor: Actor, *, lead_code: str | None) -> bool:
    if actor.role == "ministry":
        return True
    return actor.role == "province" and lead_code is not None and actor.province == lead_code


def is_secretary(actor: Actor, *, host_code: str) -> bool:
    """The secretary's desk: the host's account, or the ministry's staff."""
    return actor.role == "ministry" or (actor.role == "province" and actor.province == host_code)


def may_name_delegate(actor: Actor, *, host_code: str, unit_code: str | None, members: Collection[str]) -> bool:
    """A guest (no unit) only by the secretary; a unit's delegate by the secretary or that member unit."""
    if is_secretary(actor, host_code=host_code):
        return unit_code is None or unit_code in members
    return unit_code is not None and unit_code in members and actor.role == "province" \
        and actor.province == unit_code


def check_in_method(actor: Actor, *, host_code: str, unit_code: str | None) -> str | None:
    """``self`` when a unit checks its own delegate in, ``secretary`` for the desk; ``None``: refused."""
    if unit_code is not None and actor.role == "province" and actor.province == unit_code:
        return "self"
    if is_secretary(actor, host_code=host_code):
        return "secretary"
    return None
