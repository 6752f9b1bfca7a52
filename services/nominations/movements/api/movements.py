"""Movements: create and edit (the organiser's staff), read (the public once launched), launch,
extend a deadline, review a phase, begin the final review, close; the units in scope and the roll-up."""
from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from services.nominations.movements.schemas import (
    ExtendIn,
    FieldOut,
    FileOut,
    LaunchIn,
    MovementIn,
    MovementOut,
    MovementState,
    OrganiserCode,
    PhaseReviewIn,
    Rollup,
    UnitOut,
)
from services.nominations.movements.service import documents as document_service
from services.nominations.movements.service import movements as service
from services.nominations.movements.service import rollup as rollup_service
from services.nominations.movements.service.common import SCHEMA, read_body, registry_of, upload_limits
from shared.app import Db
from shared.auth import CurrentPrincipal, MaybePrincipal
from shared.clock import Today
from shared.contracts.pages import Page
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, time_id_cursor

router = APIRouter(prefix="/v1/movements", tags=["movements"])
documents = APIRouter(tags=["movements"])
SAFE_NAME = r"^[^/\\\x00-\x1f\x7f]{1,255}$"

Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=500)]
UnitCode = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]


def _values(body: MovementIn) -> dict[str, Any]:
    values = body.model_dump()
    values["criteria"] = [c.model_dump() for c in body.criteria]
    values["titles"] = [t.model_dump() for t in body.titles]
    return values


@router.get("/fields", summary="The fields a model is registered in (lĩnh vực)", response_model=list[FieldOut],
            responses=problems(422))
async def list_fields() -> Any:
    return service.fields()


@router.post("", status_code=201, response_model=MovementOut, responses=problems(401, 403, 422, 503),
             summary="Write a movement as a draft: period, phases, criteria, titles, scope (its organiser's staff)")
async def create_movement(body: MovementIn, request: Request, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    registry = registry_of(request)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:movement.create", body=body,
            status_code=201, run=lambda: service.create(conn, actor=principal, registry=registry,
                                                        values=_values(body)))


@router.get("", response_model=Page[MovementOut], responses=problems(401, 422),
            summary="Movements, newest first: launched ones for anyone, drafts for their organiser's staff")
async def list_movements(principal: MaybePrincipal, db: Db, state: MovementState | None = None,
                         organiser: OrganiserCode | None = None, cursor: Cursor = None, limit: Limit = 50) -> Any:
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        items = await service.listing(conn, actor=principal, state=state, organiser=organiser, after=after,
                                      limit=limit + 1)
    return page(items, limit, lambda m: [m["created_at"].isoformat(), str(m["id"])])


@router.get("/{movement_id}", response_model=MovementOut, responses=problems(401, 404, 422),
            summary="A movement with its phases (public once launched)")
