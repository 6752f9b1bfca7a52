"""Voting: vote rounds, secret ballots and receipts, the tally, runoffs, certification, minutes and
the ministry's decision. Reads the cluster-year's ranking only through ``scoring.ranks_for``.

``year_summary`` serves the service's year view (``services.nominations.year``); ``conference_votes``
the conference's minutes (the conferences context)."""
from __future__ import annotations

from typing import Any

import asyncpg


async def year_summary(conn: asyncpg.Connection, *, year: int, organiser: str | None = None) -> dict[str, dict[str, Any]]:
    """Per cluster of the year: each award's rounds (id, state) and the approved proposals."""
    from services.nominations.voting.store import rounds as _round_store

    return await _round_store.year_summary(conn, year=year, organiser=organiser)


async def conference_votes(conn: asyncpg.Connection, round_ids: list[Any]) -> list[dict[str, Any]]:
    """The votes a conference held, in that order, with their figures as its minutes record them
    (``views.vote_figures``: what a vote that missed its quorum never publishes stays unpublished)."""
    from services.nominations.voting import views as _views
    from services.nominations.voting.store import rounds as _round_store

    return [_views.vote_figures(r) for r in await _round_store.by_ids(conn, list(round_ids))]
