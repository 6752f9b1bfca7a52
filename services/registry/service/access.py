"""The registry policy's answers as the use cases need them: a "no" becomes a 403."""
from __future__ import annotations

import asyncpg

from services.registry.domain import policy
from shared.auth import Principal, role_refused
from shared.errors import Forbidden


def require_keeper(actor: Principal) -> None:
    """Only ministry staff keep the registry (403 naming the role otherwise)."""
    if not policy.keeps_the_registry(actor):
        raise role_refused(actor.role, policy.KEEPER_ROLE)


def require_cluster_keeper(actor: Principal, cluster: asyncpg.Record, *, what: str) -> None:
    """Only the cluster's organiser's emulation office changes it (403 ``other-organiser``)."""
    if not policy.keeps_cluster(actor, organiser=cluster["organiser_code"]):
        raise Forbidden(f"only the emulation office of {cluster['organiser_code']} may {what}"
                        + (f"; the caller acts for {actor.staff_of}" if actor.staff_of else ""),
                        slug="other-organiser")
