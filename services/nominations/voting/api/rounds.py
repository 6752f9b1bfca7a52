"""Vote rounds: create, open, ballots (online and paper), close, bulletin, receipts, certification,
minutes, approval. Thin: parse, open the transaction, call ``voting.service``."""
from __future__ import annotations

import json
import re
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from services.nominations.voting import service
from services.nominations.voting.schemas import (
    BallotIdempotencyKey,
    BallotIn,
    BallotReceipt,
    Bulletin,
    Minutes,
    Page,
    PaperBallotIn,
    ReceiptCheck,
    ReceiptQuery,
    ReturnIn,
    Round,
    RoundIn,
    RoundState,
    Turnout,
)
from shared.app import Db, FastPathRoute, Waker, fast_path, get_db, get_outbox_waker
from shared.auth import CurrentPrincipal, bearer_principal
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, time_id_cursor

# FastPathRoute: casting a ballot has a fast path for well-formed requests (below).
router = APIRouter(prefix="/v1/rounds", tags=["vote rounds"], route_class=FastPathRoute)

SCHEMA = "nominations"


@router.post("", status_code=201, summary="Create a draft vote round (the cluster-year's lead)",
             response_model=Round, responses=problems(401, 403, 404, 409, 422, 503))
async def create_round(body: RoundIn, registry: service.Registry, principal: CurrentPrincipal, db: Db,
                       idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:round.create", body=body,
            status_code=201,
            run=lambda: service.create_round(
                conn, actor=principal, registry=registry, cluster_code=body.cluster_code, year=body.year,
                award=body.award, seats=body.seats, max_choices=body.max_choices, threshold=body.threshold,
                quorum=body.quorum, self_vote=body.self_vote, candidates=body.candidates, closes_at=body.closes_at,
                threshold_base=body.threshold_base, threshold_comparison=body.threshold_comparison,
                conference_id=body.conference_id, kind=body.kind, post=body.post, title=body.title,
                denominator=body.denominator, subject=body.subject, tie_rule=body.tie_rule))


@router.get("", summary="Rounds, oldest first: all for the ministry, those it leads or votes in for a province",
             response_model=Page[Round], responses=problems(401, 422))
