from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.registry.schemas import (
    ORGANISER_CODE,
    PROVINCE_CODE,
    USERNAME,
    Account,
    AccountCreated,
    AccountIn,
    Jwks,
    Me,
    Page,
    Revoked,
    TokenAnswer,
)
from services.registry.service import accounts, signin
from services.registry.service.dependencies import IdempotencySecret, Issuer, Settings
from shared.app import Db, Redis
from shared.auth import CurrentPrincipal
from shared.errors import Unprocessable, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor
from shared.text import StorableStr

router = APIRouter(tags=["accounts and tokens"])


@router.post("/v1/auth/token",
             summary="Exchange username and password, or a refresh token, for a short-lived JWT and a refresh token "
                     "(OAuth2 token endpoint, form-encoded)",
             response_model=TokenAnswer, responses=problems(401, 422, 429))
async def token(request: Request, db: Db, redis: Redis, settings: Settings, issuer: Issuer,
                grant_type: Annotated[Literal["password", "refresh_token"], Form()] = "password",
                username: Annotated[StorableStr | None, Form(max_length=100)] = None,
                password: Annotated[str | None, Form(max_length=200)] = None,
                refresh_token: Annotated[str | None, Form(max_length=200)] = None) -> dict:
    if grant_type == "refresh_token":
        return await signin.refresh_grant(db=db, settings=settings, issuer=issuer, refresh_token=refresh_token)
    if username is None:
        raise Unprocessable("the password grant needs a username", field="username")
    if password is None:
        raise Unprocessable("the password grant needs a password", field="password")
    return await signin.password_grant(db=db, redis=redis, settings=settings, issuer=issuer, username=username,
                                       password=password,
                                       address=request.client.host if request.client else "unknown")


@router.post("/v1/auth/revoke", summary="Revoke a refresh token and every token of its sign-in (sign-out)",
             response_model=Revoked, responses=problems(422))
async def revoke(db: Db, token: Annotated[str, Form(max_length=200)]) -> dict:
    """Like RFC 7009: the answer is the same whether the token was known or not, so it cannot be
    used to test tokens. Access tokens already issued expire on their own (15 minutes)."""
    await signin.revoke_refresh_token(db=db, token=token)
    return {"revoked": True}


@router.get("/.well-known/jwks.json", summary="Public keys that verify registry tokens",
             response_model=Jwks, responses=problems(503))
async def jwks(issuer: Issuer) -> dict:
    return issuer.jwks()


@router.get("/v1/accounts/me", summary="Who the token says the caller is",
             response_model=Me, responses=problems(401))
async def me(principal: CurrentPrincipal) -> dict:
    me: dict = {"username": principal.subject, "role": principal.role, "province_code": principal.province}
    if principal.role == "staff":
        me["organiser"] = principal.organiser
    if principal.role == "unit":
        me["unit_code"] = principal.unit_code
    return me


@router.post("/v1/accounts", status_code=201, summary="Create an account (the ministry; an organiser's office: its "
             "staff and its units' accounts); without a password the answer carries a one-time code to set it",
             response_model=AccountCreated, responses=problems(401, 403, 409, 422))
async def create_account(body: AccountIn, principal: CurrentPrincipal, db: Db, settings: Settings,
                         secret: IdempotencySecret, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    if body.password is not None:
        accounts.check_password_policy(settings, username=body.username, password=body.password, field="password")
    async with db.transaction() as conn:
        # The password never reaches the idempotency table: only an HMAC of the request, keyed with
        # a server secret, is stored (a plain hash of a body holding a password can be brute-forced).
        answer = await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:account.create", body=body,
            status_code=201, secret=secret,
            run=lambda: accounts.create_account(conn, actor=principal, username=body.username, password=body.password,
                                               role=body.role, province_code=body.province_code,
                                               organiser=body.organiser, unit_code=body.unit_code,
                                               display_name=body.display_name, position=body.position))
        if body.password is not None or answer.headers.get("Idempotent-Replayed"):
            return answer   # a replay never shows the code again: issue a new one (setup-code)
        # The code is added after the stored answer: it is never kept, not even in the idempotency table.
        code = await accounts.issue_setup_code(conn, actor=principal, username=body.username,
                                               ttl_seconds=settings.setup_code_ttl_seconds, reset=False)
    made = json.loads(bytes(answer.body))
    made.update(setup_code=code["setup_code"], setup_code_expires_at=code["setup_code_expires_at"])
    return JSONResponse(jsonable_encoder(made), status_code=201)


@router.get("/v1/accounts", summary="Accounts, by username: who can sign in for whom (ministry)",
            response_model=Page[Account],
             responses=problems(401, 403, 422))
async def list_accounts(principal: CurrentPrincipal, db: Db,
                        role: Literal["ministry", "province", "service", "staff", "unit"] | None = None,
                        province: Annotated[str | None, Query(
                            pattern=PROVINCE_CODE, description="Accounts acting for this province code")] = None,
                        organiser: Annotated[str | None, Query(
                            pattern=ORGANISER_CODE,
                            description="An organiser's staff and its units' accounts (an office sees only its own)")
                        ] = None,
                        cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    after = text_cursor(cursor, pattern=USERNAME)
    async with db.connection() as conn:
        items = await accounts.list_accounts(conn, actor=principal, role=role, province=province, after=after,
                                             limit=limit + 1, organiser=organiser)
    return page(items, limit, lambda item: item["username"])


@router.get("/v1/accounts/{username}", summary="One account's details (ministry, or the account itself)",
            response_model=Account,
             responses=problems(401, 403, 404, 422))
async def get_account(username: Annotated[str, Path(pattern=USERNAME)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await accounts.get_account(conn, actor=principal, username=username)
