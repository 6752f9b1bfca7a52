"""Refresh tokens: issued with every password sign-in, exchanged (rotated) for a new access token
and a new refresh token, revoked at sign-out.

- A token is 32 random bytes (URL-safe base64); the registry keeps only its SHA-256.
- Each token can be exchanged once. The exchange marks it used and issues its child in the same
  family. Presenting a used token again is a replay (someone kept a copy): the whole family is
  revoked, so the thief and the owner both have to sign in again.
- A token lives ``refresh_token_ttl_seconds`` after it is issued, and no family outlives
  ``refresh_token_max_seconds`` from its sign-in.
"""
from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from services.registry.store import refresh_tokens as token_store
from shared import audit
from shared.auth import Principal

SCHEMA = "registry"


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Outcome(enum.Enum):
    OK = "ok"
    UNKNOWN = "unknown"        # never issued, expired, or revoked
    REPLAYED = "replayed"      # already exchanged: the family is now revoked
    ACCOUNT_GONE = "account"   # the account was disabled, or its password changed since the sign-in


@dataclass(frozen=True)
class Exchange:
    outcome: Outcome
    account: asyncpg.Record | None = None
    refresh_token: str | None = None
    refresh_expires_in: int = 0


async def issue(conn: asyncpg.Connection, *, account_id: int, token_version: int, ttl_seconds: int, max_seconds: int,
                family_id: uuid.UUID | None = None, parent_id: uuid.UUID | None = None,
                family_expires_at: datetime | None = None) -> tuple[str, int]:
    """A new refresh token (the start of a family when ``family_id`` is None); returns it and its
    lifetime in seconds."""
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    token_id = uuid.uuid4()
    if family_id is None:
        family_id, family_expires_at = token_id, now + timedelta(seconds=max_seconds)
        # Each sign-in sweeps the families that ended over a day ago: the table stays small.
        await token_store.purge_expired(conn, before=now - timedelta(days=1))
    assert family_expires_at is not None
    expires_at = min(now + timedelta(seconds=ttl_seconds), family_expires_at)
    await token_store.insert(conn, token_id=token_id, family_id=family_id, parent_id=parent_id,
                             account_id=account_id, token_version=token_version, token_hash=token_hash(token),
                             expires_at=expires_at,
                             family_expires_at=family_expires_at)
    return token, max(1, int((expires_at - now).total_seconds()))


async def exchange(conn: asyncpg.Connection, *, token: str, ttl_seconds: int, max_seconds: int) -> Exchange:
    """Spend ``token`` and issue its successor. Failures are returned, not raised: the caller commits
    a replay's revocation before it answers 401."""
    digest = token_hash(token)
    spent = await token_store.spend(conn, digest)
    if spent is None:
        row = await token_store.by_hash(conn, digest)
        if row is not None and row["used_at"] is not None and row["revoked_at"] is None:
            revoked = await token_store.revoke_family(conn, row["family_id"])
            account = await token_store.account_of(conn, row["account_id"])
            if account is not None:
                await audit.record(conn, schema=SCHEMA, actor=Principal(subject=account["username"],
                                                                        role=account["role"]),
                                   action="refresh_token.replayed", target=f"account:{account['username']}",
                                   details={"family": str(row["family_id"]), "revoked": revoked})
            return Exchange(Outcome.REPLAYED)
        return Exchange(Outcome.UNKNOWN)
    account = await token_store.account_of(conn, spent["account_id"])
    if account is None or not account["active"] or account["token_version"] != spent["token_version"]:
        # Disabled, or its password changed since this sign-in (both bump the token version).
        await token_store.revoke_family(conn, spent["family_id"])
        return Exchange(Outcome.ACCOUNT_GONE)
    new_token, expires_in = await issue(conn, account_id=account["id"], token_version=spent["token_version"],
                                        ttl_seconds=ttl_seconds,
                                        max_seconds=max_seconds, family_id=spent["family_id"],
                                        parent_id=spent["id"], family_expires_at=spent["family_expires_at"])
    return Exchange(Outcome.OK, account=account, refresh_token=new_token, refresh_expires_in=expires_in)


async def revoke(conn: asyncpg.Connection, *, token: str) -> bool:
    """Revoke the family ``token`` belongs to (sign-out). False when the token is unknown."""
    row = await token_store.by_hash(conn, token_hash(token))
    if row is None:
        return False
    await token_store.revoke_family(conn, row["family_id"])
    return True
