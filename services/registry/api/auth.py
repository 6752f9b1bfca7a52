from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from services.registry import service
from services.registry.schemas import AccountIn
from shared.app import Db
from shared.auth import CurrentPrincipal, TokenIssuer
from shared.idempotency import IdempotencyKey, idempotent
from shared.text import StorableStr

router = APIRouter(tags=["accounts and tokens"])


@router.post("/v1/auth/token", summary="Exchange username and password for a short-lived JWT (OAuth2 password form)")
async def token(request: Request, db: Db, username: Annotated[StorableStr, Form(max_length=100)],
                password: Annotated[str, Form(max_length=200)],
                grant_type: Annotated[str | None, Form(pattern="^password$")] = None) -> dict:
    async with db.connection() as conn:
        account = await service.account_by_username(conn, username=username)
    account = await service.check_credentials(account, password=password)  # off the connection: argon2 is slow
    issuer: TokenIssuer = request.app.state.issuer
    access_token, ttl = issuer.issue(subject=account["username"], role=account["role"],
                                     province=account["province_code"])
    return {"access_token": access_token, "token_type": "bearer", "expires_in": ttl}


@router.get("/.well-known/jwks.json", summary="Public keys that verify registry tokens")
async def jwks(request: Request) -> dict:
    return request.app.state.issuer.jwks()


@router.get("/v1/accounts/me", summary="Who the token says the caller is")
async def me(principal: CurrentPrincipal) -> dict:
    return {"username": principal.subject, "role": principal.role, "province_code": principal.province}


@router.post("/v1/accounts", status_code=201, summary="Create an account (ministry)")
async def create_account(body: AccountIn, principal: CurrentPrincipal, db: Db, idempotency_key: IdempotencyKey = None):
    async with db.transaction() as conn:
        # The password never reaches the idempotency table: only a hash of the request is stored.
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:account.create", body=body,
            status_code=201,
            run=lambda: service.create_account(conn, actor=principal, username=body.username, password=body.password,
                                               role=body.role, province_code=body.province_code,
                                               display_name=body.display_name))
