"""Conferences: schedule (the lead or the ministry), read with attendance and quorum (anyone signed
in: the hall screen), open and adjourn (the secretary's desk); the roster and the check-ins."""
from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.nominations.conferences.schemas import (
    AttendeeIn,
    AttendeeOut,
    CheckInIn,
    CheckInOut,
    ConferenceIn,
    ConferenceOut,
    HandOverIn,
    MinutesConfirmationIn,
    MinutesOut,
)
from services.nominations.conferences.service import conferences as service
from services.nominations.conferences.service import hand_overs, minutes, roster
from services.nominations.conferences.service.conferences import SCHEMA, registry_of
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.contracts.common import ClusterCode, Year
from shared.contracts.pages import Page
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, time_id_cursor

router = APIRouter(prefix="/v1/conferences", tags=["conferences"])

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=500)]


@router.post("", status_code=201, response_model=ConferenceOut, responses=problems(401, 403, 422, 503),
             summary="Schedule the conference of a cluster-year: date, place, chair, secretary, agenda, quorum "
                     "(its lead or the ministry; the lead hosts it)")
async def schedule_conference(body: ConferenceIn, request: Request, principal: CurrentPrincipal, db: Db,
                              idempotency_key: IdempotencyKey = None) -> Any:
    registry = registry_of(request)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.schedule", body=body,
            status_code=201, run=lambda: service.schedule(conn, actor=principal, registry=registry,
                                                          values=body.model_dump()))


@router.get("", response_model=Page[ConferenceOut], responses=problems(401, 422),
            summary="Conferences, newest first, by cluster and year")
async def list_conferences(principal: CurrentPrincipal, db: Db, cluster: ClusterCode | None = None,
                           year: Year | None = None, cursor: Cursor = None, limit: Limit = 50) -> Any:
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        items = await service.listing(conn, cluster=cluster, year=year, after=after, limit=limit + 1,
                                        actor=principal)
    return page(items, limit, lambda c: [c["created_at"].isoformat(), str(c["id"])])


@router.get("/{conference_id}", response_model=ConferenceOut, responses=problems(401, 403, 404, 422),
            summary="A conference with its member units, the units present and whether the quorum holds")
async def get_conference(conference_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await service.get(conn, conference_id=conference_id, actor=principal)


@router.post("/{conference_id}/open", response_model=ConferenceOut, responses=problems(401, 403, 404, 409, 422, 503),
             summary="Open the session (the host or the ministry)")
async def open_conference(conference_id: uuid.UUID, request: Request, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.open:{conference_id}",
            body=None, status_code=200,
            run=lambda: service.move(conn, actor=principal, conference_id=conference_id, to="in_session",
                                      registry=registry_of(request)))


@router.post("/{conference_id}/adjourn", response_model=ConferenceOut, responses=problems(401, 403, 404, 409, 422, 503),
             summary="Adjourn the session: the roster and the check-ins are final (the host or the ministry)")
async def adjourn_conference(conference_id: uuid.UUID, request: Request, principal: CurrentPrincipal, db: Db,
                             idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.adjourn:{conference_id}",
            body=None, status_code=200,
            run=lambda: service.move(conn, actor=principal, conference_id=conference_id, to="adjourned",
                                      registry=registry_of(request)))


@router.post("/{conference_id}/delegates", status_code=201, response_model=AttendeeOut,
             responses=problems(401, 403, 404, 409, 422, 503),
             summary="Name a delegate (a member unit for itself, or the host) or a guest without a vote (the host)")
async def name_delegate(conference_id: uuid.UUID, body: AttendeeIn, request: Request, principal: CurrentPrincipal, db: Db,
                        idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.delegate:{conference_id}",
            body=body, status_code=201,
            run=lambda: roster.name_attendee(conn, actor=principal, conference_id=conference_id,
                                             values=body.model_dump(), registry=registry_of(request)))


@router.get("/{conference_id}/delegates", response_model=Page[AttendeeOut],
            responses=problems(401, 403, 404, 422),
            summary="The roster: every unit's delegates and the guests, with their check-ins")
async def list_delegates(conference_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return {"items": await roster.roster(conn, conference_id=conference_id, actor=principal), "next": None}


@router.post("/{conference_id}/check-ins", response_model=CheckInOut, responses=problems(401, 403, 404, 409, 422, 503),
             summary="Check a delegate in: its own unit's account (the QR code on the hall screen) or the secretary")
async def check_in(conference_id: uuid.UUID, body: CheckInIn, request: Request, principal: CurrentPrincipal, db: Db,
                   idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.check_in:{conference_id}",
            body=body, status_code=200,
            run=lambda: roster.check_in(conn, actor=principal, conference_id=conference_id,
                                        delegate_id=body.delegate_id, registry=registry_of(request)))


@router.post("/{conference_id}/hand-over", response_model=ConferenceOut, response_model_by_alias=True,
             responses=problems(401, 403, 404, 409, 422, 503),
             summary="Record the hand-over of the rotating flag, from one member unit to another (the secretary)")
async def hand_over(conference_id: uuid.UUID, body: HandOverIn, request: Request, principal: CurrentPrincipal, db: Db,
                    idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.hand_over:{conference_id}",
            body=body, status_code=200,
            run=lambda: hand_overs.record(conn, actor=principal, conference_id=conference_id,
                                          from_code=body.from_unit, to_code=body.to_unit,
                                          registry=registry_of(request)))


@router.get("/{conference_id}/minutes", response_model=MinutesOut,
            responses={**problems(401, 403, 404, 422, 503),
                       200: {"content": {"text/html": {}, "application/pdf": {}}}},
            summary="The conference's minutes: JSON, printable HTML or PDF (by Accept, or ?format=)")
async def conference_minutes(conference_id: uuid.UUID, request: Request, principal: CurrentPrincipal, db: Db,
                             settings: minutes.Settings, format: Literal["json", "html", "pdf"] | None = None,
                             accept: Annotated[str | None, Header(max_length=500)] = None) -> Any:
    registry = registry_of(request)
    async with db.connection() as conn:
        found = await minutes.minutes(conn, actor=principal, registry=registry, conference_id=conference_id)
    wanted = format or ("pdf" if accept and "application/pdf" in accept else
                        "html" if accept and "text/html" in accept else "json")
    if wanted == "pdf":
        name = f"bien-ban-hoi-nghi-{found['cluster']['code']}-{found['year']}.pdf"
        return Response(minutes.render_pdf(found, settings=settings), media_type="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename=\"{name}\""})
    if wanted == "html":
        return HTMLResponse(minutes.render_html(found))
    return found


@router.post("/{conference_id}/minutes/confirmations", response_model=MinutesOut,
             responses=problems(401, 403, 404, 409, 422, 503),
             summary="The chair's or the secretary's confirmation (the secretary's desk, once adjourned); the "
                     "second freezes the minutes")
async def confirm_minutes(conference_id: uuid.UUID, body: MinutesConfirmationIn, request: Request,
                          principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    registry = registry_of(request)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:conference.minutes:{conference_id}",
            body=body, status_code=200,
            run=lambda: minutes.confirm(conn, actor=principal, registry=registry, conference_id=conference_id,
                                        role=body.role))
