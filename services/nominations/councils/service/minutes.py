"""The minutes of a closed session (JSON, HTML, PDF), confirmed by the chair and the secretary and
then frozen as confirmed; and the minutes that belong to a decision's file: those of the sessions
that decided the nominees it lists."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from services.nominations import commendations
from services.nominations.councils import minutes as printing
from services.nominations.councils.domain import policy
from services.nominations.councils.domain.states import SessionState
from services.nominations.councils.service import councils, sessions
from services.nominations.councils.service.councils import SCHEMA
from services.nominations.councils.store import minutes as minutes_store
from services.nominations.councils.store import sessions as store
from services.nominations.settings import NominationsSettings
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, Unprocessable

ROLES = ("chair", "secretary")


async def minutes(conn: asyncpg.Connection, *, council_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any]:
    """The minutes: as frozen once confirmed by both (``frozen`` holds the stored HTML and PDF), else
    drawn up from the closed session, with the confirmations so far."""
    session = await sessions.get(conn, council_id=council_id, session_id=session_id)
    if SessionState(session["state"]) is not SessionState.closed:
        raise Conflict("the minutes are drawn up once the session is closed", slug="session-not-closed")
    kept = await minutes_store.frozen(conn, session_id)
    if kept is not None:
        return {**kept["document"], "frozen_at": kept["frozen_at"],
                "frozen": {"html": kept["html"], "pdf": bytes(kept["pdf"])}}
    return {"session": session, "council": await councils.get(conn, council_id=council_id),
            "roster": await sessions.roster(conn, council_id=council_id, session_id=session_id),
            "confirmations": [dict(c) for c in await minutes_store.confirmations(conn, session_id)],
            "frozen_at": None}


async def confirm(conn: asyncpg.Connection, *, actor: Principal, council_id: uuid.UUID, session_id: uuid.UUID,
                  role: str, name: str | None, settings: NominationsSettings) -> dict[str, Any]:
    """The chair (the member's own account) or the secretary (the office, another person than the
    chair, giving its name) confirms the minutes of a closed session, once; when both have, the minutes
    are frozen as they are then (JSON, HTML, PDF)."""
    row = await sessions.session_for(conn, council_id, session_id, lock=True)
    found = await minutes(conn, council_id=council_id, session_id=session_id)
    if found.get("frozen"):
        return _public(found)
    chair = next(m for m in found["council"]["members"] if m["role"] == "chair")
    if role == "chair":
        if not policy.is_member(actor, account=chair["account"]):
            raise Forbidden("the chair confirms the minutes with the account the council names for it")
        signer = chair["name"]
    else:
        if not policy.is_secretary(actor, organiser=row["organiser"]) or actor.subject == chair["account"]:
            raise Forbidden(f"the secretary (the emulation office of {row['organiser']}, not the chair) "
                            "confirms the minutes")
        if not name:
            raise Unprocessable("the secretary's name signs the minutes", field="name")
        signer = name
    if await minutes_store.confirm(conn, session_id=session_id, role=role, account=actor.subject, signer_name=signer):
        await audit.record(conn, schema=SCHEMA, actor=actor, action="council.minutes.confirm",
                           target=f"council-session:{session_id}", details={"role": role})
    found = await minutes(conn, council_id=council_id, session_id=session_id)
    if {c["role"] for c in found["confirmations"]} == set(ROLES):
        document = _plain({k: v for k, v in found.items() if k != "frozen_at"})
        await minutes_store.freeze(conn, session_id=session_id, document=document,
                                   html=minutes_html(found, settings=settings),
                                   pdf=minutes_pdf(found, settings=settings))
        kept = await minutes_store.frozen(conn, session_id)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="council.minutes.freeze",
                           target=f"council-session:{session_id}")
        found = {**found, "frozen_at": kept["frozen_at"] if kept else None}
    return _public(found)


def _public(found: dict[str, Any]) -> dict[str, Any]:
    return {"confirmations": found["confirmations"], "frozen_at": found["frozen_at"]}


def _document(found: dict[str, Any], settings: NominationsSettings) -> printing.Minutes:
    organiser = found["council"]["organiser"]
    issuer = settings.decision_issuer if organiser == "BNV" else organiser
    return printing.build(session=found["session"], council=found["council"], roster=found["roster"], issuer=issuer,
                          place=settings.decision_place, confirmations=found.get("confirmations", []))


def minutes_html(found: dict[str, Any], *, settings: NominationsSettings) -> str:
    if found.get("frozen"):
        return str(found["frozen"]["html"])
    return printing.html(_document(found, settings))


def minutes_pdf(found: dict[str, Any], *, settings: NominationsSettings) -> bytes:
    if found.get("frozen"):
        return bytes(found["frozen"]["pdf"])
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


def _plain(value: Any) -> Any:
    """The minutes as plain JSON values (dates and times in ISO 8601, ids as text), to be kept."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
