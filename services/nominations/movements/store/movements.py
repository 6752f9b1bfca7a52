"""A movement, its phases, its units in scope and its extended deadlines."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

COLUMNS = ("id, name, kind, organiser_code, organiser_name, starts_on, ends_on, registration_deadline, criteria, "
           "titles, description, document_number, document_date, document_signer, state, created_by, created_at, "
           "launched_at, updated_at, registration_reminded_for")


async def insert(conn: asyncpg.Connection, *, values: dict[str, Any], created_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.movements (name, kind, organiser_code, organiser_name, starts_on, ends_on,
                registration_deadline, criteria, titles, description, document_number, document_date,
                document_signer, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {COLUMNS}""",
        values["name"], values["kind"], values["organiser_code"], values["organiser_name"], values["starts_on"],
        values["ends_on"], values["registration_deadline"], values["criteria"], values["titles"],
        values["description"], values["document_number"], values["document_date"], values["document_signer"],
        created_by)


async def update(conn: asyncpg.Connection, movement_id: uuid.UUID, *, values: dict[str, Any]) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.movements SET name = $2, kind = $3, organiser_name = $4, starts_on = $5,
                   ends_on = $6, registration_deadline = $7, criteria = $8, titles = $9, description = $10,
                   document_number = $11, document_date = $12, document_signer = $13, updated_at = now()
             WHERE id = $1 RETURNING {COLUMNS}""",
        movement_id, values["name"], values["kind"], values["organiser_name"], values["starts_on"],
        values["ends_on"], values["registration_deadline"], values["criteria"], values["titles"],
        values["description"], values["document_number"], values["document_date"], values["document_signer"])


async def get(conn: asyncpg.Connection, movement_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.movements WHERE id = $1"
                               + (" FOR UPDATE" if lock else ""), movement_id)


async def set_state(conn: asyncpg.Connection, movement_id: uuid.UUID, state: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.movements SET state = $2, updated_at = now(),
                   launched_at = CASE WHEN $2 = 'launched' THEN now() ELSE launched_at END
             WHERE id = $1 RETURNING {COLUMNS}""", movement_id, state)


async def set_document(conn: asyncpg.Connection, movement_id: uuid.UUID, *, number: str, on: date,
                       signer: str) -> None:
    await conn.execute("UPDATE nominations.movements SET document_number = $2, document_date = $3, "
                       "document_signer = $4, updated_at = now() WHERE id = $1", movement_id, number, on, signer)


async def listing(conn: asyncpg.Connection, *, organisers: str | None, all_organisers: bool, staff_of: str | None,
                  state: str | None, organiser: str | None, after: tuple[Any, uuid.UUID] | None,
                  limit: int) -> list[asyncpg.Record]:
    """Newest first. Drafts only of the organisers the caller staffs (``all_organisers``, the codes
    ending in ``-<organisers>``, or ``staff_of``); launched ones for everybody."""
    return await conn.fetch(
        f"""SELECT {COLUMNS} FROM nominations.movements
             WHERE (state <> 'draft' OR $1 OR ($2::text IS NOT NULL AND organiser_code LIKE '%-' || $2)
                    OR organiser_code = $8)
               AND ($3::text IS NULL OR state = $3) AND ($4::text IS NULL OR organiser_code = $4)
               AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6))
             ORDER BY created_at DESC, id DESC LIMIT $7""",
        all_organisers, organisers, state, organiser, after[0] if after else None, after[1] if after else None,
        limit, staff_of)


# ---------------------------------------------------------------- phases

PHASE_COLUMNS = "number, name, starts_on, ends_on, report_deadline, state, review_summary, reviewed_at, reviewed_by"


async def replace_phases(conn: asyncpg.Connection, movement_id: uuid.UUID, phases: list[dict[str, Any]]) -> None:
    await conn.execute("DELETE FROM nominations.movement_phases WHERE movement_id = $1", movement_id)
    await conn.executemany(
        """INSERT INTO nominations.movement_phases (movement_id, number, name, starts_on, ends_on, report_deadline)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        [(movement_id, p["number"], p["name"], p["starts_on"], p["ends_on"], p["report_deadline"]) for p in phases])


async def phases(conn: asyncpg.Connection, movement_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {PHASE_COLUMNS} FROM nominations.movement_phases WHERE movement_id = $1 "
                            "ORDER BY number", movement_id)


async def set_phase_state(conn: asyncpg.Connection, movement_id: uuid.UUID, number: int, state: str, *,
                          summary: str | None = None, by: str | None = None) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.movement_phases SET state = $3,
                   review_summary = coalesce($4, review_summary), reviewed_by = coalesce($5, reviewed_by),
                   reviewed_at = CASE WHEN $3 = 'reviewed' THEN now() ELSE reviewed_at END
             WHERE movement_id = $1 AND number = $2 RETURNING {PHASE_COLUMNS}""",
        movement_id, number, state, summary, by)


