"""Who may read and change what in notifications: pure rules, no I/O.

The use cases (``notifications.service``) ask these questions and turn a "no" into a 403; routers
ask nothing themselves.

- **Ministry** staff operate the delivery pipeline: they list deliveries and failed events, retry
  a dead delivery and replay a failed event.
- A **ministry** or **province** account has an inbox and a subscription: those of its address
  (``"ministry"``, or ``"province:<code>"`` for the province it acts for). A service account has
  neither. Beside its office's inbox, an account with an inbox reads its own personal one
  (``"account:<username>"``: what it is told as a council member), and nobody else's.
"""
from __future__ import annotations

from typing import Protocol

from shared.auth import office_of, unit_of

from .routing import ACCOUNT_PREFIX, MINISTRY, PROVINCE_PREFIX, STAFF_PREFIX

__all__ = ["OPERATOR_ROLE", "Actor", "address_of", "inbox_addresses", "operates_deliveries"]

OPERATOR_ROLE = "ministry"
"""The role that operates deliveries and failed events (named in the refusal others get)."""


class Actor(Protocol):
    """The caller as the rules see it (``shared.auth.Principal`` is one)."""

    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...

    @property
    def subject(self) -> str: ...


def operates_deliveries(actor: Actor) -> bool:
    return actor.role == OPERATOR_ROLE


def address_of(actor: Actor) -> str | None:
    """The recipient address whose inbox and subscription the account uses; None: it has none."""
    unit, office = unit_of(actor), office_of(actor)
    if unit:
        return PROVINCE_PREFIX + unit  # a unit's address, as a province's (its code)
    if actor.role == "ministry":
        return MINISTRY
    if actor.role == "staff" and office:
        return STAFF_PREFIX + office
    return None


def inbox_addresses(actor: Actor) -> list[str]:
    """The addresses whose notifications the account reads in its inbox: its office's, then its own
    personal one; [] when it has no inbox."""
    address = address_of(actor)
    return [address, ACCOUNT_PREFIX + actor.subject] if address else []
