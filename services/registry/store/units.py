"""Units of every kind (``registry.units``; the provinces are its rows of kind ``province``)."""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry.domain.provinces import Unit

_COLUMNS = """u.id, u.code, u.name, u.kind, u.form, u.organiser_code, u.province_code, u.valid_from, u.valid_to,
              s.code AS successor_code, s.name AS successor_name, s.valid_from AS successor_valid_from"""
_FROM = "registry.units u LEFT JOIN registry.units s ON s.id = u.successor_id"
_IN_FORCE = "(u.valid_from IS NULL OR u.valid_from <= $1) AND (u.valid_to IS NULL OR $1 <= u.valid_to)"


def to_unit(row: asyncpg.Record) -> Unit:
    return Unit(id=row["id"], code=row["code"], name=row["name"], valid_from=row["valid_from"],
                valid_to=row["valid_to"])


def public(row: asyncpg.Record) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"], "kind": row["kind"], "form": row["form"],
            "organiser": row["organiser_code"], "province_code": row["province_code"],
            "valid_from": row["valid_from"], "valid_to": row["valid_to"], "successor_code": row["successor_code"]}


async def in_force(conn: asyncpg.Connection, *, on: date, organiser: str | None, kind: str | None,
                   after: str | None, limit: int, province: str | None = None) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM {_FROM}
             WHERE {_IN_FORCE} AND ($2::text IS NULL OR u.organiser_code = $2) AND ($3::text IS NULL OR u.kind = $3)
               AND ($4::text IS NULL OR u.code > $4) AND ($6::text IS NULL OR u.province_code = $6)
             ORDER BY u.code LIMIT $5""",
        on, organiser, kind, after, limit, province)


async def by_code(conn: asyncpg.Connection, *, code: str, on: date, lock: bool = False) -> asyncpg.Record | None:
    suffix = " FOR UPDATE OF u" if lock else ""
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.code = $2 AND {_IN_FORCE}{suffix}", on, code)


async def by_codes(conn: asyncpg.Connection, *, codes: list[str], on: date) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.code = ANY($2::text[]) AND {_IN_FORCE}", on, codes)
    return {r["code"]: r for r in rows}


async def by_ids(conn: asyncpg.Connection, ids: list[int]) -> dict[int, asyncpg.Record]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.id = ANY($1::int[])", ids)
    return {r["id"]: r for r in rows}


async def history(conn: asyncpg.Connection, *, code: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.code = $1 ORDER BY u.valid_from NULLS FIRST", code)


async def latest(conn: asyncpg.Connection, *, code: str) -> asyncpg.Record | None:
    """The last unit that carried ``code`` (the one in force, or the one that ended last)."""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.code = $1 ORDER BY u.valid_from DESC NULLS LAST LIMIT 1", code)


async def predecessors(conn: asyncpg.Connection, *, unit_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.successor_id = $1 ORDER BY u.code", unit_id)


async def successor_map(conn: asyncpg.Connection) -> dict[int, int]:
    rows = await conn.fetch("SELECT id, successor_id FROM registry.units WHERE successor_id IS NOT NULL")
    return {r["id"]: r["successor_id"] for r in rows}


async def insert(conn: asyncpg.Connection, *, code: str, name: str, kind: str, form: str | None, organiser: str,
                 province_code: str | None, valid_from: date | None, valid_to: date | None = None,
                 successor_id: int | None = None) -> int:
    return await conn.fetchval(
        """INSERT INTO registry.units (code, name, kind, form, organiser_code, province_code, valid_from, valid_to,
                                      successor_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        code, name, kind, form, organiser, province_code, valid_from, valid_to, successor_id)


async def rename(conn: asyncpg.Connection, *, unit_id: int, name: str) -> None:
    await conn.execute("UPDATE registry.units SET name = $2 WHERE id = $1", unit_id, name)


async def close(conn: asyncpg.Connection, *, unit_ids: list[int], valid_to: date, successor_id: int | None) -> None:
    await conn.execute("UPDATE registry.units SET valid_to = $2, successor_id = $3 WHERE id = ANY($1::int[])",
                       unit_ids, valid_to, successor_id)


async def record_change(conn: asyncpg.Connection, *, unit_id: int, kind: str, effective_date: date | None,
                        details: dict[str, Any], reason: str | None, by: str) -> None:
    await conn.execute(
        """INSERT INTO registry.unit_changes (unit_id, kind, effective_date, details, reason, changed_by)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        unit_id, kind, effective_date, details, reason, by)


async def changes(conn: asyncpg.Connection, *, code: str) -> list[asyncpg.Record]:
    """What happened to every unit that carried ``code``, oldest first."""
    return await conn.fetch(
        """SELECT c.kind, c.effective_date, c.details, c.reason, c.changed_by, c.changed_at
             FROM registry.unit_changes c JOIN registry.units u ON u.id = c.unit_id
            WHERE u.code = $1 ORDER BY c.id""", code)


async def organiser_of_code(conn: asyncpg.Connection, code: str) -> str | None:
    """The organiser of the last unit that carried ``code`` (units never change organiser)."""
    return await conn.fetchval(
        "SELECT organiser_code FROM registry.units WHERE code = $1 ORDER BY valid_from DESC NULLS LAST LIMIT 1", code)
