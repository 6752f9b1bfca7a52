"""The nominations service's FastAPI application."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.nominations.settings import NominationsSettings
from shared.app import create_app

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = "nominations"

DESCRIPTION = """Covenants (giao ước), score sheets, rankings, and the year-end secret-ballot flag votes
(vote rounds, ballots, tally, runoff, certification, ministry approval).

Every call needs a bearer token from the registry's `POST /v1/auth/token`. Errors are RFC 9457
problem+json. Writes a client may retry accept an `Idempotency-Key` header."""


def routers() -> list:
    # Each bounded context contributes its routers here.
    from services.nominations.scoring.api import covenants, rankings  # covenants, score sheets, rankings
    from services.nominations.voting.api import rounds  # vote rounds, ballots, results

    return [
        rounds.router,
        covenants.router,
        rankings.router,
    ]


def create_nominations_app(settings: NominationsSettings | None = None) -> FastAPI:
    settings = settings or NominationsSettings()
    return create_app(settings, title="thidua nominations", description=DESCRIPTION, schema=SCHEMA,
                      routers=routers())
