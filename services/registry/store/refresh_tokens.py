"""Refresh tokens (registry.refresh_tokens): stored as SHA-256 hashes, spent once, revoked by family."""
from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg


async def insert(conn: asyncpg.Connection, *, token_id: uuid.UUID, family_id: uuid.UUID,
                 parent_id: uuid.UUID | None, account_id: int, token_version: int, token_hash: bytes,
                 expires_at: datetime, family_expires_at: datetime) -> None:
    await conn.execute(
        """INSERT INTO registry.refresh_tokens (id, family_id, parent_id, account_id, token_version, token_hash,
                                                expires_at, family_expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        token_id, family_id, parent_id, account_id, token_version, token_hash, expires_at, family_expires_at)


async def spend(conn: asyncpg.Connection, token_hash: bytes) -> asyncpg.Record | None:
    """Mark a live token used, atomically: of two requests racing with one token, one wins."""
    return await conn.fetchrow(
        """UPDATE registry.refresh_tokens SET used_at = now()
            WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING id, family_id, account_id, token_version, family_expires_at""", token_hash)


async def by_hash(conn: asyncpg.Connection, token_hash: bytes) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT id, family_id, account_id, used_at, revoked_at, expires_at
             FROM registry.refresh_tokens WHERE token_hash = $1""", token_hash)


async def revoke_family(conn: asyncpg.Connection, family_id: uuid.UUID) -> int:
    status = await conn.execute(
        "UPDATE registry.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        family_id)
    return int(status.split()[-1])


async def purge_expired(conn: asyncpg.Connection, *, before: datetime) -> int:
    status = await conn.execute("DELETE FROM registry.refresh_tokens WHERE family_expires_at < $1", before)
    return int(status.split()[-1])


async def account_of(conn: asyncpg.Connection, account_id: int) -> asyncpg.Record | None:
    """The account a token was issued to, as the token endpoint needs it."""
    return await conn.fetchrow(
        """SELECT id, username, role, province_code, organiser_code, unit_code, active, token_version
             FROM registry.accounts WHERE id = $1""",
        account_id)
