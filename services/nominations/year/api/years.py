"""``GET /v1/years/{year}/clusters``: the year at a glance (ministry)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.nominations.year import service
from services.nominations.year.schemas import YearView
from shared.app import Db
from shared.auth import CurrentPrincipal

router = APIRouter(prefix="/v1/years", tags=["the year"])


@router.get("/{year}/clusters", response_model=YearView,
            summary="Per cluster: covenant state, sheets submitted / reviewed / locked, each award's rounds and "
                    "their states, approvals (ministry)")
async def year_clusters(year: Annotated[int, Path(ge=2000, le=2100)], principal: CurrentPrincipal, db: Db,
                        organiser: Annotated[str | None, Query(
                            pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
                            description="One organiser's clusters (the ministry's national view shows every "
                                        "organiser's; an organiser's office always sees its own)")] = None) -> dict:
    async with db.connection() as conn:
        return await service.year_view(conn, actor=principal, year=year, organiser=organiser)
