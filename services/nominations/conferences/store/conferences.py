"""A conference, its roster (delegates and guests) and their check-ins."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

COLUMNS = ("id, cluster_code, cluster_name, organiser, year, held_on, place, host_code, host_name, chair_name, chair_position, "
           "secretary_name, secretary_position, agenda, members, quorum_numerator, quorum_denominator, state, "
           "created_by, created_at, opened_at, adjourned_at, quorum_reached_at")
ATTENDEE_COLUMNS = ("id, conference_id, kind, unit_code, unit_name, organisation, name, position, votes, added_by, "
                    "added_at, checked_in_at, checked_in_by, check_in_method")


async def insert(conn: asyncpg.Connection, *, values: dict[str, Any], created_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.conferences (cluster_code, cluster_name, year, held_on, place, host_code,
                host_name, chair_name, chair_position, secretary_name, secretary_position, agenda, members,
                quorum_numerator, quorum_denominator, created_by, organiser)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING {COLUMNS}""",
        values["cluster_code"], values["cluster_name"], values["year"], values["held_on"], values["place"],
        values["host_code"], values["host_name"], values["chair_name"], values["chair_position"],
        values["secretary_name"], values["secretary_position"], values["agenda"], values["members"],
        values["quorum_numerator"], values["quorum_denominator"], created_by, values["organiser"])


async def get(conn: asyncpg.Connection, conference_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM nominations.conferences WHERE id = $1"
                               + (" FOR UPDATE" if lock else ""), conference_id)


async def listing(conn: asyncpg.Connection, *, cluster: str | None, year: int | None,
                  after: tuple[datetime, uuid.UUID] | None, limit: int, every_organiser: bool = True,
                  office: str | None = None, unit: str | None = None) -> list[asyncpg.Record]:
    """Newest first. Unless ``every_organiser``: the ministry's clusters' conferences, ``office``'s
    organiser's and those ``unit`` is a member of."""
    return await conn.fetch(
        f"""SELECT {COLUMNS} FROM nominations.conferences
             WHERE ($1::text IS NULL OR cluster_code = $1) AND ($2::int IS NULL OR year = $2)
               AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
               AND ($6 OR organiser = 'BNV' OR organiser = $7
                    OR members @> jsonb_build_array(jsonb_build_object('code', $8::text)))
             ORDER BY created_at DESC, id DESC LIMIT $5""",
        cluster, year, after[0] if after else None, after[1] if after else None, limit, every_organiser, office,
        unit)


async def move(conn: asyncpg.Connection, conference_id: uuid.UUID, *, state: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.conferences
               SET state = $2,
                   opened_at = CASE WHEN $2 = 'in_session' THEN now() ELSE opened_at END,
                   adjourned_at = CASE WHEN $2 = 'adjourned' THEN now() ELSE adjourned_at END
             WHERE id = $1 RETURNING {COLUMNS}""", conference_id, state)


async def mark_quorum_reached(conn: asyncpg.Connection, conference_id: uuid.UUID) -> bool:
    """True the first time only: the quorum's event goes out once."""
    return bool(await conn.fetchval(
        """UPDATE nominations.conferences SET quorum_reached_at = now()
            WHERE id = $1 AND quorum_reached_at IS NULL RETURNING true""", conference_id))


async def add_attendee(conn: asyncpg.Connection, *, conference_id: uuid.UUID, values: dict[str, Any],
                       added_by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.conference_attendees (conference_id, kind, unit_code, unit_name, organisation,
                name, position, votes, added_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {ATTENDEE_COLUMNS}""",
        conference_id, values["kind"], values["unit_code"], values["unit_name"], values["organisation"],
        values["name"], values["position"], values["votes"], added_by)


async def attendee(conn: asyncpg.Connection, conference_id: uuid.UUID, attendee_id: uuid.UUID,
                   *, lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {ATTENDEE_COLUMNS} FROM nominations.conference_attendees WHERE conference_id = $1 AND id = $2"
        + (" FOR UPDATE" if lock else ""), conference_id, attendee_id)


async def attendees(conn: asyncpg.Connection, conference_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {ATTENDEE_COLUMNS} FROM nominations.conference_attendees WHERE conference_id = $1
             ORDER BY kind, unit_code NULLS LAST, added_at, id""", conference_id)


async def check_in(conn: asyncpg.Connection, attendee_id: uuid.UUID, *, by: str, method: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.conference_attendees
               SET checked_in_at = now(), checked_in_by = $2, check_in_method = $3
             WHERE id = $1 RETURNING {ATTENDEE_COLUMNS}""", attendee_id, by, method)


async def voters_checked_in(conn: asyncpg.Connection, conference_id: uuid.UUID) -> list[str]:
    """The units whose voting delegate has checked in."""
    return [r["unit_code"] for r in await conn.fetch(
        """SELECT DISTINCT unit_code FROM nominations.conference_attendees
            WHERE conference_id = $1 AND votes AND checked_in_at IS NOT NULL""", conference_id)]


async def checked_in_count(conn: asyncpg.Connection, conference_id: uuid.UUID) -> int:
    """Everyone checked in: delegates with or without a vote, and guests."""
    return int(await conn.fetchval(
        """SELECT count(*) FROM nominations.conference_attendees
            WHERE conference_id = $1 AND checked_in_at IS NOT NULL""", conference_id))
