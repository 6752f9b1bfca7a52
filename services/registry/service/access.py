"""The registry policy's answers as the use cases need them: a "no" becomes a 403."""
from __future__ import annotations

from services.registry.domain import policy
from shared.auth import Principal, role_refused


def require_keeper(actor: Principal) -> None:
    """Only ministry staff keep the registry (403 naming the role otherwise)."""
    if not policy.keeps_the_registry(actor):
        raise role_refused(actor.role, policy.KEEPER_ROLE)
