"""The minutes of a closed session (JSON, HTML, PDF), and the minutes that belong to a decision's
file: those of the sessions that decided the nominees it lists."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations import commendations
from services.nominations.councils import minutes as printing
from services.nominations.councils.domain.states import SessionState
from services.nominations.councils.service import councils, sessions
from services.nominations.councils.store import sessions as store
from services.nominations.settings import NominationsSettings
from shared.auth import Principal
from shared.errors import Conflict


async def minutes(conn: asyncpg.Connection, *, council_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any]:
    session = await sessions.get(conn, council_id=council_id, session_id=session_id)
    if SessionState(session["state"]) is not SessionState.closed:
        raise Conflict("the minutes are drawn up once the session is closed", slug="session-not-closed")
    return {"session": session, "council": await councils.get(conn, council_id=council_id),
            "roster": await sessions.roster(conn, council_id=council_id, session_id=session_id)}


def _document(found: dict[str, Any], settings: NominationsSettings) -> printing.Minutes:
    organiser = found["council"]["organiser"]
    issuer = settings.decision_issuer if organiser == "BNV" else organiser
    return printing.build(session=found["session"], council=found["council"], roster=found["roster"], issuer=issuer,
                          place=settings.decision_place)


def minutes_html(found: dict[str, Any], *, settings: NominationsSettings) -> str:
    return printing.html(_document(found, settings))


def minutes_pdf(found: dict[str, Any], *, settings: NominationsSettings) -> bytes:
    return printing.pdf(_document(found, settings), fonts=settings.pdf_fonts)


async def of_decision(conn: asyncpg.Connection, *, actor: Principal, decision_id: uuid.UUID) -> list[dict[str, Any]]:
    """The council minutes in a decision's file: each session that decided a nominee it lists."""
    listed = set(await commendations.decision_nominees(conn, actor=actor, decision_id=decision_id))
    found = []
    for row in await store.deciding(conn, list(listed)):
        base = f"/v1/councils/{row['council_id']}/sessions/{row['id']}/minutes"
        nominees = [n["nominee_id"] for n in await store.nominees(conn, row["id"])]
        found.append({"session_id": row["id"], "council_id": row["council_id"], "title": row["title"],
                      "held_on": row["held_on"], "closed_at": row["closed_at"],
                      "nominees_in_decision": [n for n in nominees if n in listed],
                      "html": f"{base}?format=html", "pdf": f"{base}?format=pdf"})
    return found
