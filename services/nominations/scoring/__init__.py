"""Scoring: the cluster-year's covenant (giao ước), the members' score sheets and their cross-check,
and the rankings computed from them.

``ranks_for`` is the one thing another context (voting) may use: the rest is scoring's own.
``year_summary`` serves the service's year view (``services.nominations.year``);
``covenant_signatures`` the conference's minutes (``services.nominations.conferences``).
"""
from __future__ import annotations

from typing import Any

import asyncpg

from services.nominations.scoring.store import rankings as _ranking_store


async def ranks_for(conn: asyncpg.Connection, *, year: int, cluster: str) -> dict[str, dict[str, Any]]:
    """Each unit's place in the latest ranking of a cluster-year: code → {rank, total, share, band}
    ({} before the first snapshot)."""
    return await _ranking_store.latest_ranks(conn, cluster_code=cluster, year=year)


async def year_summary(conn: asyncpg.Connection, *, year: int, organiser: str | None = None) -> dict[str, dict[str, Any]]:
    """Per cluster of the year: the covenant's state and where the members' sheets stand."""
    from services.nominations.scoring.store import covenants as _covenant_store

    return await _covenant_store.year_summary(conn, year=year, organiser=organiser)


async def covenant_signatures(conn: asyncpg.Connection, *, period: dict[str, Any]) -> dict[str, Any] | None:
    """Who signed the covenant in force of the registry's ``period`` (its signatures, who has not
    signed, whether it is in force); None while no covenant is published."""
    from services.nominations.scoring.service import signatures as _signatures
    from shared.errors import DomainError

    try:
        return await _signatures.listing(conn, period=period)
    except DomainError:
        return None
