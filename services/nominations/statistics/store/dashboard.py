"""The dashboard's reads: awards by year and form, movements, models by field, participation.
Read-only, like ``facts``."""
from __future__ import annotations

import asyncpg


async def awards_by_year(conn: asyncpg.Connection, *, organiser: str | None, first: int,
                         last: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT a.year, a.form_code, min(a.form_name) AS form_name,
                  count(*) FILTER (WHERE a.kind = 'collective') AS collective,
                  count(*) FILTER (WHERE a.kind = 'individual') AS individual, count(*) AS total
             FROM nominations.awards a
            WHERE a.year BETWEEN $1 AND $2 AND ($3::text IS NULL OR a.organiser = $3)
            GROUP BY 1, 2 ORDER BY 1, 2""", first, last, organiser)


async def organisers(conn: asyncpg.Connection) -> list[str]:
    """Every organiser with award forms (the ones whose Government flags a national view adds up)."""
    return [r["organiser"] for r in await conn.fetch(
        "SELECT DISTINCT organiser FROM nominations.award_forms ORDER BY organiser")]


async def movements_of_year(conn: asyncpg.Connection, *, organiser: str | None, year: int) -> list[asyncpg.Record]:
    """Launched movements running at some time in ``year``, each with its units expected and registered
    and its models registered and recognised."""
    return await conn.fetch(
        """SELECT m.id, m.name, m.kind, m.organiser_code, m.starts_on, m.ends_on, m.state,
                  (SELECT count(*) FROM nominations.movement_units u WHERE u.movement_id = m.id) AS expected,
                  (SELECT count(*) FROM nominations.movement_registrations r
                    WHERE r.movement_id = m.id AND r.state = 'registered') AS registered
             FROM nominations.movements m
            WHERE m.state <> 'draft' AND m.starts_on <= make_date($1, 12, 31) AND m.ends_on >= make_date($1, 1, 1)
              AND ($2::text IS NULL OR m.organiser_code = $2)
            ORDER BY m.starts_on, m.id""", year, organiser)


async def models_by_field(conn: asyncpg.Connection, *, movement_ids: list[object]) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT field, count(*) AS registered, count(*) FILTER (WHERE state = 'recognised') AS recognised
             FROM nominations.movement_models WHERE movement_id = ANY($1::uuid[])
            GROUP BY field ORDER BY count(*) DESC, field""", movement_ids)
