"""Accounts: created, listed, disabled and enabled by the ministry (any account) and by an
organiser's emulation office (its own staff and its units' accounts); read by those and by the
account itself; each account changes its own password."""
from __future__ import annotations

import hmac
import secrets
from typing import Any

import asyncpg

from services.registry.domain import organisers as organiser_rules
from services.registry.domain import setup_codes
from services.registry.domain.passwords import password_problem
from services.registry.passwords import hash_password, verify_password
from services.registry.service import organisers
from services.registry.store import accounts as account_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable

SCHEMA = "registry"


async def create_account(conn: asyncpg.Connection, *, actor: Principal, username: str, password: str | None,
                         role: str, province_code: str | None, display_name: str | None, organiser: str | None = None,
                         unit_code: str | None = None, position: str | None = None) -> dict[str, Any]:
    """An account (the ministry: any; an organiser's office: its staff and its units' accounts);
    without a password it waits for the one-time code (``issue_setup_code``)."""
    organisers.require_account_office(actor)
    owner = await organisers.account_owner(conn, role=role, province_code=province_code, organiser=organiser,
                                           unit_code=unit_code)
    organisers.require_account_creator(actor, role=role, owner=owner)
    if await account_store.by_username(conn, username) is not None:
        raise Conflict(f"account {username} already exists", field="username")
    row = await account_store.insert(conn, username=username,
                                     password_hash=await hash_password(password) if password is not None else None,
                                     role=role, province_code=province_code, display_name=display_name,
                                     organiser_code=organiser, unit_code=unit_code, position=position)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.create", target=f"account:{username}",
                       details={"role": role, "province_code": province_code, "organiser": organiser,
                                "unit_code": unit_code})
    return account_store.public(row)


async def list_accounts(conn: asyncpg.Connection, *, actor: Principal, role: str | None, province: str | None,
                        after: str | None, limit: int, organiser: str | None = None) -> list[dict[str, Any]]:
    """Who can sign in, and for whom: the ministry every account (or one organiser's), an
    organiser's office its own staff and its units' accounts."""
    organisers.require_account_office(actor)
    if not actor.is_ministry:
        organiser = actor.staff_of
    rows = await account_store.page(conn, role=role, province=province, after=after, limit=limit,
                                    organiser=organiser)
    return [account_store.public(r) for r in rows]


async def _readable(conn: asyncpg.Connection, actor: Principal, username: str) -> Any:
    row = await account_store.by_username(conn, username)
    owner = organisers.account_organiser(row, await organisers.unit_organiser(conn, row["unit_code"])) if row else None
    if not (actor.is_ministry or actor.subject == username
            or (actor.role == "staff" and owner is not None and organiser_rules.manages(actor, owner))):
        raise Forbidden("an account's details are read by ministry staff, its organiser's office and the account "
                        "itself")
    if row is None:
        raise NotFound(f"no account {username}", field="username")
    return row


async def get_account(conn: asyncpg.Connection, *, actor: Principal, username: str) -> dict[str, Any]:
    """One account's details: ministry staff, its organiser's office, or the account itself."""
    return account_store.public(await _readable(conn, actor, username))


async def update_profile(conn: asyncpg.Connection, *, actor: Principal, username: str, display_name: str | None,
                         position: str | None) -> dict[str, Any]:
    """The person's name and position (the account itself, or whoever may read it to manage it)."""
    await _readable(conn, actor, username)
    row = await account_store.set_profile(conn, username=username, display_name=display_name, position=position)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.profile", target=f"account:{username}",
                       details={"display_name": display_name, "position": position})
    return account_store.public(row)


async def issue_setup_code(conn: asyncpg.Connection, *, actor: Principal, username: str, ttl_seconds: int,
                           reset: bool) -> dict[str, Any]:
    """A new one-time code for ``username`` (whoever may disable the account may issue it); a
    reset also drops the current password and ends the account's sessions. The code is in this
    answer only; the database keeps its SHA-256."""
    await _managed(conn, actor, username)
    raw = "".join(secrets.choice(setup_codes.ALPHABET) for _ in range(setup_codes.LENGTH))
    row = await account_store.set_setup_code(conn, username=username, code_hash=setup_codes.digest(raw),
                                             ttl_seconds=ttl_seconds, clear_password=reset)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="account.setup_code",
                       target=f"account:{username}", details={"reset": reset})
    return {"username": username, "setup_code": setup_codes.shown(raw),
            "setup_code_expires_at": row["setup_code_expires_at"], "token_version": row["token_version"]}


async def use_setup_code(conn: asyncpg.Connection, *, username: str, code: str, new_password: str) -> int:
    """The person sets their password with the code (once; an expired or wrong code is refused
    the same way). Returns the new token version."""
    account = await account_store.by_username(conn, username, lock=True)
    ok = (account is not None and account["active"] and account["setup_code_hash"] is not None
          and setup_codes.well_formed(code)
          and hmac.compare_digest(account["setup_code_hash"], setup_codes.digest(code))
          and await conn.fetchval("SELECT $1::timestamptz > now()", account["setup_code_expires_at"]))
    if not ok or account is None:
        raise Unauthorized("the one-time code is wrong, already used or expired", field="setup_code",
                           slug="setup-code-invalid")
    version = await account_store.set_password(conn, username=username, password_hash=await hash_password(new_password))
    await audit.record(conn, schema=SCHEMA, actor=Principal(subject=username, role=account["role"],
                                                            province=account["province_code"]),
                       action="account.password_setup", target=f"account:{username}", details={})
    return int(version)


# ---------------------------------------------------------------- account security



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
    """Ministry (any account) or an organiser's office (its own staff and units' accounts) disables
    an account (its tokens stop verifying everywhere) or re-enables it."""
    organisers.require_account_office(actor)
    if username == actor.subject and not active:
        raise Conflict("an account cannot disable itself", field="username")
    account = await _managed(conn, actor, username)
    if account["active"] == active:
        row = account
    else:
        row = await account_store.set_active(conn, username=username, active=active, by=actor.subject)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="account.enable" if active else "account.disable",
                           target=f"account:{username}", details={})
    return {k: row[k] for k in ("username", "role", "province_code", "active", "disabled_at", "disabled_by",
                                "token_version")}


async def _managed(conn: asyncpg.Connection, actor: Principal, username: str) -> Any:
    """The account, locked, when ``actor`` manages it: the ministry any, an organiser's office its
    own staff and units' accounts."""
    organisers.require_account_office(actor)
    account = await account_store.by_username(conn, username, lock=True)
    if not actor.is_ministry:
        owner = organisers.account_organiser(account, await organisers.unit_organiser(conn, account["unit_code"])) \
            if account else None
        if account is None or account["role"] not in ("staff", "unit") or owner is None \
                or not organiser_rules.manages(actor, owner):
            raise Forbidden("an organiser's office keeps only its own staff and units' accounts", slug="other-organiser")
    if account is None:
        raise NotFound(f"no account {username}", field="username")
    return account
