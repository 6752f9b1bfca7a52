"""The covenant signed: a member unit signs the covenant in force; the list shows who has not."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from services.nominations.scoring import service
from services.nominations.scoring.schemas import SignatureIn, Signatures
from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service import signatures as service_signatures
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent

router = APIRouter(prefix="/v1/clusters/{code}/periods/{year}/covenant", tags=["covenants and score sheets"])

ClusterCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Year = Annotated[int, Path(ge=2000, le=2100)]


@router.post("/signatures", status_code=201, response_model=Signatures,
             responses=problems(401, 403, 404, 409, 422, 503),
             summary="Sign the covenant in force, for the calling member unit (signer's name and position)")
async def sign_covenant(code: ClusterCode, year: Year, body: SignatureIn, registry: service.Registry,
                        principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None) -> Any:
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    async with db.transaction() as conn:
        return await idempotent(
            conn, schema=service_scores.SCHEMA, key=idempotency_key,
            scope=f"{principal.subject}:covenant.sign:{code}/{year}", body=body, status_code=201,
            run=lambda: service_signatures.sign(conn, actor=principal, period=period, signer_name=body.signer_name,
                                                signer_position=body.signer_position))


@router.get("/signatures", response_model=Signatures, responses=problems(401, 403, 404, 409, 422, 503),
            summary="Who signed the covenant in force, when and by whom; who has not; whether it binds every member")
async def list_signatures(code: ClusterCode, year: Year, registry: service.Registry, principal: CurrentPrincipal,
                          db: Db) -> Any:
    period = await service_scores.registry_period(registry, cluster=code, year=year)
    async with db.connection() as conn:
        return await service_signatures.listing(conn, period=period, actor=principal)
