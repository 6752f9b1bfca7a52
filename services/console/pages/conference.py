"""The conference screen: a full-screen page for the projector in the hall. The round's title and
rules, a QR code that opens the ballot on a delegate's phone, the live count of ballots cast (never
who, never how) and, once the vote is closed, the result with a bar chart."""
from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.console import cluster_year as cy
from services.console import documents
from services.console.pages.ballots import motion_names
from services.console.web import ApiDep, UserDep, message, render

router = APIRouter()
# Where a delegate's phone lands: the member's ballot page.
BALLOT_PATH = "/ballots/{round_id}"


@router.get("/conference/{round_id}")
async def conference(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    rnd = motion_names(request, await cy.vote_round(api, round_id=round_id))
    cy.require_lead(user, rnd)
    turnout = await cy.turnout(api, round_id=round_id) if rnd["electorate"] is not None else None
    ballot_url = str(request.base_url).rstrip("/") + BALLOT_PATH.format(round_id=round_id)
    rows = cy.result_rows(rnd)
    chart = None
    if rows:
        chart = documents.bar_chart_svg(
            [{"key": r["code"], "label": r["name"], "value": r["votes"]} for r in rows],
            max_value=max(rnd["result"]["ballots_cast"], 1), label=message(request, "conference.chart"),
            highlight=rnd["result"].get("proposed") or [])
    return await render(request, "conference/screen.html", {
        "round": rnd, "turnout": turnout, "rows": rows, "chart": chart, "ballot_url": ballot_url,
        "qr": documents.qr_svg(ballot_url, label=message(request, "conference.qr")),
        "names_of": cy.names_of, "scripts": ["/static/live.js"] if rnd["state"] == "open" else []})


@router.get("/conference/{round_id}/live.json")
async def conference_live(request: Request, round_id: UUID, user: UserDep, api: ApiDep) -> Response:
    """The count only: how many ballots, never who cast them (the hall sees this screen)."""
    turnout = await cy.live_turnout(api, round_id=round_id)
    return JSONResponse({"state": turnout["state"], "ballots_cast": turnout["ballots_cast"],
                         "electorate_size": turnout["electorate_size"]})
