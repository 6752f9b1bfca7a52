"""Who voted (council_voters) and what was voted (council_ballots), kept apart on purpose: nothing
here reads the two tables together; they share only the session."""
from __future__ import annotations

import uuid

import asyncpg


async def record_voter(conn: asyncpg.Connection, *, session_id: uuid.UUID, member_id: uuid.UUID, channel: str,
                       document_ref: str | None = None) -> bool:
    """False when the member has voted already (one ballot per member per session: the primary key)."""
    return bool(await conn.fetchval(
        """INSERT INTO nominations.council_voters (session_id, member_id, channel, document_ref)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""",
        session_id, member_id, channel, document_ref))


async def insert_ballot(conn: asyncpg.Connection, *, session_id: uuid.UUID, approve: list[str],
                        commitment: str) -> None:
    await conn.execute(
        "INSERT INTO nominations.council_ballots (id, session_id, approve, commitment) "
        "VALUES (gen_random_uuid(), $1, $2, $3)", session_id, approve, commitment)


async def voters(conn: asyncpg.Connection, session_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT member_id, channel, document_ref FROM nominations.council_voters "
                            "WHERE session_id = $1", session_id)


async def shuffle(conn: asyncpg.Connection, session_id: uuid.UUID) -> int:
    """Rewrite the session's ballots in random order with fresh ids, in the closing transaction, so
    their system columns (xmin, ctid) no longer pair them with the voters' rows."""
    return int((await conn.execute(
        """WITH removed AS (DELETE FROM nominations.council_ballots WHERE session_id = $1
                            RETURNING session_id, approve, commitment)
           INSERT INTO nominations.council_ballots (id, session_id, approve, commitment)
           SELECT gen_random_uuid(), session_id, approve, commitment FROM removed ORDER BY random()""",
        session_id)).split()[-1])


async def counts(conn: asyncpg.Connection, session_id: uuid.UUID) -> tuple[dict[str, int], int]:
    """(ballots agreeing with each nominee named on at least one, ballots counted): only totals leave."""
    rows = await conn.fetch(
        """SELECT a.nominee, count(*) AS n FROM nominations.council_ballots b, unnest(b.approve) AS a(nominee)
            WHERE b.session_id = $1 GROUP BY a.nominee""", session_id)
    total = await conn.fetchval("SELECT count(*) FROM nominations.council_ballots WHERE session_id = $1", session_id)
    return {r["nominee"]: r["n"] for r in rows}, int(total)


async def bulletin(conn: asyncpg.Connection, session_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT commitment, approve FROM nominations.council_ballots WHERE session_id = $1 "
        "ORDER BY commitment COLLATE \"C\"", session_id)


# ---------------------------------------------------------------- sealed idempotency rows

class SessionKeys:
    """A council session's sealed Idempotency-Keys (``shared.sealed_idempotency.KeyTable``)."""

    def __init__(self, session_id: uuid.UUID) -> None:
        self.session_id = session_id

    async def claim(self, conn: asyncpg.Connection, *, key_hash: str, request_mac: str) -> bool:
        return bool(await conn.fetchval(
            """INSERT INTO nominations.council_ballot_idempotency (key_hash, session_id, request_mac)
               VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true""", key_hash, self.session_id, request_mac))

    async def claimed(self, conn: asyncpg.Connection, key_hash: str) -> asyncpg.Record:
        return await conn.fetchrow("SELECT request_mac, status_code, sealed FROM nominations.council_ballot_idempotency "
                                   "WHERE key_hash = $1", key_hash)

    async def seal(self, conn: asyncpg.Connection, *, key_hash: str, status_code: int, sealed: bytes) -> None:
        await conn.execute("UPDATE nominations.council_ballot_idempotency SET status_code = $2, sealed = $3 "
                           "WHERE key_hash = $1", key_hash, status_code, sealed)
