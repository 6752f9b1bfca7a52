from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry.domain.provinces import Unit

_COLUMNS = """p.id, p.code, p.name, p.kind, p.valid_from, p.valid_to,
              s.code AS successor_code, s.name AS successor_name, s.valid_from AS successor_valid_from"""
_FROM = "registry.provinces p LEFT JOIN registry.provinces s ON s.id = p.successor_id"
_IN_FORCE = "(p.valid_from IS NULL OR p.valid_from <= $1) AND (p.valid_to IS NULL OR $1 <= p.valid_to)"


def to_unit(row: asyncpg.Record) -> Unit:
    return Unit(id=row["id"], code=row["code"], name=row["name"], valid_from=row["valid_from"],
                valid_to=row["valid_to"])


def public(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "kind": row["kind"],
        "valid_from": row["valid_from"],
        "valid_to": row["valid_to"],
        "successor_code": row["successor_code"],
    }


async def in_force(conn: asyncpg.Connection, *, on: date) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE {_IN_FORCE} ORDER BY p.code", on)


async def by_code(conn: asyncpg.Connection, *, code: str, on: date, lock: bool = False) -> asyncpg.Record | None:
    suffix = " FOR UPDATE OF p" if lock else ""
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM {_FROM} WHERE p.code = $2 AND {_IN_FORCE}{suffix}", on, code)


async def by_codes(conn: asyncpg.Connection, *, codes: list[str], on: date) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE p.code = ANY($2::text[]) AND {_IN_FORCE}", on, codes)
    return {r["code"]: r for r in rows}


async def by_ids(conn: asyncpg.Connection, ids: list[int]) -> dict[int, asyncpg.Record]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE p.id = ANY($1::int[])", ids)
    return {r["id"]: r for r in rows}


async def history(conn: asyncpg.Connection, *, code: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE p.code = $1 ORDER BY p.valid_from NULLS FIRST", code)


async def predecessors(conn: asyncpg.Connection, *, unit_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE p.successor_id = $1 ORDER BY p.code", unit_id)


async def successor_map(conn: asyncpg.Connection) -> dict[int, int]:
    rows = await conn.fetch("SELECT id, successor_id FROM registry.provinces WHERE successor_id IS NOT NULL")
    return {r["id"]: r["successor_id"] for r in rows}


async def close(conn: asyncpg.Connection, *, unit_ids: list[int], valid_to: date) -> None:
    await conn.execute("UPDATE registry.provinces SET valid_to = $2 WHERE id = ANY($1::int[])", unit_ids, valid_to)


async def link_successor(conn: asyncpg.Connection, *, unit_ids: list[int], successor_id: int) -> None:
    await conn.execute("UPDATE registry.provinces SET successor_id = $2 WHERE id = ANY($1::int[])",
                       unit_ids, successor_id)


async def insert(conn: asyncpg.Connection, *, code: str, name: str, kind: str, valid_from: date) -> int:
    return await conn.fetchval(
        """INSERT INTO registry.units (code, name, kind, form, organiser_code, valid_from)
           VALUES ($1, $2, 'province', $3, 'BNV', $4) RETURNING id""",
        code, name, kind, valid_from)


async def code_exists(conn: asyncpg.Connection, code: str) -> bool:
    return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM registry.provinces WHERE code = $1)", code)


# ---------------------------------------------------------------- mergers made through the API

async def record_merger(conn: asyncpg.Connection, *, successor_id: int, effective_date: date,
                        sources: list[dict[str, Any]], by: str) -> int:
    return await conn.fetchval(
        """INSERT INTO registry.mergers (successor_id, effective_date, sources, created_by)
           VALUES ($1, $2, $3, $4) RETURNING id""",
        successor_id, effective_date, sources, by)


async def merger(conn: asyncpg.Connection, *, merger_id: int, lock: bool = False) -> asyncpg.Record | None:
    suffix = " FOR UPDATE" if lock else ""
    return await conn.fetchrow(
        f"SELECT id, successor_id, effective_date, sources FROM registry.mergers WHERE id = $1{suffix}", merger_id)


async def references(conn: asyncpg.Connection, *, unit_id: int) -> int:
    """What refers to a unit: cluster periods it is a member of, units that merged into it later,
    accounts for its code when no other unit ever carried that code."""
    return await conn.fetchval(
        """SELECT (SELECT count(*) FROM registry.period_members WHERE province_id = $1)
                + (SELECT count(*) FROM registry.accounts a JOIN registry.provinces u ON u.id = $1
                    WHERE a.province_code = u.code
                      AND NOT EXISTS (SELECT 1 FROM registry.provinces o WHERE o.code = u.code AND o.id <> u.id))
                + (SELECT count(*) FROM registry.provinces WHERE successor_id = $1
                    AND id NOT IN (SELECT (s ->> 'id')::int FROM registry.mergers m, jsonb_array_elements(m.sources) s
                                    WHERE m.successor_id = $1))""",
        unit_id)


async def unlink_merger(conn: asyncpg.Connection, *, merger_id: int, successor_id: int,
                        sources: list[dict[str, Any]]) -> None:
    """Give the sources back their validity and delete the successor (and the merger's record)."""
    # The successor goes first: a reopened source would overlap it under one code.
    await conn.execute("DELETE FROM registry.mergers WHERE id = $1", merger_id)
    await conn.execute("UPDATE registry.provinces SET successor_id = NULL WHERE successor_id = $1", successor_id)
    await conn.execute("DELETE FROM registry.provinces WHERE id = $1", successor_id)
    for src in sources:
        await conn.execute("UPDATE registry.provinces SET valid_to = $2 WHERE id = $1",
                           src["id"], date.fromisoformat(src["valid_to"]) if src["valid_to"] else None)
