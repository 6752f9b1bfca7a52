"""The year view: what each context says about each cluster of the year, side by side."""
from __future__ import annotations

from typing import Any

import asyncpg

from services.nominations import scoring, voting
from services.nominations.year.domain import policy
from shared.auth import Principal
from shared.errors import Forbidden


async def year_view(conn: asyncpg.Connection, *, actor: Principal, year: int,
                    organiser: str | None = None) -> dict[str, Any]:
    """Every organiser's clusters for the ministry (or one organiser's: ``organiser``), its own for
    an organiser's office."""
    if not policy.may_read_year(actor):
        raise Forbidden("the year at a glance is for ministry staff and the organisers' emulation offices")
    organiser = policy.organiser_scope(actor, organiser)
    scores = await scoring.year_summary(conn, year=year, organiser=organiser)
    votes = await voting.year_summary(conn, year=year, organiser=organiser)
    items = []
    for code in sorted(scores.keys() | votes.keys()):
        s, v = scores.get(code), votes.get(code)
        items.append({
            "cluster_code": code,
            "cluster_name": (s or v or {}).get("cluster_name", code),
            "organiser": (s or v or {}).get("organiser", "BNV"),
            "lead_code": s["lead_code"] if s else None,
            "covenant": s["covenant"] if s else None,
            "sheets": s["sheets"] if s else None,
            "locked_at": s["locked_at"] if s else None,
            "rounds": v["rounds"] if v else [],
            "approvals": v["approvals"] if v else [],
        })
    return {"year": year, "items": items, "next": None}
