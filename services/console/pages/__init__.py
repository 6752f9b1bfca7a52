"""Page routers, one module per feature (the pages of every audience for that feature live together:
the member's ballot and the receipts in ballots.py, the member's sheet and the lead's cross-check in
scores.py, the lead's rounds and the ministry's approval in rounds.py…). A new module adds its router
to PAGE_ROUTERS."""
from __future__ import annotations

from fastapi import APIRouter

from services.console.pages import (
    accounts,
    auth,
    ballots,
    commendations,
    conference,
    conference_setup,
    conferences,
    council_office,
    councils,
    covenant,
    decisions,
    disputes,
    home,
    movement_units,
    movements,
    notifications,
    office,
    public,
    rankings,
    register,
    rounds,
    scores,
    statistics,
    workspace,
    year,
)

PAGE_ROUTERS: list[APIRouter] = [
    auth.router, home.router, public.router, notifications.router, ballots.router, scores.router,
    workspace.router, covenant.router, rounds.router, conference.router, rankings.router, year.router,
    commendations.router, decisions.router, register.router, accounts.router, disputes.router,
    movements.router, movement_units.router, office.router,
    conference_setup.router,  # before conferences: its POST /conferences/{id}/{action} would take these
    conferences.router, council_office.router,
    councils.router,
    statistics.router,
]
