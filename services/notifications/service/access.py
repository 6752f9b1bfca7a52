"""The notifications policy's answers as the use cases need them: a "no" becomes a 403."""
from __future__ import annotations

from services.notifications.domain import policy
from shared.auth import Principal, role_refused
from shared.errors import Forbidden


def require_operator(actor: Principal) -> None:
    """Only ministry staff operate deliveries and failed events (403 naming the role otherwise)."""
    if not policy.operates_deliveries(actor):
        raise role_refused(actor.role, policy.OPERATOR_ROLE)


def address_of(actor: Principal) -> str:
    """The recipient address whose inbox and subscriptions this account uses."""
    address = policy.address_of(actor)
    if address is None:
        raise Forbidden("only province and ministry accounts have an inbox and subscriptions")
    return address


def inbox_addresses(actor: Principal) -> list[str]:
    """The office's address and the account's personal one, whose notifications its inbox shows."""
    address_of(actor)  # a 403 for an account without an inbox
    return policy.inbox_addresses(actor)
