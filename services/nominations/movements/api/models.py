"""Models and examples: register, list and search (the public sees recognised ones), a route per
state move, evidence files; the organiser's selections for a publication."""
from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, cast, get_args
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import TypeAdapter

from services.nominations.movements.schemas import (
    AssessIn,
    FieldCode,
    FileOut,
    ModelIn,
    ModelOut,
    ModelState,
    Proposed,
    ProposeIn,
    PublicationIn,
    PublicationOut,
    RecogniseIn,
    RejectIn,
)
from services.nominations.movements.service import models as service
from services.nominations.movements.service import proposals as proposal_service
from services.nominations.movements.service import publications as publication_service
from services.nominations.movements.service.common import (
    SCHEMA,
    commendation_limits,
    read_body,
    registry_of,
    upload_limits,
)
from shared import jsonbytes
from shared.app import Db, FastPathRoute, fast_path, get_db
from shared.auth import CurrentPrincipal, MaybePrincipal, maybe_principal, optional_principal
from shared.clock import Today
from shared.contracts.pages import Page
from shared.errors import Unprocessable, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, time_id_cursor

# FastPathRoute: the models search has a fast path for well-formed requests (below).
router = APIRouter(tags=["movement models and publications"], route_class=FastPathRoute)

SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,255}$")
UnitCode = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]


@router.post("/v1/movements/{movement_id}/models", status_code=201, response_model=ModelOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="A unit registers a model or example in a field, with its owner, description and figures")
async def register_model(movement_id: uuid.UUID, body: ModelIn, principal: CurrentPrincipal, db: Db, today: Today,
                         idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=201,
            scope=f"{principal.subject}:movement.model_register:{movement_id}",
            run=lambda: service.register(conn, actor=principal, movement_id=movement_id, values=body.model_dump(),
                                         today=today))


@router.get("/v1/movements/{movement_id}/models", response_model=Page[ModelOut], responses=problems(401, 404, 422),
            summary="Models, oldest first; q= with or without diacritics; the public sees recognised ones only")
