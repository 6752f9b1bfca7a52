"""Paper ballot disputes: the member disputes, the ministry rules (``voting.service``)."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from services.nominations.voting import service
from services.nominations.voting.schemas import Dispute, DisputeIn, Page, PaperBallotConfirmation, RulingIn
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/v1/rounds", tags=["vote rounds"])
SCHEMA = "nominations"


@router.post("/{round_id}/paper-ballot-disputes", status_code=201,
             summary="Dispute the paper ballot the lead entered for the caller's province (until the round is certified)",
             response_model=Dispute, responses=problems(401, 403, 404, 409, 422))
async def dispute(round_id: uuid.UUID, body: DisputeIn, registry: service.Registry, principal: CurrentPrincipal,
                  db: Db, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:dispute:{round_id}", body=body,
            status_code=201,
            run=lambda: service.dispute_paper_ballot(conn, actor=principal, round_id=round_id, reason=body.reason,
                                                     registry=registry))


@router.post("/{round_id}/paper-ballot-confirmations", status_code=201,
             summary="Confirm the paper ballot the lead entered for the caller's province: certification need not "
                     "wait for its dispute window", response_model=PaperBallotConfirmation,
             responses=problems(401, 403, 404, 409, 422))
async def confirm(round_id: uuid.UUID, principal: CurrentPrincipal, db: Db,
                  idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:paper-confirm:{round_id}", body={},
            status_code=201, run=lambda: service.confirm_paper_ballot(conn, actor=principal, round_id=round_id))


@router.get("/{round_id}/paper-ballot-disputes",
            summary="Disputes of the round's paper ballots (ministry and lead: all; a member: its own)",
             response_model=Page[Dispute], responses=problems(401, 403, 404, 422))
async def list_disputes(round_id: uuid.UUID, registry: service.Registry, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        items = await service.list_disputes(conn, actor=principal, round_id=round_id, registry=registry)
    return {"items": items, "next": None}


@router.post("/{round_id}/paper-ballot-disputes/{province}/ruling",
             summary="Rule on a disputed paper ballot (ministry; final)",
             response_model=Dispute, responses=problems(401, 403, 404, 409, 422))
async def rule(round_id: uuid.UUID, province: Annotated[str, Path(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$")], body: RulingIn,
               registry: service.Registry, principal: CurrentPrincipal, db: Db,
               idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=SCHEMA, key=idempotency_key, scope=f"{principal.subject}:ruling:{round_id}:{province}",
            body=body, status_code=200,
            run=lambda: service.rule_on_dispute(conn, actor=principal, round_id=round_id, province=province,
                                      ruling=body.ruling, note=body.note, registry=registry))
