"""Councils: found one with its members (the organiser's office), read them; the thresholds per
award form; sessions with their roster, check-ins, opening, secret ballots, close and result."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from services.nominations.councils.schemas import (
    BallotIn,
    BallotOut,
    BulletinEntry,
    CheckInIn,
    CouncilIn,
    CouncilOut,
    DecisionMinutes,
    MemberOut,
    MinutesConfirmIn,
    MinutesOut,
    MinutesState,
    RosterLine,
    SessionIn,
    SessionOut,
    ThresholdIn,
    ThresholdOut,
    WrittenBallotIn,
)
from services.nominations.councils.service import Registry, Settings, ballots, councils, minutes, sessions
from services.nominations.councils.service.councils import SCHEMA
from services.nominations.councils.service.sealed import sealed_idempotent
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.contracts.pages import Page
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent

router = APIRouter(tags=["councils"])
PREFIX = "/v1/councils/{council_id}/sessions"


@router.post("/v1/councils", status_code=201, response_model=CouncilOut, responses=problems(401, 403, 409, 422),
             summary="Found an organiser's council from its decision, with its members by role (its office)")
async def found_council(body: CouncilIn, principal: CurrentPrincipal, db: Db,
                        idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:council.found",
                                body=body, status_code=201,
                                run=lambda: councils.found(conn, actor=principal, values=body.model_dump()))


@router.get("/v1/councils", response_model=Page[CouncilOut], responses=problems(401, 422),
            summary="Councils, by organiser, those whose term covers a day")
async def list_councils(principal: CurrentPrincipal, db: Db, organiser: str | None = None,
                        on: date | None = None) -> Any:
    async with db.connection() as conn:
        return {"items": await councils.listing(conn, organiser=organiser, on=on), "next": None}


@router.post("/v1/council-thresholds", status_code=201, response_model=ThresholdOut,
             responses=problems(401, 403, 409, 422),
             summary="A version of the share of all members a form's nominees need, from a date (the office)")
async def add_threshold(body: ThresholdIn, principal: CurrentPrincipal, db: Db,
                        idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key,
                                scope=f"{principal.subject}:council.threshold", body=body, status_code=201,
                                run=lambda: councils.add_threshold(conn, actor=principal, values=body.model_dump()))


@router.get("/v1/council-thresholds", response_model=Page[ThresholdOut], responses=problems(401, 422),
            summary="An organiser's configured versions (without one, Decree 98/2023's defaults hold)")
async def list_thresholds(organiser: str, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await councils.list_thresholds(conn, organiser=organiser), "next": None}


@router.get("/v1/councils/{council_id}", response_model=CouncilOut, responses=problems(401, 404, 422),
            summary="A council with its members")
async def get_council(council_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await councils.get(conn, council_id=council_id)


@router.get("/v1/councils/{council_id}/members", response_model=Page[MemberOut], responses=problems(401, 404, 422),
            summary="The council's members, chair first")
async def list_members(council_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await councils.members(conn, council_id=council_id), "next": None}


@router.post(PREFIX, status_code=201, response_model=SessionOut, responses=problems(401, 403, 404, 409, 422),
             summary="Schedule a session on nominees sent to the organiser, each with its threshold (the office)")
async def schedule_session(council_id: uuid.UUID, body: SessionIn, principal: CurrentPrincipal, db: Db,
                           idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key,
                                scope=f"{principal.subject}:council.session:{council_id}", body=body, status_code=201,
                                run=lambda: sessions.schedule(conn, actor=principal, council_id=council_id,
                                                              values=body.model_dump()))


@router.get(PREFIX, response_model=Page[SessionOut], responses=problems(401, 404, 422),
            summary="The council's sessions, newest first")
async def list_sessions(council_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await sessions.listing(conn, council_id=council_id), "next": None}


@router.get(PREFIX + "/{session_id}", response_model=SessionOut, responses=problems(401, 404, 422),
            summary="A session: nominees with thresholds, attendance, quorum, turnout; the result once closed")
async def get_session(council_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await sessions.get(conn, council_id=council_id, session_id=session_id)


@router.get(PREFIX + "/{session_id}/roster", response_model=Page[RosterLine], responses=problems(401, 404, 422),
            summary="Every member: checked in, and whether (in person or in writing) it voted, never how")
async def roster(council_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await sessions.roster(conn, council_id=council_id, session_id=session_id), "next": None}


@router.post(PREFIX + "/{session_id}/check-ins", response_model=SessionOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="Check a member in: its own account, or the secretary's desk (the office); once")
async def check_in(council_id: uuid.UUID, session_id: uuid.UUID, body: CheckInIn, principal: CurrentPrincipal,
                   db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key,
                                scope=f"{principal.subject}:council.check_in:{session_id}", body=body, status_code=200,
                                run=lambda: sessions.check_in(conn, actor=principal, council_id=council_id,
                                                              session_id=session_id, member_id=body.member_id))


@router.post(PREFIX + "/{session_id}/open", response_model=SessionOut, responses=problems(401, 403, 404, 409, 422),
             summary="Open the vote while the quorum holds (the office)")
async def open_session(council_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key,
                                scope=f"{principal.subject}:council.open:{session_id}", body=None, status_code=200,
                                run=lambda: sessions.open_session(conn, actor=principal, council_id=council_id,
                                                                  session_id=session_id))


@router.post(PREFIX + "/{session_id}/close", response_model=SessionOut, responses=problems(401, 403, 404, 409, 422),
             summary="Close the vote: count it against all members, and decide each nominee (the office)")
async def close_session(council_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                        registry: Registry, settings: Settings, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key,
                                scope=f"{principal.subject}:council.close:{session_id}", body=None, status_code=200,
                                run=lambda: sessions.close_session(
                                    conn, actor=principal, registry=registry, council_id=council_id,
                                    session_id=session_id, cap_share=settings.government_flag_cap_share))


@router.post(PREFIX + "/{session_id}/ballots", status_code=201, response_model=BallotOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="A member's secret ballot with its own account: the nominees it agrees with; a receipt back")
async def cast_ballot(council_id: uuid.UUID, session_id: uuid.UUID, body: BallotIn, principal: CurrentPrincipal,
                      db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await sealed_idempotent(conn, key=idempotency_key, session_id=session_id, body=body, status_code=201,
                                       scope=f"council.ballot:{session_id}:{principal.subject}",
                                       run=lambda: ballots.cast(conn, actor=principal, council_id=council_id,
                                                                session_id=session_id, approve=body.approve))


@router.post(PREFIX + "/{session_id}/written-ballots", status_code=201, response_model=BallotOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="An absent member's written ballot, entered by the secretary's desk with its reference")
async def written_ballot(council_id: uuid.UUID, session_id: uuid.UUID, body: WrittenBallotIn,
                         principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        # Sealed too: the desk's stored answer must not pair the member with what its ballot says.
        return await sealed_idempotent(conn, key=idempotency_key, session_id=session_id, body=body, status_code=201,
                                       scope=f"council.written:{session_id}:{principal.subject}",
                                       run=lambda: ballots.enter_written(
                                    conn, actor=principal, council_id=council_id, session_id=session_id,
                                    member_id=body.member_id, document_ref=body.document_ref, approve=body.approve))


@router.get(PREFIX + "/{session_id}/bulletin", response_model=Page[BulletinEntry], responses=problems(401, 404, 409),
            summary="After the close: every ballot's commitment and what it approved (find yours with the receipt)")
async def bulletin(council_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await ballots.bulletin(conn, council_id=council_id, session_id=session_id), "next": None}


@router.get(PREFIX + "/{session_id}/minutes", response_model=MinutesOut, responses={
    **problems(401, 404, 409, 422), 200: {"content": {"text/html": {}, "application/pdf": {}}}},
    summary="The session's minutes (biên bản): attendance, quorum, each nominee's figures; JSON, HTML or PDF")
async def session_minutes(council_id: uuid.UUID, session_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                          settings: Settings, format: Literal["json", "html", "pdf"] = "json") -> Any:
    async with db.connection() as conn:
        found = await minutes.minutes(conn, council_id=council_id, session_id=session_id)
    name = quote(f"bien-ban-hoi-dong-{session_id}")
    if format == "pdf":
        return Response(minutes.minutes_pdf(found, settings=settings), media_type="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename=\"{name}.pdf\""})
    if format == "html":
        return HTMLResponse(minutes.minutes_html(found, settings=settings))
    return found


@router.post(PREFIX + "/{session_id}/minutes/confirmations", response_model=MinutesState,
             responses=problems(401, 403, 404, 409, 422),
             summary="The chair or the secretary confirms the minutes; once both have, they are frozen")
async def confirm_minutes(council_id: uuid.UUID, session_id: uuid.UUID, body: MinutesConfirmIn,
                          principal: CurrentPrincipal, db: Db, settings: Settings,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(conn, schema=SCHEMA, key=idempotency_key,
                                scope=f"{principal.subject}:council.minutes.confirm:{session_id}", body=body,
                                status_code=200,
                                run=lambda: minutes.confirm(conn, actor=principal, council_id=council_id,
                                                            session_id=session_id, role=body.role, name=body.name,
                                                            settings=settings))


@router.get("/v1/decisions/{decision_id}/council-minutes", response_model=Page[DecisionMinutes],
            responses=problems(401, 404, 422),
            summary="The decision's file: the minutes of the council sessions that decided the nominees it lists")
async def decision_minutes(decision_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await minutes.of_decision(conn, actor=principal, decision_id=decision_id), "next": None}