async def list_models(movement_id: uuid.UUID, principal: MaybePrincipal, db: Db,
                      q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
                      field: FieldCode | None = None, unit: UnitCode = None, state: ModelState | None = None,
                      cursor: Annotated[str | None, Query(max_length=500)] = None,
                      limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Any:
    if q is not None and "\x00" in q:
        raise Unprocessable("must not contain the NUL character (U+0000)", field="q")
    after = time_id_cursor(cursor)
    async with db.statement() as conn:  # SELECTs only, no session state: no reset round trip
        items = await service.search(conn, actor=principal, movement_id=movement_id, q=q, field=field, unit=unit,
                                     state=state, after=after, limit=limit + 1)
    return page(items, limit, lambda m: [m["created_at"].isoformat(), str(m["id"])])


# The public gallery's search is the movements' hottest read: its well-formed requests skip
# FastAPI's parameter and dependency passes (shared.app.fast_path) and answer with the bytes
# FastAPI's own serialisation of the response model gives. What passes here without a doubt: a
# canonical UUID in the path, each parameter at most once and within its declared limits (below);
# anything else returns None and FastAPI's handler answers it as it always has.
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FIELD_CODE = re.compile(r"[a-z][a-z_]{1,39}")  # FieldCode's pattern
_UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")  # UnitCode's pattern
_LIMIT = re.compile(r"[1-9][0-9]{0,2}")
_MODEL_STATES = frozenset(get_args(ModelState))
_LIST_PARAMS = ("q", "field", "unit", "state", "cursor", "limit")
MODEL_PAGE: TypeAdapter[Page[ModelOut]] = TypeAdapter(Page[ModelOut])


@fast_path(list_models, dependencies=(optional_principal, get_db))
async def _list_models_fast(request: Request) -> Response | None:
    raw_id = request.path_params.get("movement_id", "")
    if not _CANONICAL_UUID.fullmatch(raw_id):
        return None
    params = request.query_params
    given: dict[str, str] = {}
    for name in _LIST_PARAMS:
        values = params.getlist(name)
        if len(values) > 1:
            return None
        if values:
            given[name] = values[0]
    q, field, unit, state = given.get("q"), given.get("field"), given.get("unit"), given.get("state")
    model_state = cast(ModelState | None, state)
    cursor, limit = given.get("cursor"), given.get("limit", "50")
    if (q is not None and not 1 <= len(q) <= 200) or (field is not None and not _FIELD_CODE.fullmatch(field)) \
            or (unit is not None and not _UNIT_CODE.fullmatch(unit)) \
            or (state is not None and state not in _MODEL_STATES) \
            or (cursor is not None and len(cursor) > 500) or not _LIMIT.fullmatch(limit) or int(limit) > 200:
        return None
    principal = await maybe_principal(request)  # 401 for a bad token, as the dependency raises it
    answer = await list_models(movement_id=uuid.UUID(raw_id), principal=principal, db=await get_db(request), q=q,
                               field=field, unit=unit, state=model_state, cursor=cursor, limit=int(limit))
    return Response(page_json(answer), media_type="application/json")


_MODEL_FIELDS = jsonbytes.fields_of(ModelOut)
_FILE_FIELDS = jsonbytes.fields_of(FileOut)


def page_json(answer: dict[str, Any]) -> bytes:
    """The bytes FastAPI writes for this page as ``Page[ModelOut]`` (``MODEL_PAGE``), from the
    rows as the service returns them (a test compares the two): each projected onto the model's
    fields, its files onto ``FileOut``'s, without validating again what the schema guarantees."""
    return jsonbytes.dumps({"items": [
        {**{k: m[k] for k in _MODEL_FIELDS}, "files": [{k: f[k] for k in _FILE_FIELDS} for f in m["files"]]}
        for m in answer["items"]], "next": answer["next"]})


@router.get("/v1/movement-models/{model_id}", response_model=ModelOut, responses=problems(401, 404, 422),
            summary="A model with its evidence files (public once recognised)")
async def get_model(model_id: uuid.UUID, principal: MaybePrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await service.get(conn, actor=principal, model_id=model_id)


async def _move(model_id: uuid.UUID, route: str, body: Any, principal: CurrentPrincipal, db: Db,
                idempotency_key: str | None, **values: Any) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=200,
            scope=f"{principal.subject}:movement.model_{route}:{model_id}",
            run=lambda: service.transition(conn, actor=principal, model_id=model_id, route=route, **values))


@router.post("/v1/movement-models/{model_id}/assess", response_model=ModelOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="Take a registered (or not recognised, on appeal) model under assessment (organiser)")
async def assess_model(model_id: uuid.UUID, body: AssessIn, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> Any:
    return await _move(model_id, "assess", body, principal, db, idempotency_key, note=body.note)


@router.post("/v1/movement-models/{model_id}/recognise", response_model=ModelOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="Recognise a model under assessment: the level and the decision (organiser)")
async def recognise_model(model_id: uuid.UUID, body: RecogniseIn, principal: CurrentPrincipal, db: Db,
                          idempotency_key: IdempotencyKey = None) -> Any:
    return await _move(model_id, "recognise", body, principal, db, idempotency_key, level=body.level,
                       decision_number=body.decision_number, decision_date=body.decision_date, note=body.note)


@router.post("/v1/movement-models/{model_id}/reject", response_model=ModelOut,
             responses=problems(401, 403, 404, 409, 422),
             summary="Do not recognise a model under assessment, with the reason (organiser)")
async def reject_model(model_id: uuid.UUID, body: RejectIn, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> Any:
    return await _move(model_id, "reject", body, principal, db, idempotency_key, note=body.note)


@router.post("/v1/movement-models/{model_id}/files", status_code=201, response_model=FileOut,
             responses=problems(401, 403, 404, 409, 413, 422),
             summary="Add evidence (PDF, photo, office document) to a model; the raw bytes as the body",
             description="As the commendations' attachments: the type is sniffed from the content and must match "
                         "the name's extension; size and number of files per model are limited.",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def add_file(model_id: uuid.UUID, request: Request, principal: CurrentPrincipal, db: Db,
                   filename: Annotated[str, Query(min_length=1, max_length=255)],
                   idempotency_key: IdempotencyKey = None) -> Any:
    if not SAFE_NAME.match(filename):
        raise Unprocessable("a file name has no slashes or control characters", field="filename")
    max_files, max_bytes = upload_limits(request)
    content = await read_body(request, max_bytes)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, status_code=201,
            body={"filename": filename, "sha256": service.digest(content)},
            scope=f"{principal.subject}:movement.model_file:{model_id}",
            run=lambda: service.add_file(conn, actor=principal, model_id=model_id, filename=filename,
                                         content=content, max_files=max_files, max_bytes=max_bytes))


@router.get("/v1/movement-files/{file_id}", response_class=StreamingResponse, responses={
    **problems(401, 404, 422), 200: {"content": {"application/octet-stream": {}}}},
            summary="An evidence file's bytes (whoever may see its model)")
async def get_file(file_id: uuid.UUID, request: Request, principal: MaybePrincipal, db: Db) -> StreamingResponse:
    async with db.connection() as conn:
        meta = await service.file_for(conn, actor=principal, file_id=file_id)
    ascii_name = meta["filename"].encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return StreamingResponse(
        service.file_chunks(pool=db.pool, file_id=file_id, size=meta["size_bytes"]),
        media_type=meta["content_type"],
        headers={"Content-Length": str(meta["size_bytes"]), "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, no-store",
                 "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                        f"filename*=UTF-8''{quote(meta['filename'])}"})


# ---------------------------------------------------------------- publications

@router.post("/v1/movements/{movement_id}/publications", status_code=201, response_model=PublicationOut,
             responses=problems(401, 403, 404, 422),
             summary="Select recognised models for a publication, in order (organiser)")
async def create_publication(movement_id: uuid.UUID, body: PublicationIn, principal: CurrentPrincipal, db: Db,
                             idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=201,
            scope=f"{principal.subject}:movement.publication:{movement_id}",
            run=lambda: publication_service.create(conn, actor=principal, movement_id=movement_id,
                                                   title=body.title, models=body.models))


@router.get("/v1/movements/{movement_id}/publications", response_model=list[PublicationOut],
            responses=problems(401, 404, 422), summary="A movement's publications (public once launched)")
async def list_publications(movement_id: uuid.UUID, principal: MaybePrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await publication_service.of_movement(conn, actor=principal, movement_id=movement_id)


@router.get("/v1/movement-publications/{publication_id}", response_model=PublicationOut,
            responses=problems(401, 404, 422), summary="A publication with its models in order")
async def get_publication(publication_id: uuid.UUID, principal: MaybePrincipal, db: Db) -> Any:
    async with db.connection() as conn:
        return await publication_service.get(conn, actor=principal, publication_id=publication_id)


@router.put("/v1/movement-publications/{publication_id}", response_model=PublicationOut,
            responses=problems(401, 403, 404, 422), summary="Change a publication's title or models (organiser)")
async def update_publication(publication_id: uuid.UUID, body: PublicationIn, principal: CurrentPrincipal, db: Db,
                             idempotency_key: IdempotencyKey = None) -> Any:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=200,
            scope=f"{principal.subject}:movement.publication_update:{publication_id}",
            run=lambda: publication_service.update(conn, actor=principal, publication_id=publication_id,
                                                   title=body.title, models=body.models))


# ---------------------------------------------------------------- the review proposes commendations

@router.post("/v1/movements/{movement_id}/proposals", status_code=201, response_model=Proposed,
             responses=problems(401, 403, 404, 409, 422, 503),
             summary="Propose recognised models' owners for an award: they join the province's draft commendation "
                     "proposal with their achievements pre-filled (the province)")
async def propose(movement_id: uuid.UUID, body: ProposeIn, request: Request, principal: CurrentPrincipal, db: Db,
                  today: Today, idempotency_key: IdempotencyKey = None) -> Any:
    registry, limits = registry_of(request), commendation_limits(request)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, body=body, status_code=201,
            scope=f"{principal.subject}:movement.propose:{movement_id}",
            run=lambda: proposal_service.propose(conn, actor=principal, registry=registry, movement_id=movement_id,
                                                 cluster_code=body.cluster_code, year=body.year, form=body.form,
                                                 model_ids=body.models, limits=limits, today=today))
