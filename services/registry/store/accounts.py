from __future__ import annotations

from typing import Any

import asyncpg


async def insert(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
                 province_code: str | None, display_name: str | None) -> asyncpg.Record:
    return await conn.fetchrow(
        """INSERT INTO registry.accounts (username, password_hash, role, province_code, display_name)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING id, username, role, province_code, display_name, active, created_at""",
        username, password_hash, role, province_code, display_name)


async def upsert(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
                 province_code: str | None, display_name: str | None) -> None:
    await conn.execute(
        """INSERT INTO registry.accounts (username, password_hash, role, province_code, display_name)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
                  province_code = EXCLUDED.province_code, display_name = EXCLUDED.display_name, active = true""",
        username, password_hash, role, province_code, display_name)


async def by_username(conn: asyncpg.Connection, username: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT id, username, password_hash, role, province_code, display_name, active, created_at
             FROM registry.accounts WHERE username = $1""", username)


async def page(conn: asyncpg.Connection, *, role: str | None, province: str | None, after: str | None,
               limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT id, username, role, province_code, display_name, active, created_at FROM registry.accounts
            WHERE ($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR province_code = $2)
              AND ($3::text IS NULL OR username > $3)
            ORDER BY username LIMIT $4""",
        role, province, after, limit)


def public(row: asyncpg.Record) -> dict[str, Any]:
    """An account as the API shows it: never the password hash."""
    return {k: row[k] for k in ("id", "username", "role", "province_code", "display_name", "active", "created_at")}
