from __future__ import annotations

from typing import Any

import asyncpg

_COLUMNS = "code, name, kind, province_code, award_level, created_at"


async def all(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM registry.organisers ORDER BY kind <> 'ministry', code")


async def get(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM registry.organisers WHERE code = $1", code)


async def by_province(conn: asyncpg.Connection, province_code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM registry.organisers WHERE province_code = $1", province_code)


async def insert(conn: asyncpg.Connection, *, code: str, name: str, kind: str, province_code: str | None,
                 award_level: str, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO registry.organisers (code, name, kind, province_code, award_level, created_by)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_COLUMNS}""",
        code, name, kind, province_code, award_level, by)


def public(row: asyncpg.Record) -> dict[str, Any]:
    return {k: row[k] for k in ("code", "name", "kind", "province_code", "award_level")}