async def due_phase_moves(conn: asyncpg.Connection, today: date) -> list[asyncpg.Record]:
    """Phases of launched movements whose start came or whose end passed and still wait for it."""
    return await conn.fetch(
        """SELECT p.movement_id, p.number, p.state, p.starts_on, p.ends_on
             FROM nominations.movement_phases p JOIN nominations.movements m ON m.id = p.movement_id
            WHERE m.state = 'launched' AND ((p.state = 'planned' AND p.starts_on <= $1)
                                            OR (p.state = 'open' AND p.ends_on < $1))
            ORDER BY p.movement_id, p.number""", today)


# ---------------------------------------------------------------- units in scope

UNIT_COLUMNS = "unit_code, unit_name, unit_kind, parent_code"


async def replace_units(conn: asyncpg.Connection, movement_id: uuid.UUID, units: list[dict[str, Any]]) -> None:
    await conn.execute("DELETE FROM nominations.movement_units WHERE movement_id = $1", movement_id)
    await conn.copy_records_to_table(
        "movement_units", schema_name="nominations",
        columns=["movement_id", "unit_code", "unit_name", "unit_kind", "parent_code"],
        records=[(movement_id, u["code"], u["name"], u["kind"], u.get("parent_code")) for u in units])


async def units(conn: asyncpg.Connection, movement_id: uuid.UUID, *, parent: str | None = None) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {UNIT_COLUMNS} FROM nominations.movement_units
             WHERE movement_id = $1 AND ($2::text IS NULL OR unit_code = $2 OR parent_code = $2)
             ORDER BY unit_code""", movement_id, parent)


async def unit(conn: asyncpg.Connection, movement_id: uuid.UUID, unit_code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {UNIT_COLUMNS} FROM nominations.movement_units "
                               "WHERE movement_id = $1 AND unit_code = $2", movement_id, unit_code)


async def unit_count(conn: asyncpg.Connection, movement_id: uuid.UUID) -> int:
    return await conn.fetchval("SELECT count(*) FROM nominations.movement_units WHERE movement_id = $1", movement_id)


async def unit_provinces(conn: asyncpg.Connection, movement_id: uuid.UUID,
                         codes: list[str] | None = None) -> list[str]:
    """The province accounts concerned by these units (all in scope when ``codes`` is None)."""
    rows = await conn.fetch(
        """SELECT DISTINCT CASE WHEN unit_code ~ '^[0-9]{2}$' THEN unit_code ELSE parent_code END AS province
             FROM nominations.movement_units
            WHERE movement_id = $1 AND ($2::text[] IS NULL OR unit_code = ANY($2))""", movement_id, codes)
    return sorted(r["province"] for r in rows if r["province"] and r["province"].isdigit()
                  and len(r["province"]) == 2)


# ---------------------------------------------------------------- extended deadlines

async def extend(conn: asyncpg.Connection, movement_id: uuid.UUID, *, window: str, until: date, reason: str,
                 by: str) -> None:
    await conn.execute(
        """INSERT INTO nominations.movement_extensions (movement_id, window_name, until, reason, extended_by)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (movement_id, window_name) DO UPDATE
              SET until = EXCLUDED.until, reason = EXCLUDED.reason, extended_by = EXCLUDED.extended_by,
                  extended_at = now()""", movement_id, window, until, reason, by)


async def extensions(conn: asyncpg.Connection, movement_id: uuid.UUID) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch("SELECT window_name, until, reason, extended_by, extended_at "
                            "FROM nominations.movement_extensions WHERE movement_id = $1", movement_id)
    return {r["window_name"]: r for r in rows}


async def due_reminders(conn: asyncpg.Connection, today: date, days: int) -> list[asyncpg.Record]:
    """Launched movements whose registration deadline (or its extension) falls within ``days``."""
    return await conn.fetch(
        f"""SELECT {COLUMNS}, coalesce(e.until, m.registration_deadline) AS deadline
              FROM nominations.movements m
              LEFT JOIN nominations.movement_extensions e
                     ON e.movement_id = m.id AND e.window_name = 'registration'
             WHERE m.state = 'launched'
               AND coalesce(e.until, m.registration_deadline) BETWEEN $1 AND $1 + $2::int
               AND m.registration_reminded_for IS DISTINCT FROM coalesce(e.until, m.registration_deadline)""",
        today, days)


async def mark_reminded(conn: asyncpg.Connection, movement_id: uuid.UUID, deadline: date) -> None:
    await conn.execute("UPDATE nominations.movements SET registration_reminded_for = $2 WHERE id = $1",
                       movement_id, deadline)
