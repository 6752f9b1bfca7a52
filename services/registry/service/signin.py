"""Sign-in, token grants and credential changes as the routes need them: throttling (Redis) around
the password checks, refresh-token rotation, and publishing an account's token-version floor once
its change has committed. The routes only parse and answer."""
from __future__ import annotations

from typing import Any

from services.registry import throttle
from services.registry.passwords import verify_password
from services.registry.service import accounts, tokens
from services.registry.settings import RegistrySettings
from services.registry.store import accounts as account_store
from shared.auth import Principal, TokenIssuer
from shared.db import Database
from shared.errors import DomainError, Unauthorized, Unprocessable
from shared.revocation import publish_floors


def _answer(issuer: TokenIssuer, account: Any, refresh_token: str | None, refresh_ttl: int) -> dict[str, Any]:
    access_token, ttl = issuer.issue(subject=account["username"], role=account["role"],
                                     province=account["province_code"], version=account["token_version"],
                                     organiser=account["organiser_code"], unit=account["unit_code"])
    return {"access_token": access_token, "token_type": "bearer", "expires_in": ttl,
            "refresh_token": refresh_token, "refresh_expires_in": refresh_ttl}


async def password_grant(*, db: Database, redis: Any, settings: RegistrySettings, issuer: TokenIssuer,
                         username: str, password: str, address: str) -> dict[str, Any]:
    # Throttled before the (deliberately slow) hash: 429 with Retry-After.
    await throttle.before_attempt(redis, settings, username=username, address=address)
    async with db.connection() as conn:
        account = await account_store.by_username(conn, username)
    ok = await verify_password(account["password_hash"] if account else None, password)
    if not ok or account is None or not account["active"]:
        await throttle.failed(redis, settings, username=username, address=address)
        raise Unauthorized("wrong username or password", slug="bad-credentials")
    await throttle.succeeded(redis, settings, username=username, address=address)
    access_token, ttl = issuer.issue(subject=account["username"], role=account["role"],
                                     province=account["province_code"], version=account["token_version"],
                                     organiser=account["organiser_code"], unit=account["unit_code"])
    async with db.transaction() as conn:
        new_refresh, refresh_ttl = await tokens.issue(
            conn, account_id=account["id"], token_version=account["token_version"],
            ttl_seconds=settings.refresh_token_ttl_seconds,
            max_seconds=settings.refresh_token_max_seconds)
        await account_store.signed_in(conn, account_id=account["id"])
    return {"access_token": access_token, "token_type": "bearer", "expires_in": ttl,
            "refresh_token": new_refresh, "refresh_expires_in": refresh_ttl}


async def refresh_grant(*, db: Database, settings: RegistrySettings, issuer: TokenIssuer,
                        refresh_token: str | None) -> dict[str, Any]:
    if not refresh_token:
        raise Unprocessable("the refresh_token grant needs a refresh_token", field="refresh_token")
    async with db.transaction() as conn:
        # Committed even when refused: a replay's revocation of the family must stick.
        result = await tokens.exchange(conn, token=refresh_token,
                                       ttl_seconds=settings.refresh_token_ttl_seconds,
                                       max_seconds=settings.refresh_token_max_seconds)
    if result.outcome is not tokens.Outcome.OK or result.account is None:
        detail = {tokens.Outcome.REPLAYED: "this refresh token was already used: every token of its sign-in "
                                           "is now revoked; sign in again",
                  tokens.Outcome.ACCOUNT_GONE: "the account was disabled or its password changed since this "
                                               "sign-in; sign in again"
                  }.get(result.outcome, "the refresh token is unknown, expired or revoked")
        raise Unauthorized(detail, slug="invalid-grant", field="refresh_token")
    return _answer(issuer, result.account, result.refresh_token, result.refresh_expires_in)


async def revoke_refresh_token(*, db: Database, token: str) -> None:
    async with db.transaction() as conn:
        await tokens.revoke(conn, token=token)


async def _publish_floor(verifier: Any, redis: Any, username: str, version: int) -> None:
    floors = getattr(verifier, "floors", None)
    if floors is not None:
        floors.raise_floor(username, version)
    # After the commit. If Redis refuses, the periodic re-publication repairs it within a minute;
    # meanwhile the account cannot sign in (disabled) or its old password no longer works.
    try:
        await publish_floors(redis, {username: version})
    except Exception:  # noqa: BLE001 - logged by the periodic publisher when it runs
        pass


async def change_password(*, verifier: Any, db: Database, redis: Any, settings: RegistrySettings,
                          actor: Principal, current_password: str, new_password: str, address: str) -> None:
    await throttle.before_attempt(redis, settings, username=actor.subject, address=address)
    accounts.check_password_policy(settings, username=actor.subject, password=new_password, field="new_password")
    try:
        async with db.transaction() as conn:
            version = await accounts.change_password(conn, actor=actor, current_password=current_password,
                                                    new_password=new_password)
    except DomainError as exc:
        if exc.slug == "bad-credentials":
            await throttle.failed(redis, settings, username=actor.subject, address=address)
        raise
    await _publish_floor(verifier, redis, actor.subject, version)


async def setup_password(*, verifier: Any, db: Database, redis: Any, settings: RegistrySettings, username: str,
                         code: str, new_password: str, address: str) -> None:
    """The first password (or a new one after a reset) set with the one-time code: throttled like
    a sign-in, since the code is a credential."""
    await throttle.before_attempt(redis, settings, username=username, address=address)
    accounts.check_password_policy(settings, username=username, password=new_password, field="new_password")
    try:
        async with db.transaction() as conn:
            version = await accounts.use_setup_code(conn, username=username, code=code, new_password=new_password)
    except DomainError as exc:
        if exc.slug == "setup-code-invalid":
            await throttle.failed(redis, settings, username=username, address=address)
        raise
    await _publish_floor(verifier, redis, username, version)


async def issue_setup_code(*, verifier: Any, db: Database, redis: Any, settings: RegistrySettings,
                           actor: Principal, username: str, reset: bool) -> dict[str, Any]:
    async with db.transaction() as conn:
        answer = await accounts.issue_setup_code(conn, actor=actor, username=username, reset=reset,
                                                 ttl_seconds=settings.setup_code_ttl_seconds)
    if reset:
        await _publish_floor(verifier, redis, username, answer["token_version"])
    return answer


async def set_active(*, verifier: Any, db: Database, redis: Any, actor: Principal, username: str,
                     active: bool) -> dict[str, Any]:
    async with db.transaction() as conn:
        state = await accounts.set_account_active(conn, actor=actor, username=username, active=active)
    await _publish_floor(verifier, redis, username, state["token_version"])
    return state


async def republish_floors(*, db: Database, redis: Any) -> int:
    async with db.connection() as conn:
        floors = await account_store.token_floors(conn)
    await publish_floors(redis, floors)
    return len(floors)
