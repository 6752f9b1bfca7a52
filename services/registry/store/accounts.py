from __future__ import annotations

from typing import Any

import asyncpg

PUBLIC = ("id, username, role, province_code, organiser_code, unit_code, display_name, position, active, disabled_at,"
          " created_at, last_signed_in_at, password_hash IS NOT NULL AS has_password")


async def insert(conn: asyncpg.Connection, *, username: str, password_hash: str | None, role: str,
                 province_code: str | None, display_name: str | None, organiser_code: str | None = None,
                 unit_code: str | None = None, position: str | None = None) -> asyncpg.Record:
    """A new account; without a password hash it waits for its one-time code (set_setup_code)."""
    return await conn.fetchrow(
        """INSERT INTO registry.accounts (username, password_hash, role, province_code, display_name, organiser_code,
                                          unit_code, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING """ + PUBLIC,
        username, password_hash, role, province_code, display_name, organiser_code, unit_code, position)


async def upsert(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
                 province_code: str | None, display_name: str | None) -> None:
    await conn.execute(
        """INSERT INTO registry.accounts (username, password_hash, role, province_code, display_name)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
                  province_code = EXCLUDED.province_code, display_name = EXCLUDED.display_name, active = true""",
        username, password_hash, role, province_code, display_name)


async def insert_if_missing(conn: asyncpg.Connection, *, username: str, password_hash: str, role: str,
                            province_code: str | None, demo: bool, organiser_code: str | None = None,
                            unit_code: str | None = None) -> bool:
    """The demo seed's insert: an account that already exists keeps its password and role."""
    return bool(await conn.fetchval(
        """INSERT INTO registry.accounts (username, password_hash, role, province_code, demo, organiser_code, unit_code)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING true""",
        username, password_hash, role, province_code, demo, organiser_code, unit_code))


async def by_username(conn: asyncpg.Connection, username: str, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT id, username, password_hash, role, province_code, organiser_code, unit_code, display_name, active,
                  token_version, position, last_signed_in_at, password_hash IS NOT NULL AS has_password,
                  setup_code_hash, setup_code_expires_at,
                  disabled_at, disabled_by, demo, created_at
             FROM registry.accounts WHERE username = $1""" + (" FOR UPDATE" if lock else ""), username)


async def set_password(conn: asyncpg.Connection, *, username: str, password_hash: str) -> int:
    """Store a new hash; tokens issued before it stop verifying (the version moves on)."""
    return await conn.fetchval(
        """UPDATE registry.accounts SET password_hash = $2, password_changed_at = now(),
                  token_version = token_version + 1, setup_code_hash = NULL, setup_code_expires_at = NULL
            WHERE username = $1 RETURNING token_version""", username, password_hash)


async def set_setup_code(conn: asyncpg.Connection, *, username: str, code_hash: str, ttl_seconds: int,
                         clear_password: bool) -> asyncpg.Record:
    """A new one-time code (the previous one stops working); a reset also drops the password and
    moves the token version on (every session of the account ends)."""
    return await conn.fetchrow(
        """UPDATE registry.accounts
              SET setup_code_hash = $2, setup_code_expires_at = now() + make_interval(secs => $3),
                  password_hash = CASE WHEN $4 THEN NULL ELSE password_hash END,
                  token_version = token_version + CASE WHEN $4 THEN 1 ELSE 0 END
            WHERE username = $1
        RETURNING username, setup_code_expires_at, token_version""", username, code_hash, ttl_seconds, clear_password)


async def set_profile(conn: asyncpg.Connection, *, username: str, display_name: str | None,
                      position: str | None) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "UPDATE registry.accounts SET display_name = $2, position = $3 WHERE username = $1 RETURNING " + PUBLIC,
        username, display_name, position)


async def signed_in(conn: asyncpg.Connection, *, account_id: int) -> None:
    await conn.execute("UPDATE registry.accounts SET last_signed_in_at = now() WHERE id = $1", account_id)


async def set_active(conn: asyncpg.Connection, *, username: str, active: bool, by: str) -> asyncpg.Record:
    """Disable (every token stops verifying: the version moves on) or enable again."""
    return await conn.fetchrow(
        """UPDATE registry.accounts
              SET active = $2,
                  disabled_at = CASE WHEN $2 THEN NULL ELSE now() END,
                  disabled_by = CASE WHEN $2 THEN NULL ELSE $3 END,
                  token_version = token_version + CASE WHEN $2 THEN 0 ELSE 1 END
            WHERE username = $1
        RETURNING id, username, role, province_code, organiser_code, unit_code, display_name, active, token_version,
                  disabled_at, disabled_by, created_at""", username, active, by)


async def token_floors(conn: asyncpg.Connection) -> dict[str, int]:
    """subject → lowest valid token version, for every account whose version ever moved."""
    rows = await conn.fetch("SELECT username, token_version FROM registry.accounts WHERE token_version > 0")
    return {r["username"]: r["token_version"] for r in rows}


async def demo_candidates(conn: asyncpg.Connection, usernames: list[str]) -> list[asyncpg.Record]:
    """Active accounts the demo seed made, or that carry a demo seed's name."""
    return await conn.fetch(
        """SELECT username, password_hash, demo FROM registry.accounts
            WHERE active AND (demo OR username = ANY($1::text[]))""", usernames)


async def page(conn: asyncpg.Connection, *, role: str | None, province: str | None, after: str | None,
               limit: int, organiser: str | None = None) -> list[asyncpg.Record]:
    """Accounts by username; with ``organiser``, its staff and its units' accounts (for the ministry,
    BNV, also the ministry and province accounts)."""
    return await conn.fetch(
        """SELECT a.id, a.username, a.role, a.province_code, a.organiser_code, a.unit_code, a.display_name, a.active,
                  a.disabled_at, a.created_at, a.position, a.last_signed_in_at,
                  a.password_hash IS NOT NULL AS has_password
             FROM registry.accounts a
            WHERE ($1::text IS NULL OR a.role = $1) AND ($2::text IS NULL OR a.province_code = $2)
              AND ($3::text IS NULL OR a.username > $3)
              AND ($5::text IS NULL OR a.organiser_code = $5
                   OR ($5 = 'BNV' AND a.role IN ('ministry', 'province'))
                   OR EXISTS (SELECT 1 FROM registry.units u WHERE u.code = a.unit_code AND u.organiser_code = $5))
            ORDER BY a.username LIMIT $4""",
        role, province, after, limit, organiser)


def public(row: asyncpg.Record) -> dict[str, Any]:
    """An account as the API shows it: never the password hash."""
    return {"id": row["id"], "username": row["username"], "role": row["role"], "province_code": row["province_code"],
            "organiser": row["organiser_code"], "unit_code": row["unit_code"], "display_name": row["display_name"],
            "position": row["position"], "active": row["active"], "has_password": row["has_password"],
            "last_signed_in_at": row["last_signed_in_at"], "disabled_at": row["disabled_at"],
            "created_at": row["created_at"]}
