"""The national list of communes in the registry: the communes it covers and each load of it."""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

import asyncpg

from services.registry.domain.communes import HeldCommune, ListedCommune


async def held(conn: asyncpg.Connection, *, on: date) -> list[HeldCommune]:
    rows = await conn.fetch(
        """SELECT id, code, name, province_code, national_list FROM registry.units
            WHERE kind = 'commune' AND (valid_from IS NULL OR valid_from <= $1) AND (valid_to IS NULL OR $1 <= valid_to)
            FOR UPDATE""", on)
    return [HeldCommune(id=r["id"], code=r["code"], name=r["name"], province_code=r["province_code"],
                        national_list=r["national_list"]) for r in rows]


async def provinces_in_force(conn: asyncpg.Connection, *, on: date) -> set[str]:
    rows = await conn.fetch(
        """SELECT code FROM registry.units WHERE kind = 'province'
              AND (valid_from IS NULL OR valid_from <= $1) AND (valid_to IS NULL OR $1 <= valid_to)""", on)
    return {r["code"] for r in rows}


async def province_organisers(conn: asyncpg.Connection) -> dict[str, str]:
    """Each province's People's Committee that is an organiser."""
    rows = await conn.fetch("SELECT province_code, code FROM registry.organisers WHERE province_code IS NOT NULL")
    return {r["province_code"]: r["code"] for r in rows}


async def insert_listed(conn: asyncpg.Connection, *, communes: Sequence[ListedCommune], organisers: dict[str, str],
                        valid_from: date, version: str, by: str) -> int:
    """Every new commune of the list, each with its 'created' history row, in two statements."""
    if not communes:
        return 0
    ids = await conn.fetch(
        """INSERT INTO registry.units (code, name, kind, form, organiser_code, province_code, valid_from, national_list)
           SELECT c.code, c.name, 'commune', c.form, c.organiser, c.province, $5, $6
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $7::text[])
                  AS c (code, name, form, province, organiser)
           RETURNING id, name""",
        [c.code for c in communes], [c.name for c in communes], [c.form for c in communes],
        [c.province_code for c in communes], valid_from, version,
        [organisers.get(c.province_code) for c in communes])
    await conn.execute(
        """INSERT INTO registry.unit_changes (unit_id, kind, effective_date, details, changed_by)
           SELECT u.id, 'created', $3, jsonb_build_object('name', u.name, 'national_list', $4::text), $5
             FROM unnest($1::int[], $2::text[]) AS u (id, name)""",
        [r["id"] for r in ids], [r["name"] for r in ids], valid_from, version, by)
    return len(ids)


async def mark_listed(conn: asyncpg.Connection, *, unit_ids: list[int], version: str) -> None:
    if unit_ids:
        await conn.execute("UPDATE registry.units SET national_list = $2 WHERE id = ANY($1::int[])", unit_ids, version)


async def adopt(conn: asyncpg.Connection, *, unit_id: int, form: str) -> None:
    """A commune an office recorded under a code of the list becomes the list's (its form the list's)."""
    await conn.execute("UPDATE registry.units SET form = $2 WHERE id = $1", unit_id, form)


async def record_load(conn: asyncpg.Connection, *, version: str, data_version: str | None, communes: int,
                      provinces: int, created: int, renamed: int, adopted: int, not_listed: int) -> None:
    await conn.execute(
        """INSERT INTO registry.national_list_loads (version, data_version, communes, provinces, created, renamed,
                                                     adopted, not_listed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (version) DO NOTHING""",
        version, data_version, communes, provinces, created, renamed, adopted, not_listed)


async def loads(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch("SELECT * FROM registry.national_list_loads ORDER BY loaded_at")]


async def is_listed(conn: asyncpg.Connection, code: str) -> bool:
    """``code`` is a commune of the national list (any version loaded)."""
    return bool(await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM registry.units WHERE code = $1 AND national_list IS NOT NULL)", code))


async def hand_over(conn: asyncpg.Connection, *, province_code: str, organiser: str) -> int:
    """The province's communes of the list that no organiser holds become ``organiser``'s."""
    result = await conn.execute(
        """UPDATE registry.units SET organiser_code = $2
            WHERE kind = 'commune' AND organiser_code IS NULL AND province_code = $1""", province_code, organiser)
    return int(result.split()[-1])
