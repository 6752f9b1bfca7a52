"""A council member's secret ballot: one per member per session (the schema's primary key on who
voted), agreeing or not with each nominee. Who voted (``council_voters``) and what was voted
(``council_ballots``) are written apart and never read together; the member's receipt finds its
ballot on the bulletin after the close. An absent member's written ballot is entered by the
secretary's desk with its reference, recorded as written."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations.councils.domain import policy, receipts
from services.nominations.councils.domain.states import SessionState
from services.nominations.councils.service.councils import SCHEMA, refusals
from services.nominations.councils.service.sessions import require_secretary, session_for
from services.nominations.councils.store import ballots as store
from services.nominations.councils.store import councils as council_store
from services.nominations.councils.store import sessions as session_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable


async def _approve(conn: asyncpg.Connection, session_id: uuid.UUID, approve: list[uuid.UUID]) -> list[str]:
    try:
        canonical = receipts.canonical(approve)
    except ValueError as exc:
        raise Unprocessable(str(exc), field="approve") from exc
    known = {str(n["nominee_id"]) for n in await session_store.nominees(conn, session_id)}
    for i, a in enumerate(str(x) for x in approve):
        if a not in known:
            raise Unprocessable(f"{a} is not a nominee of this session", field=f"approve.{i}")
    return canonical


async def _write(conn: asyncpg.Connection, *, session_id: uuid.UUID, member_id: uuid.UUID, channel: str,
                 document_ref: str | None, approve: list[str]) -> str:
    """Who voted, then what was voted (apart); the receipt's secret, known to the caller only."""
    if not await store.record_voter(conn, session_id=session_id, member_id=member_id, channel=channel,
                                    document_ref=document_ref):
        raise Conflict("this member has voted in this session: one ballot each", slug="member-already-voted")
    secret = receipts.new_secret()
    await store.insert_ballot(conn, session_id=session_id, approve=approve,
                              commitment=receipts.commitment(session_id=session_id, approve=approve, secret=secret))
    return secret


async def cast(conn: asyncpg.Connection, *, actor: Principal, council_id: uuid.UUID, session_id: uuid.UUID,
               approve: list[uuid.UUID]) -> dict[str, Any]:
    """The member's own ballot, with its own account, while the session is open and it is checked in."""
    row = await session_for(conn, council_id, session_id)
    member = await council_store.member_by_account(conn, council_id, actor.subject)
    if member is None or not policy.is_member(actor, account=member["account"]):
        raise Forbidden("a council member casts its own ballot, signed in with the account the council names for it")
    if SessionState(row["state"]) is not SessionState.open:
        raise Conflict(f"the session is {row['state']}: ballots are cast while it is open", slug="session-not-open")
    if member["id"] not in {a["member_id"] for a in await session_store.attendance(conn, session_id)}:
        raise Conflict("check in first: a member present votes in person, an absent one in writing",
                       slug="member-not-checked-in")
    canonical = await _approve(conn, session_id, approve)
    with refusals():
        secret = await _write(conn, session_id=session_id, member_id=member["id"], channel="in_person",
                              document_ref=None, approve=canonical)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.ballot.cast",
                       target=f"council-session:{session_id}")
    return {"session_id": session_id, "channel": "in_person", "receipt": {
        "session_id": session_id, "secret": secret,
        "commitment": receipts.commitment(session_id=session_id, approve=canonical, secret=secret)}}


async def enter_written(conn: asyncpg.Connection, *, actor: Principal, council_id: uuid.UUID, session_id: uuid.UUID,
                        member_id: uuid.UUID, document_ref: str, approve: list[uuid.UUID]) -> dict[str, Any]:
    """An absent member's written ballot (phiếu bầu bằng văn bản), entered by the secretary's desk."""
    row = await session_for(conn, council_id, session_id)
    require_secretary(actor, row, "enter a written ballot")
    member = await council_store.member(conn, council_id, member_id)
    if member is None:
        raise NotFound(f"no member {member_id} of this council", field="member_id")
    if SessionState(row["state"]) is not SessionState.open:
        raise Conflict(f"the session is {row['state']}: ballots are cast while it is open", slug="session-not-open")
    if member_id in {a["member_id"] for a in await session_store.attendance(conn, session_id)}:
        raise Conflict("the member is present: it votes in person", field="member_id", slug="member-present")
    canonical = await _approve(conn, session_id, approve)
    with refusals():
        await _write(conn, session_id=session_id, member_id=member_id, channel="written", document_ref=document_ref,
                     approve=canonical)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.ballot.written",
                       target=f"council-session:{session_id}",
                       details={"member": str(member_id), "document_ref": document_ref})
    return {"session_id": session_id, "channel": "written", "receipt": None}


async def bulletin(conn: asyncpg.Connection, *, council_id: uuid.UUID, session_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every ballot's commitment and what it approved, after the close (sorted by commitment)."""
    row = await session_for(conn, council_id, session_id)
    if SessionState(row["state"]) is not SessionState.closed:
        raise Conflict("the bulletin is published after the close", slug="session-not-closed")
    return [{"commitment": b["commitment"], "approve": list(b["approve"])} for b in await store.bulletin(conn, session_id)]
