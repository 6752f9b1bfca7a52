"""The award register (sổ khen thưởng): written when a decision is issued, read by anyone."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

PUBLIC = """a.id, a.year, a.form_code, a.form_name, a.kind, a.name, a.position, a.unit, a.province_code,
            a.province_name, a.cluster_code, a.decision_id, a.decision_number, a.decision_date, a.holder_id"""


async def holder(conn: asyncpg.Connection, identity_key: str) -> uuid.UUID:
    return await conn.fetchval(
        """WITH new AS (INSERT INTO nominations.award_holders (identity_key) VALUES ($1)
                        ON CONFLICT (identity_key) DO NOTHING RETURNING id)
           SELECT id FROM new UNION ALL SELECT id FROM nominations.award_holders WHERE identity_key = $1
           LIMIT 1""", identity_key)


async def insert(conn: asyncpg.Connection, rows: list[dict[str, Any]]) -> None:
    await conn.executemany(
        """INSERT INTO nominations.awards (decision_id, nominee_id, holder_id, year, form_code, form_name, kind, name,
                                           name_search, position, unit, province_code, province_name, cluster_code,
                                           decision_number, decision_date, organiser)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)""",
        [(r["decision_id"], r["nominee_id"], r["holder_id"], r["year"], r["form_code"], r["form_name"], r["kind"],
          r["name"], r["name_search"], r["position"], r["unit"], r["province_code"], r["province_name"],
          r["cluster_code"], r["decision_number"], r["decision_date"], r.get("organiser", "BNV")) for r in rows])


async def held(conn: asyncpg.Connection, *, year: int, form_code: str, holder_id: uuid.UUID) -> bool:
    return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM nominations.awards WHERE year = $1 AND form_code = $2 "
                               "AND holder_id = $3)", year, form_code, holder_id)


# With a year asked, the scan in register order starts at that year's first award: the planner
# expects a year's awards spread evenly over the ids and would otherwise walk every earlier year
# (ids grow with the years: 350 ms for a year of a two-million register). Answers are unchanged.
SEARCH = f"""SELECT {PUBLIC} FROM nominations.awards a
     WHERE ($1::text IS NULL OR a.name_search LIKE $1) AND ($2::int IS NULL OR a.year = $2)
       AND ($2::int IS NULL OR a.id >= (SELECT min(y.id) FROM nominations.awards y WHERE y.year = $2))
       AND ($3::text IS NULL OR a.province_code = $3) AND ($4::text IS NULL OR a.form_code = $4)
       AND ($5::text IS NULL OR a.kind = $5) AND ($6::bigint IS NULL OR a.id > $6)
       AND ($8::text IS NULL OR a.organiser = $8) AND ($9::text IS NULL OR a.decision_number = $9)
     ORDER BY a.id LIMIT $7"""


def _pattern(q: str | None) -> str | None:
    return None if not q else "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search(conn: asyncpg.Connection, *, q: str | None, year: int | None, province: str | None,
                 form: str | None, kind: str | None, after: int | None, limit: int,
                 organiser: str | None = None, number: str | None = None) -> list[asyncpg.Record]:
    """``q``: search text (already without diacritics), matched anywhere in the name, the unit
    or the province. Oldest award first (register order)."""
    return await conn.fetch(SEARCH, _pattern(q), year, province, form, kind, after, limit, organiser, number)


async def stream(conn: asyncpg.Connection, *, q: str | None, year: int | None, province: str | None,
                 form: str | None, kind: str | None, limit: int, batch: int = 2000
                 ) -> AsyncIterator[list[asyncpg.Record]]:
    """The same lines as ``search`` (first ``limit``), ``batch`` at a time through a server-side
    cursor: the caller holds one batch, never the whole register. Inside the caller's transaction."""
    cursor = await conn.cursor(SEARCH, _pattern(q), year, province, form, kind, None, limit, None, None)
    while rows := await cursor.fetch(batch):
        yield rows


async def of_holder(conn: asyncpg.Connection, holder_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {PUBLIC} FROM nominations.awards a WHERE a.holder_id = $1 ORDER BY a.year, a.id",
                            holder_id)


async def of_decision(conn: asyncpg.Connection, decision_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {PUBLIC} FROM nominations.awards a WHERE a.decision_id = $1 ORDER BY a.id",
                            decision_id)
