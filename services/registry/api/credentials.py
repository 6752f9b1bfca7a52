"""Password change (any account, for itself) and account disabling (ministry)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from services.registry.schemas import USERNAME, AccountState, PasswordChange
from services.registry.service import signin
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
