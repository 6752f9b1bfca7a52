"""HTTP routers for the notifications service (thin: parse, open the transaction, call the store)."""
from __future__ import annotations

from shared.auth import Principal
from shared.errors import Forbidden


def address_of(principal: Principal) -> str:
    """The recipient address whose inbox and subscriptions this account uses."""
    if principal.role == "province" and principal.province:
        return f"province:{principal.province}"
    if principal.role == "ministry":
        return "ministry"
    raise Forbidden("only province and ministry accounts have an inbox and subscriptions")
