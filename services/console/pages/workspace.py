"""The lead's workspace: the cluster-years a province leads (all of them for the ministry), and one
cluster-year's overview (covenant, sheets, rounds)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import cluster_year as cy
from services.console import service
from services.console.sessions import new_secret
from services.console.web import ApiDep, UserDep, render

router = APIRouter()


@router.get("/lead")
async def my_workspaces(request: Request, user: UserDep, api: ApiDep) -> Response:
    found = [p for p in await service.all_periods(api)
             if user.role == "ministry" or (p.get("lead") or {}).get("code") == user.province]
    return await render(request, "workspace/index.html", {"periods": found})


@router.get("/lead/{cluster}/{year:int}")
async def overview(request: Request, cluster: str, year: int, user: UserDep, api: ApiDep) -> Response:
    period = await cy.period(api, cluster=cluster, year=year)
    cy.require_lead(user, period)
    ws = await cy.workspace(api, cluster=cluster, year=year, the_period=period)
    submitted = sum(1 for s in ws["sheets"].values() if s and s.get("submitted_at"))
    return await render(request, "workspace/overview.html", {
        "period": period, "base": f"/lead/{cluster}/{year}", **ws, "submitted": submitted,
        "lock_key": new_secret()})
