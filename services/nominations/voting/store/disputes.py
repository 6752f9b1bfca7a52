"""Paper ballot disputes (migration 030): who disputed the paper ballot entered for it, why, and
the ministry's ruling."""
from __future__ import annotations

import uuid

import asyncpg

_COLUMNS = "round_id, province_code, reason, disputed_by, disputed_at, ruling, ruling_note, ruled_by, ruled_at"


async def paper_participation(conn: asyncpg.Connection, round_id: uuid.UUID, province: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """SELECT document_ref FROM nominations.participation
            WHERE round_id = $1 AND province_code = $2 AND channel = 'paper'""", round_id, province)


async def insert(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, reason: str,
                 by: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.paper_ballot_disputes (round_id, province_code, reason, disputed_by)
            VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}""",
        round_id, province, reason, by)


async def get(conn: asyncpg.Connection, round_id: uuid.UUID, province: str, *,
              lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""SELECT {_COLUMNS} FROM nominations.paper_ballot_disputes WHERE round_id = $1 AND province_code = $2"""
        + (" FOR UPDATE" if lock else ""), round_id, province)


async def rule(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, ruling: str, note: str,
               by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.paper_ballot_disputes SET ruling = $3, ruling_note = $4, ruled_by = $5, ruled_at = now()
             WHERE round_id = $1 AND province_code = $2 RETURNING {_COLUMNS}""",
        round_id, province, ruling, note, by)


async def for_round(conn: asyncpg.Connection, round_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM nominations.paper_ballot_disputes WHERE round_id = $1
             ORDER BY disputed_at, province_code""", round_id)


# ---------------------------------------------------------------- the paper ballot's window (migration 046)

async def record_notice(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, event_id: uuid.UUID) -> None:
    await conn.execute(
        """INSERT INTO nominations.paper_ballot_notices (round_id, province_code, notice_event_id)
           VALUES ($1, $2, $3)""", round_id, province, event_id)


async def confirm(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, by: str) -> asyncpg.Record | None:
    """The member confirms the paper ballot entered for it; None if it had already confirmed."""
    return await conn.fetchrow(
        """UPDATE nominations.paper_ballot_notices SET confirmed_at = now(), confirmed_by = $3
            WHERE round_id = $1 AND province_code = $2 AND confirmed_at IS NULL
        RETURNING round_id, province_code, confirmed_at, confirmed_by""", round_id, province, by)


async def paper_ballots(conn: asyncpg.Connection, round_id: uuid.UUID) -> list[asyncpg.Record]:
    """Each paper ballot of the round with when its notice left the service (the outbox row's
    ``published_at``; ``notice_gone``: the row was purged after its retention, so long ago), the
    member's confirmation and its dispute, if any. A paper ballot older than migration 046 has no
    notice row (``notice_event_id`` null)."""
    return await conn.fetch(
        """SELECT p.province_code, p.document_ref, n.notice_event_id, n.confirmed_at, n.confirmed_by,
                  o.published_at AS notice_sent_at, (n.notice_event_id IS NOT NULL AND o.id IS NULL) AS notice_gone,
                  d.round_id IS NOT NULL AS disputed, d.ruling
             FROM nominations.participation p
             LEFT JOIN nominations.paper_ballot_notices n
                    ON n.round_id = p.round_id AND n.province_code = p.province_code
             LEFT JOIN nominations.outbox o ON o.id = n.notice_event_id
             LEFT JOIN nominations.paper_ballot_disputes d
                    ON d.round_id = p.round_id AND d.province_code = p.province_code
            WHERE p.round_id = $1 AND p.channel = 'paper'
            ORDER BY p.province_code""", round_id)