async def get_movement(movement_id: uuid.UUID, principal: MaybePrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await service.get(conn, actor=principal, movement_id=movement_id)


@router.put("/{movement_id}", response_model=MovementOut, responses=problems(401, 403, 404, 409, 422, 503),
            summary="Rewrite a draft movement (its organiser's staff); a launched one is fixed")
async def update_movement(movement_id: uuid.UUID, body: MovementIn, request: Request, principal: CurrentPrincipal,
                          db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    registry = registry_of(request)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:movement.update:{movement_id}",
            body=body, status_code=200,
            run=lambda: service.update(conn, actor=principal, registry=registry, movement_id=movement_id,
                                       values=_values(body)))


@router.post("/{movement_id}/launch", response_model=MovementOut, responses=problems(401, 403, 404, 409, 422),
             summary="Launch (phát động) with its document; tells the units in scope")
async def launch_movement(movement_id: uuid.UUID, body: LaunchIn, principal: CurrentPrincipal, db: Db, today: Today,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:movement.launch:{movement_id}",
            body=body, status_code=200,
            run=lambda: service.launch(conn, actor=principal, movement_id=movement_id,
                                       document=body.model_dump(), today=today))


@router.post("/{movement_id}/extensions", response_model=MovementOut, responses=problems(401, 403, 404, 409, 422),
             summary="Extend the registration or a report deadline, with the reason (organiser; audited)")
async def extend_deadline(movement_id: uuid.UUID, body: ExtendIn, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:movement.extend:{movement_id}",
            body=body, status_code=200,
            run=lambda: service.extend(conn, actor=principal, movement_id=movement_id, window=body.window,
                                       until=body.until, reason=body.reason))


@router.post("/{movement_id}/phases/{number}/review", response_model=MovementOut,
             responses=problems(401, 403, 404, 409, 422), summary="Review an ended phase (sơ kết; organiser)")
async def review_phase(movement_id: uuid.UUID, number: Annotated[int, Path(ge=1, le=20)], body: PhaseReviewIn,
                       principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key,
            scope=f"{principal.subject}:movement.phase_review:{movement_id}:{number}", body=body, status_code=200,
            run=lambda: service.review_phase(conn, actor=principal, movement_id=movement_id, number=number,
                                             summary=body.summary))


async def _advance(movement_id: uuid.UUID, step: str, principal: CurrentPrincipal, db: Db,
                   idempotency_key: str | None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:movement.{step}:{movement_id}",
            body={}, status_code=200,
            run=lambda: service.advance(conn, actor=principal, movement_id=movement_id, step=step))


@router.post("/{movement_id}/review", response_model=MovementOut, responses=problems(401, 403, 404, 409, 422),
             summary="Begin the final review (tổng kết; organiser): no more registrations or models")
async def begin_review(movement_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> Any:
    return await _advance(movement_id, "review", principal, db, idempotency_key)


@router.post("/{movement_id}/close", response_model=MovementOut, responses=problems(401, 403, 404, 409, 422),
             summary="Close the movement once reviewed (organiser)")
async def close_movement(movement_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None) -> Any:
    return await _advance(movement_id, "close", principal, db, idempotency_key)


@router.post("/{movement_id}/documents", status_code=201, response_model=FileOut,
             responses=problems(401, 403, 404, 409, 413, 422),
             summary="Attach the launch document or another document (the raw bytes as the body; organiser)",
             description="As the commendations' attachments: the type is sniffed from the content and must match "
                         "the name's extension; size and number of files are limited.",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def add_document(movement_id: uuid.UUID, request: Request, principal: CurrentPrincipal, db: Db,
                       filename: Annotated[str, Query(min_length=1, max_length=255, pattern=SAFE_NAME)],
                       idempotency_key: IdempotencyKey = None) -> Any:
    max_files, max_bytes = upload_limits(request)
    content = await read_body(request, max_bytes)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, status_code=201,
            body={"filename": filename, "sha256": hashlib.sha256(content).hexdigest()},
            scope=f"{principal.subject}:movement.document:{movement_id}",
            run=lambda: document_service.add(conn, actor=principal, movement_id=movement_id, filename=filename,
                                             content=content, max_files=max_files, max_bytes=max_bytes))


@router.get("/{movement_id}/units", response_model=list[UnitOut], responses=problems(401, 404, 422),
            summary="The units in scope (those expected to register); parent= for one level's children")
async def list_units(movement_id: uuid.UUID, principal: MaybePrincipal, db: Db, parent: UnitCode = None) -> Any:
    async with db.connection() as conn:
        return await service.units(conn, actor=principal, movement_id=movement_id, parent=parent)


@router.get("/{movement_id}/rollup", response_model=Rollup, responses=problems(401, 403, 404, 422),
            summary="Registered vs expected by parent level (per unit with parent= or units=true), models by "
                    "field and state, models and reports by phase (organiser; a unit its own part)")
async def movement_rollup(movement_id: uuid.UUID, principal: CurrentPrincipal, db: Db, parent: UnitCode = None,
                          units: bool = False) -> Any:
    async with db.connection() as conn:
        return await rollup_service.rollup(conn, actor=principal, movement_id=movement_id, parent=parent,
                                           with_units=units)


@documents.get("/v1/movement-documents/{document_id}", response_class=StreamingResponse, responses={
    **problems(401, 404, 422), 200: {"content": {"application/octet-stream": {}}}},
               summary="A movement's document (public once the movement is launched)")
async def get_document(document_id: uuid.UUID, request: Request, principal: MaybePrincipal, db: Db) -> StreamingResponse:
    async with db.connection() as conn:
        meta = await document_service.document_for(conn, actor=principal, document_id=document_id)
    ascii_name = meta["filename"].encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return StreamingResponse(
        document_service.chunks(pool=db.pool, document_id=document_id, size=meta["size_bytes"]),
        media_type=meta["content_type"],
        headers={"Content-Length": str(meta["size_bytes"]), "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, no-store",
                 "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                        f"filename*=UTF-8''{quote(meta['filename'])}"})
