"""The nominations service's FastAPI application."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.nominations.registry_client import close_registry, open_registry
from services.nominations.settings import NominationsSettings
from shared.app import create_app
from shared.exports import DocumentBuilder

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = "nominations"

DESCRIPTION = """Covenants (giao ước), score sheets, rankings, the year-end secret-ballot flag votes
(vote rounds, ballots, tally, runoff, certification, ministry approval), and commendations (proposals of
collectives and individuals, the lead's and the ministry's review, decisions, the public award register), and
emulation movements (phong trào thi đua: launch, phases, registrations, models and examples, reviews, publications),
and the cluster's year-end conference (hội nghị tổng kết: roster, check-ins, quorum).

Every call needs a bearer token from the registry's `POST /v1/auth/token`. Errors are RFC 9457
problem+json. Writes a client may retry accept an `Idempotency-Key` header."""


def routers() -> list:
    # Each bounded context contributes its routers here.
    from services.nominations.commendations.api import (
        commendations,  # proposals, decisions, register
        forms,  # award forms, versioned
    )
    from services.nominations.conferences.api import conferences  # roster, check-ins, quorum
    from services.nominations.councils.api import councils  # the council's sessions and secret ballots
    from services.nominations.movements.api import models as movement_models  # models, evidence, publications
    from services.nominations.movements.api import movements, registrations  # movements, registrations, reports
    from services.nominations.scoring.api import covenants, rankings, signatures  # covenants, sheets, signatures
    from services.nominations.statistics.api import statistics  # the yearly statistics forms
    from services.nominations.voting.api import disputes, rounds  # rounds, ballots, results, disputes
    from services.nominations.year.api import years as year  # the year at a glance, across the contexts

    return [
        rounds.router,
        disputes.router,
        covenants.router,
        signatures.router,
        rankings.router,
        year.router,
        forms.router,
        commendations.router,
        commendations.register,
        movements.router,
        movements.documents,
        registrations.router,
        movement_models.router,
        conferences.router,
        councils.router,
        statistics.router,
        statistics.dashboard,
    ]


def create_nominations_app(settings: NominationsSettings | None = None) -> FastAPI:
    settings = settings or NominationsSettings()
    return create_app(settings, title="thidua nominations", description=DESCRIPTION, schema=SCHEMA,
                      routers=routers(), on_startup=[open_registry, open_documents],
                      on_shutdown=[close_registry, close_documents])


async def open_documents(app: FastAPI) -> None:
    # Workbooks are built in worker processes (started at the first export), never on the loop.
    app.state.documents = DocumentBuilder(processes=app.state.settings.register_export_processes)


async def close_documents(app: FastAPI) -> None:
    app.state.documents.close()