async def list_rounds(principal: CurrentPrincipal, registry: service.Registry, db: Db,
                      cluster: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")] = None,
                      year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                      state: RoundState | None = None,
                      kind: Literal["nomination", "election", "motion"] | None = None, cursor: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        items = await service.list_rounds(conn, actor=principal, cluster=cluster, year=year, state=state,
                                          after=after, limit=limit + 1, registry=registry, kind=kind)
    return page(items, limit, lambda item: [item["created_at"].isoformat(), item["id"]])


@router.get("/{round_id}", summary="One round, with its result once closed",
             response_model=Round, responses=problems(401, 403, 404, 422, 503))
async def get_round(round_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.get_round(conn, actor=principal, round_id=round_id, registry=registry)


@router.post("/{round_id}/open", summary="Open the vote: snapshot the electorate from the registry (lead)",
             response_model=Round, responses=problems(401, 403, 404, 409, 422, 503))
async def open_round(round_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:round.open:{round_id}", body={},
            status_code=200,
            run=lambda: service.open_round(conn, actor=principal, registry=registry, round_id=round_id))


@router.post("/{round_id}/ballots", status_code=201,
             summary="Cast this province's secret ballot; answers with a receipt",
             description="The same Idempotency-Key and body returns the first receipt again; it is stored sealed "
                         "under that key, never beside the voter in plain, so the key must be random (at least 128 "
                         "bits, at least 22 characters: a UUID4 or 16 random bytes in base64url).",
             response_model=BallotReceipt, responses=problems(401, 403, 404, 409, 422))
async def cast_ballot(round_id: uuid.UUID, body: BallotIn, principal: CurrentPrincipal, db: Db, waker: Waker,
                      idempotency_key: BallotIdempotencyKey = None) -> JSONResponse:
    # The busiest write of the service, so its per-request work is kept small: an answer that is
    # JSON already (a receipt of strings, or a replayed one as it was sealed) sent without another
    # encoding pass; well-formed requests take the fast path below.
    # One statement, its own transaction (service.cast_ballot): no transaction opened here.
    async with db.statement() as conn:
        answer = await service.cast_ballot(conn, actor=principal, round_id=round_id, choices=body.choices,
                                           idempotency_key=idempotency_key, body=body)
    if answer.wrote_event:
        waker.wake()
    return JSONResponse(answer.body, status_code=answer.status_code,
                        headers={"Idempotent-Replayed": "true"} if answer.replayed else None)


# What FastAPI checks before cast_ballot runs, for the requests that pass without a doubt: a
# canonical UUID in the path, a JSON body that BallotIn accepts, at most one Idempotency-Key of at
# most 200 characters. Anything else returns None before a side effect, and FastAPI's own handler
# answers it as it always has (its errors, in its order: the token before the parameters).
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MAX_KEY_LENGTH = 200  # BallotIdempotencyKey's max_length


@fast_path(cast_ballot, dependencies=(bearer_principal, get_db, get_outbox_waker))
async def _cast_ballot_fast(request: Request) -> Response | None:
    raw_id = request.path_params.get("round_id", "")
    headers = request.headers
    if not _CANONICAL_UUID.fullmatch(raw_id) \
            or headers.get("content-type", "").partition(";")[0].strip().lower() != "application/json":
        return None
    keys = headers.getlist("idempotency-key")
    if len(keys) > 1 or (keys and len(keys[0]) > _MAX_KEY_LENGTH):
        return None
    try:
        raw = await request.body()
    except HTTPException:
        raise  # the body-size limit: answered as on the generic path
    except Exception:
        return None
    if not raw:
        return None
    try:
        # As FastAPI parses a JSON body (json.loads) and validates it (the model, python mode).
        body = BallotIn.model_validate(json.loads(raw))
    except (ValueError, ValidationError):
        return None
    principal = await bearer_principal(request)  # 401 as the dependency raises it
    return await cast_ballot(round_id=uuid.UUID(raw_id), body=body, principal=principal, db=await get_db(request),
                             waker=await get_outbox_waker(request), idempotency_key=keys[0] if keys else None)


@router.post("/{round_id}/paper-ballots", status_code=201,
             summary="Record an absent member's written ballot (lead); answers with its receipt",
             response_model=BallotReceipt, responses=problems(401, 403, 404, 409, 422, 503))
async def record_paper_ballot(round_id: uuid.UUID, body: PaperBallotIn, registry: service.Registry,
                              principal: CurrentPrincipal, db: Db, idempotency_key: BallotIdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        await service.require_round(conn, round_id)
        return await service.sealed_idempotent(
            conn, key=idempotency_key, scope=f"paper-ballot:{round_id}:{principal.subject}", round_id=round_id,
            body=body, status_code=201,
            run=lambda: service.record_paper_ballot(conn, actor=principal, round_id=round_id, voter=body.voter,
                                                    choices=body.choices, document_ref=body.document_ref,
                                                    registry=registry))


@router.get("/{round_id}/turnout", summary="Who has and has not voted, never how (lead, ministry)",
             response_model=Turnout, responses=problems(401, 403, 404, 409, 422, 503))
async def turnout(round_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.turnout(conn, actor=principal, round_id=round_id, registry=registry)


@router.post("/{round_id}/close", summary="Close and count (lead; a service account once closes_at has passed)",
             response_model=Round, responses=problems(401, 403, 404, 409, 422, 503))
async def close_round(round_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db,
                      idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:round.close:{round_id}", body={},
            status_code=200, run=lambda: service.close_round(conn, actor=principal, round_id=round_id, registry=registry))


@router.get("/{round_id}/bulletin",
            summary="Every ballot as (commitment, choices), after the close of a vote that met its quorum",
             response_model=Bulletin, responses=problems(401, 403, 404, 409, 422))
async def bulletin(round_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.bulletin(conn, actor=principal, round_id=round_id)


@router.post("/{round_id}/verify", summary="Was the ballot with this commitment counted, and as what? (after the close)",
             description="A POST, so the commitment travels in the body: never in a URL, where access logs, "
                         "proxies and browser histories keep it.",
             response_model=ReceiptCheck, responses=problems(401, 403, 404, 409, 422))
async def verify(round_id: uuid.UUID, principal: CurrentPrincipal, db: Db, body: ReceiptQuery) -> dict:
    async with db.connection() as conn:
        return await service.verify_receipt(conn, actor=principal, round_id=round_id, receipt=body.receipt.lower())


@router.post("/{round_id}/certify", summary="Freeze the result and produce the minutes (lead)",
             response_model=Round, responses=problems(401, 403, 404, 409, 422, 503))
async def certify(round_id: uuid.UUID, registry: service.Registry, settings: service.Settings,
                  principal: CurrentPrincipal, db: Db,
                  idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:round.certify:{round_id}", body={},
            status_code=200, run=lambda: service.certify_round(
                conn, actor=principal, round_id=round_id, registry=registry,
                dispute_window=settings.paper_ballot_dispute_window))


@router.get("/{round_id}/minutes", summary="The minutes: JSON, or printable HTML in Vietnamese",
            description="HTML with `Accept: text/html` or `?format=html`.",
            response_model=Minutes,
            responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}},
                       **problems(401, 403, 404, 409, 422, 503)})
async def minutes(round_id: uuid.UUID, registry: service.Registry, settings: service.Settings,
                  principal: CurrentPrincipal, db: Db,
                  format: Literal["json", "html"] | None = None,
                  accept: Annotated[str | None, Header()] = None) -> Any:
    async with db.connection() as conn:
        result = await service.minutes(conn, actor=principal, round_id=round_id, registry=registry,
                                        dispute_window=settings.paper_ballot_dispute_window)
    if format == "html" or (format is None and accept is not None and "text/html" in accept):
        return HTMLResponse(service.render_minutes(result))
    return result


@router.post("/{round_id}/approve", summary="Approve the certified proposal (ministry); enforces the Government-flag cap",
             response_model=Round, responses=problems(401, 403, 404, 409, 422, 503))
async def approve(round_id: uuid.UUID, registry: service.Registry, settings: service.Settings,
                  principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:round.approve:{round_id}", body={},
            status_code=200,
            run=lambda: service.approve_round(conn, actor=principal, registry=registry, round_id=round_id,
                                              cap_share=settings.government_flag_cap_share))


@router.post("/{round_id}/return", summary="Return the certified proposal with a reason (ministry)",
             response_model=Round, responses=problems(401, 403, 404, 409, 422))
async def return_round(round_id: uuid.UUID, body: ReturnIn, registry: service.Registry, principal: CurrentPrincipal,
                       db: Db, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:round.return:{round_id}", body=body,
            status_code=200,
            run=lambda: service.return_round(conn, actor=principal, round_id=round_id, reason=body.reason,
                                             registry=registry))
