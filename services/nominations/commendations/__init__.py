"""Commendations (khen thưởng): proposals of collectives and individuals for an award form, the
cluster lead's review, the ministry's review and decision, and the public award register.

``carry_approved_round`` is the one thing another context (voting) may use: the rest is
commendations' own.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from shared.auth import Principal


async def carry_approved_round(conn: asyncpg.Connection, *, actor: Principal,
                               round_row: Mapping[str, Any]) -> list[Any]:
    """In the transaction that approves a vote round: its proposed units enter the cluster-year's
    commendation list (see ``service.carry_approved_round``)."""
    from services.nominations.commendations import (
        service,  # deferred: service imports voting's cap rule
    )

    return await service.carry_approved_round(conn, actor=actor, round_row=round_row)
