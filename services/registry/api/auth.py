from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from pydantic import BaseModel, Field, model_validator

from services.registry import service, throttle
from services.registry.passwords import verify_password
from services.registry.schemas import Account, Page
from services.registry.settings import RegistrySettings
from services.registry.store import accounts as account_store
from shared.app import Db, Redis
from shared.auth import CurrentPrincipal, TokenIssuer
from shared.errors import FieldValueError, Unauthorized
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, text_cursor
from shared.text import StorableStr

router = APIRouter(tags=["accounts and tokens"])


USERNAME = r"^[a-z0-9][a-z0-9._-]{2,63}$"


class AccountIn(BaseModel):
    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=1, max_length=200,
                          description="At least 12 characters, hard to guess (checked with zxcvbn)")
    role: Literal["ministry", "province", "service"]
    province_code: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    display_name: StorableStr | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _province_matches_role(self) -> "AccountIn":
        if (self.role == "province") != (self.province_code is not None):
            raise FieldValueError("province_code", "a province account names its province_code; other roles name none")
        return self


@router.post("/v1/auth/token", summary="Exchange username and password for a short-lived JWT (OAuth2 password form)")
async def token(request: Request, db: Db, redis: Redis, username: Annotated[StorableStr, Form(max_length=100)],
                password: Annotated[str, Form(max_length=200)],
                grant_type: Annotated[str | None, Form(pattern="^password$")] = None) -> dict:
    settings: RegistrySettings = request.app.state.settings
    # Throttled before the (deliberately slow) hash: 429 with Retry-After.
    await throttle.before_attempt(redis, settings, username=username,
                                  address=request.client.host if request.client else "unknown")
    async with db.connection() as conn:
        account = await account_store.by_username(conn, username)
    ok = await verify_password(account["password_hash"] if account else None, password)
    if not ok or account is None or not account["active"]:
        await throttle.failed(redis, settings, username=username)
        raise Unauthorized("wrong username or password", slug="bad-credentials")
    await throttle.succeeded(redis, username=username)
    issuer: TokenIssuer = request.app.state.issuer
    access_token, ttl = issuer.issue(subject=account["username"], role=account["role"],
                                     province=account["province_code"], version=account["token_version"])
    return {"access_token": access_token, "token_type": "bearer", "expires_in": ttl}


@router.get("/.well-known/jwks.json", summary="Public keys that verify registry tokens")
async def jwks(request: Request) -> dict:
    return request.app.state.issuer.jwks()


@router.get("/v1/accounts/me", summary="Who the token says the caller is")
async def me(principal: CurrentPrincipal) -> dict:
    return {"username": principal.subject, "role": principal.role, "province_code": principal.province}


@router.post("/v1/accounts", status_code=201, summary="Create an account (ministry)")
async def create_account(request: Request, body: AccountIn, principal: CurrentPrincipal, db: Db,
                         idempotency_key: IdempotencyKey = None):
    settings: RegistrySettings = request.app.state.settings
    service.check_password_policy(settings, username=body.username, password=body.password, field="password")
    async with db.transaction() as conn:
        # The password never reaches the idempotency table: only an HMAC of the request, keyed with
        # a server secret, is stored (a plain hash of a body holding a password can be brute-forced).
        return await idempotent(
            conn, schema="registry", key=idempotency_key, scope=f"{principal.subject}:account.create", body=body,
            status_code=201, secret=request.app.state.idempotency_secret,
            run=lambda: service.create_account(conn, actor=principal, username=body.username, password=body.password,
                                               role=body.role, province_code=body.province_code,
                                               display_name=body.display_name))


@router.get("/v1/accounts", summary="Accounts, by username: who can sign in for whom (ministry)",
            response_model=Page[Account])
async def list_accounts(principal: CurrentPrincipal, db: Db,
                        role: Literal["ministry", "province", "service"] | None = None,
                        province: Annotated[str | None, Query(pattern=r"^[0-9]{2}$",
                                                              description="Accounts acting for this province code")] = None,
                        cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    after = text_cursor(cursor, pattern=USERNAME)
    async with db.connection() as conn:
        items = await service.list_accounts(conn, actor=principal, role=role, province=province, after=after,
                                            limit=limit + 1)
    return page(items, limit, lambda item: item["username"])


@router.get("/v1/accounts/{username}", summary="One account's details (ministry, or the account itself)",
            response_model=Account)
async def get_account(username: Annotated[str, Path(pattern=USERNAME)], principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await service.get_account(conn, actor=principal, username=username)
