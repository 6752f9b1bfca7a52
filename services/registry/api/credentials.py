"""Password change (any account, for itself), the first password set with a one-time code, the
person's name and position, account disabling and codes (ministry, an organiser's office)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from services.registry.schemas import (
    USERNAME,
    Account,
    AccountProfile,
    AccountState,
    PasswordChange,
    PasswordSetup,
    SetupCode,
)
from services.registry.service import accounts, signin
from services.registry.service.dependencies import Settings
from shared.app import Db, Redis
from shared.auth import CurrentPrincipal, Verifier
from shared.errors import problems

router = APIRouter(tags=["accounts and tokens"])

Username = Annotated[str, Path(pattern=USERNAME)]


@router.post("/v1/accounts/me/password", status_code=204, response_class=Response,
             summary="Change the caller's password; tokens issued before stop working",
             responses=problems(401, 422, 429))
async def change_password(request: Request, body: PasswordChange, principal: CurrentPrincipal, db: Db,
                          redis: Redis, settings: Settings, verifier: Verifier) -> Response:
    await signin.change_password(verifier=verifier, db=db, redis=redis, settings=settings,
                                 actor=principal, current_password=body.current_password,
                                 new_password=body.new_password,
                                 address=request.client.host if request.client else "unknown")
    return Response(status_code=204)


async def _set_active(verifier: Verifier, db: Db, redis: Redis, principal: CurrentPrincipal, username: str,
                      active: bool) -> AccountState:
    state = await signin.set_active(verifier=verifier, db=db, redis=redis, actor=principal,
                                    username=username, active=active)
    return AccountState(**state)


@router.post("/v1/accounts/{username}/disable", summary="Disable an account (ministry): it cannot sign in and "
             "its tokens stop working on every service within seconds",
             responses=problems(401, 403, 404, 422))
async def disable(verifier: Verifier, username: Username, principal: CurrentPrincipal, db: Db,
                  redis: Redis) -> AccountState:
    return await _set_active(verifier, db, redis, principal, username, False)


@router.post("/v1/accounts/{username}/enable", summary="Enable a disabled account again (ministry)",
             responses=problems(401, 403, 404, 422))
async def enable(verifier: Verifier, username: Username, principal: CurrentPrincipal, db: Db,
                 redis: Redis) -> AccountState:
    return await _set_active(verifier, db, redis, principal, username, True)


@router.post("/v1/accounts/{username}/setup-code", summary="Issue a one-time code with which the person sets a new "
             "password (ministry; an organiser's office: its own accounts). The current password stops working and "
             "the account's sessions end; a new code replaces an older one. The code is in this answer only",
             response_model=SetupCode, responses=problems(401, 403, 404, 422))
async def setup_code(verifier: Verifier, username: Username, principal: CurrentPrincipal, db: Db, redis: Redis,
                     settings: Settings) -> dict:
    return await signin.issue_setup_code(verifier=verifier, db=db, redis=redis, settings=settings, actor=principal,
                                         username=username, reset=True)


@router.post("/v1/auth/setup", status_code=204, response_class=Response,
             summary="Set a password with the one-time code the ministry handed over (no token needed; throttled "
                     "like a sign-in)", responses=problems(401, 422, 429))
async def setup_password(request: Request, body: PasswordSetup, db: Db, redis: Redis, settings: Settings,
                         verifier: Verifier) -> Response:
    await signin.setup_password(verifier=verifier, db=db, redis=redis, settings=settings, username=body.username,
                                code=body.setup_code, new_password=body.new_password,
                                address=request.client.host if request.client else "unknown")
    return Response(status_code=204)


@router.patch("/v1/accounts/{username}", summary="The person behind an account: full name and position, printed "
              "on the documents they sign (the account itself, the ministry, its organiser's office)",
              response_model=Account, responses=problems(401, 403, 404, 422))
async def update_profile(username: Username, body: AccountProfile, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.transaction() as conn:
        return await accounts.update_profile(conn, actor=principal, username=username,
                                             display_name=body.display_name, position=body.position)
