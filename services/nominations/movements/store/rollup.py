"""The roll-up of a movement: registered vs expected by parent level and unit, models by field and
state, models and reports by phase. Each a single GROUP BY over the movement's rows."""
from __future__ import annotations

import uuid

import asyncpg

BY_PARENT = """
SELECT coalesce(u.parent_code, u.unit_code) AS parent_code, count(*) AS expected,
       count(r.unit_code) AS registered, coalesce(sum(mc.models), 0)::bigint AS models,
       coalesce(sum(mc.recognised), 0)::bigint AS recognised
  FROM nominations.movement_units u
  LEFT JOIN nominations.movement_registrations r
         ON r.movement_id = u.movement_id AND r.unit_code = u.unit_code AND r.state = 'registered'
  LEFT JOIN (SELECT unit_code, count(*) AS models, count(*) FILTER (WHERE state = 'recognised') AS recognised
               FROM nominations.movement_models WHERE movement_id = $1 GROUP BY unit_code) mc
         ON mc.unit_code = u.unit_code
 WHERE u.movement_id = $1
 GROUP BY 1 ORDER BY 1"""

BY_FIELD = """
SELECT field, state, count(*) AS models
  FROM nominations.movement_models WHERE movement_id = $1
 GROUP BY field, state ORDER BY field, state"""

BY_PHASE = """
SELECT p.number, p.name, p.state,
       (SELECT count(*) FROM nominations.movement_models m
         WHERE m.movement_id = p.movement_id AND m.phase_number = p.number) AS models,
       (SELECT count(*) FROM nominations.movement_reports r
         WHERE r.movement_id = p.movement_id AND r.phase_number = p.number) AS reports
  FROM nominations.movement_phases p WHERE p.movement_id = $1
 ORDER BY p.number"""

BY_UNIT = """
SELECT u.unit_code, u.unit_name, u.unit_kind, u.parent_code, r.state AS registration,
       coalesce(jsonb_array_length(r.titles), 0) AS titles,
       coalesce(mc.models, 0) AS models, coalesce(mc.recognised, 0) AS recognised,
       coalesce(rc.reports, 0) AS reports
  FROM nominations.movement_units u
  LEFT JOIN nominations.movement_registrations r ON r.movement_id = u.movement_id AND r.unit_code = u.unit_code
  LEFT JOIN (SELECT unit_code, count(*) AS models, count(*) FILTER (WHERE state = 'recognised') AS recognised
               FROM nominations.movement_models WHERE movement_id = $1 GROUP BY unit_code) mc
         ON mc.unit_code = u.unit_code
  LEFT JOIN (SELECT unit_code, count(*) AS reports FROM nominations.movement_reports
              WHERE movement_id = $1 GROUP BY unit_code) rc
         ON rc.unit_code = u.unit_code
 WHERE u.movement_id = $1 AND ($2::text IS NULL OR u.unit_code = $2 OR u.parent_code = $2)
 ORDER BY u.unit_code"""


async def by_parent(conn: asyncpg.Connection, movement_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(BY_PARENT, movement_id)


# The same, limited to a parent level's own rows (what a unit sees of the roll-up).
BY_FIELD_OF_PARENT = """
SELECT m.field, m.state, count(*) AS models
  FROM nominations.movement_models m JOIN nominations.movement_units u
    ON u.movement_id = m.movement_id AND u.unit_code = m.unit_code
 WHERE m.movement_id = $1 AND (u.unit_code = $2 OR u.parent_code = $2)
 GROUP BY m.field, m.state ORDER BY m.field, m.state"""

BY_PHASE_OF_PARENT = """
SELECT p.number, p.name, p.state,
       (SELECT count(*) FROM nominations.movement_models m JOIN nominations.movement_units u
            ON u.movement_id = m.movement_id AND u.unit_code = m.unit_code
         WHERE m.movement_id = p.movement_id AND m.phase_number = p.number
           AND (u.unit_code = $2 OR u.parent_code = $2)) AS models,
       (SELECT count(*) FROM nominations.movement_reports r JOIN nominations.movement_units u
            ON u.movement_id = r.movement_id AND u.unit_code = r.unit_code
         WHERE r.movement_id = p.movement_id AND r.phase_number = p.number
           AND (u.unit_code = $2 OR u.parent_code = $2)) AS reports
  FROM nominations.movement_phases p WHERE p.movement_id = $1
 ORDER BY p.number"""


async def by_field(conn: asyncpg.Connection, movement_id: uuid.UUID, *, parent: str | None) -> list[asyncpg.Record]:
    if parent is None:
        return await conn.fetch(BY_FIELD, movement_id)
    return await conn.fetch(BY_FIELD_OF_PARENT, movement_id, parent)


async def by_phase(conn: asyncpg.Connection, movement_id: uuid.UUID, *, parent: str | None) -> list[asyncpg.Record]:
    if parent is None:
        return await conn.fetch(BY_PHASE, movement_id)
    return await conn.fetch(BY_PHASE_OF_PARENT, movement_id, parent)


async def by_unit(conn: asyncpg.Connection, movement_id: uuid.UUID, *, parent: str | None) -> list[asyncpg.Record]:
    return await conn.fetch(BY_UNIT, movement_id, parent)
