"""Accounts: created, listed, disabled and enabled by the ministry; read by the ministry and the
account itself; each account changes its own password."""
from __future__ import annotations

from typing import Any

import asyncpg

from services.registry.domain import policy
from services.registry.domain.passwords import password_problem
from services.registry.passwords import hash_password, verify_password
from services.registry.service.access import require_keeper
from services.registry.store import accounts as account_store
from services.registry.store import provinces as province_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "registry"


async def create_account(conn: asyncpg.Connection, *, actor: Principal, username: str, password: str, role: str,
                         province_code: str | None, display_name: str | None) -> dict[str, Any]:
    require_keeper(actor)
    if role == "province":
        if province_code is None:
            raise Unprocessable("a province account names its province", field="province_code")
        if not await province_store.code_exists(conn, province_code):
            raise Unprocessable(f"no provincial unit has code {province_code}", field="province_code")
    elif province_code is not None:
        raise Unprocessable(f"a {role} account acts for no province", field="province_code")
    if await account_store.by_username(conn, username) is not None:
        raise Conflict(f"account {username} already exists", field="username")
    row = await account_store.insert(conn, username=username, password_hash=await hash_password(password), role=role,
                                     province_code=province_code, display_name=display_name)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.create", target=f"account:{username}",
                       details={"role": role, "province_code": province_code})
    return account_store.public(row)


async def list_accounts(conn: asyncpg.Connection, *, actor: Principal, role: str | None, province: str | None,
                        after: str | None, limit: int) -> list[dict[str, Any]]:
    """Who can sign in, and for whom (ministry)."""
    require_keeper(actor)
    rows = await account_store.page(conn, role=role, province=province, after=after, limit=limit)
    return [account_store.public(r) for r in rows]


async def get_account(conn: asyncpg.Connection, *, actor: Principal, username: str) -> dict[str, Any]:
    """One account's details: ministry staff, or the account itself."""
    if not policy.may_read_account(actor, username=username):
        raise Forbidden("an account's details are read by ministry staff and the account itself")
    row = await account_store.by_username(conn, username)
    if row is None:
        raise NotFound(f"no account {username}", field="username")
    return account_store.public(row)



def check_password_policy(settings: Any, *, username: str, password: str, field: str) -> None:
    """422 naming ``field`` when the password is short or easy to guess (domain/passwords.py)."""
    problem = password_problem(password, username=username, min_length=settings.password_min_length,
                               min_score=settings.password_min_score)
    if problem:
        raise Unprocessable(f"password refused: {problem}", field=field, slug="weak-password")


async def change_password(conn: asyncpg.Connection, *, actor: Principal, current_password: str,
                          new_password: str) -> int:
    """The caller's own password; returns the new token version (older tokens stop verifying)."""
    account = await account_store.by_username(conn, actor.subject, lock=True)
    if account is None or not account["active"]:
        raise Forbidden("this account cannot change its password", slug="account-disabled")
    if not await verify_password(account["password_hash"], current_password):
        raise Forbidden("the current password is wrong", field="current_password", slug="bad-credentials")
    if current_password == new_password:
        raise Unprocessable("the new password must differ from the current one", field="new_password")
    version = await account_store.set_password(conn, username=actor.subject,
                                               password_hash=await hash_password(new_password))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.password_change",
                       target=f"account:{actor.subject}", details={})
    return version


async def set_account_active(conn: asyncpg.Connection, *, actor: Principal, username: str,
                             active: bool) -> dict[str, Any]:
    """Ministry disables (its tokens stop verifying everywhere) or re-enables an account."""
    require_keeper(actor)
    if username == actor.subject and not active:
        raise Conflict("an account cannot disable itself", field="username")
    account = await account_store.by_username(conn, username, lock=True)
    if account is None:
        raise NotFound(f"no account {username}", field="username")
    if account["active"] == active:
        row = account
    else:
        row = await account_store.set_active(conn, username=username, active=active, by=actor.subject)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="account.enable" if active else "account.disable",
                           target=f"account:{username}", details={})
    return {k: row[k] for k in ("username", "role", "province_code", "active", "disabled_at", "disabled_by",
                                "token_version")}
