"""Password change (any account, for itself) and account disabling (ministry)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from services.registry import service, throttle
from services.registry.settings import RegistrySettings
from services.registry.store import accounts as account_store
from shared.app import Db, Redis
from shared.auth import CurrentPrincipal
from shared.errors import DomainError, problems
from shared.revocation import publish_floors

router = APIRouter(tags=["accounts and tokens"])

Username = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")]


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200,
                              description="At least 12 characters, hard to guess (checked with zxcvbn)")


class AccountState(BaseModel):
    username: str
    role: str
    province_code: str | None
    active: bool
    disabled_at: datetime | None
    disabled_by: str | None
    token_version: int


async def _publish_floor(request: Request, redis: Redis, username: str, version: int) -> None:
    floors = getattr(request.app.state.verifier, "floors", None)
    if floors is not None:
        floors.raise_floor(username, version)
    # After the commit. If Redis refuses, the periodic re-publication repairs it within a minute;
    # meanwhile the account cannot sign in (disabled) or its old password no longer works.
    try:
        await publish_floors(redis, {username: version})
    except Exception:  # noqa: BLE001 - logged by the periodic publisher when it runs
        pass


@router.post("/v1/accounts/me/password", status_code=204, response_class=Response,
             summary="Change the caller's password; tokens issued before stop working",
             responses=problems(401, 422, 429))
async def change_password(request: Request, body: PasswordChange, principal: CurrentPrincipal, db: Db,
                          redis: Redis) -> Response:
    settings: RegistrySettings = request.app.state.settings
    await throttle.before_attempt(redis, settings, username=principal.subject,
                                  address=request.client.host if request.client else "unknown")
    service.check_password_policy(settings, username=principal.subject, password=body.new_password,
                                  field="new_password")
    try:
        async with db.transaction() as conn:
            version = await service.change_password(conn, actor=principal, current_password=body.current_password,
                                                    new_password=body.new_password)
    except DomainError as exc:
        if exc.slug == "bad-credentials":
            await throttle.failed(redis, settings, username=principal.subject)
        raise
    await _publish_floor(request, redis, principal.subject, version)
    return Response(status_code=204)


async def _set_active(request: Request, db: Db, redis: Redis, principal: CurrentPrincipal, username: str,
                      active: bool) -> AccountState:
    async with db.transaction() as conn:
        state = await service.set_account_active(conn, actor=principal, username=username, active=active)
    await _publish_floor(request, redis, username, state["token_version"])
    return AccountState(**state)


@router.post("/v1/accounts/{username}/disable", summary="Disable an account (ministry): it cannot sign in and "
             "its tokens stop working on every service within seconds",
             responses=problems(401, 403, 404, 422))
async def disable(request: Request, username: Username, principal: CurrentPrincipal, db: Db,
                  redis: Redis) -> AccountState:
    return await _set_active(request, db, redis, principal, username, False)


@router.post("/v1/accounts/{username}/enable", summary="Enable a disabled account again (ministry)",
             responses=problems(401, 403, 404, 422))
async def enable(request: Request, username: Username, principal: CurrentPrincipal, db: Db,
                 redis: Redis) -> AccountState:
    return await _set_active(request, db, redis, principal, username, True)


async def republish_floors(db: Db, redis: Redis) -> int:
    async with db.connection() as conn:
        floors = await account_store.token_floors(conn)
    await publish_floors(redis, floors)
    return len(floors)
