"""SQL for participation (who voted) and ballots (what was voted), kept apart on purpose.

Nothing here ever reads the two tables together: the only thing they share is the round.
"""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg


async def record_participation(conn: asyncpg.Connection, *, round_id: uuid.UUID, province: str, channel: str,
                               document_ref: str | None = None) -> bool:
    """False when the province has already voted (a concurrent first vote is waited for, then seen)."""
    return bool(await conn.fetchval(
        """INSERT INTO nominations.participation (round_id, province_code, channel, document_ref)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true""",
        round_id, province, channel, document_ref))


async def insert_ballot(conn: asyncpg.Connection, *, id: uuid.UUID, round_id: uuid.UUID, choices: list[str],
                        commitment: str) -> None:
    await conn.execute(
        "INSERT INTO nominations.ballots (id, round_id, choices, commitment) VALUES ($1, $2, $3, $4)",
        id, round_id, choices, commitment)


async def shuffle(conn: asyncpg.Connection, round_id: uuid.UUID) -> int:
    """Rewrite the round's ballots in random order with fresh ids, inside the closing transaction.

    Before this, a ballot's system columns (xmin: the transaction that wrote it; ctid: its place on
    disk) match those of the participation row written with it. Afterwards every ballot of the
    round carries the closing transaction's xmin, sits at a random place, and has an id nobody has
    seen, so the surviving rows no longer pair with voters. (The old row versions remain on disk
    until VACUUM removes them: see the service README.)
    """
    return int((await conn.execute(
        """WITH removed AS (DELETE FROM nominations.ballots WHERE round_id = $1 RETURNING round_id, choices, commitment)
           INSERT INTO nominations.ballots (id, round_id, choices, commitment)
           SELECT gen_random_uuid(), round_id, choices, commitment FROM removed ORDER BY random()""",
        round_id)).split()[-1])


async def discard(conn: asyncpg.Connection, round_id: uuid.UUID) -> int:
    """Delete the round's ballots, inside the closing transaction of a vote that missed its quorum
    (while the round is still open: the schema refuses to remove a counted round's ballots).

    Nothing will ever count them and a failed vote publishes none of them, so none is kept: only
    the participation rows (who voted) and the totals in the round's result remain. (The old row
    versions remain on disk until VACUUM removes them: see the service README.)
    """
    return int((await conn.execute("DELETE FROM nominations.ballots WHERE round_id = $1", round_id)).split()[-1])


async def counts(conn: asyncpg.Connection, round_id: uuid.UUID) -> tuple[dict[str, int], int, int]:
    """The round's count, done by the database in one pass over its ballots: (votes per candidate
    named on at least one ballot, ballots cast, blank ballots). ``domain.tally.decide`` takes it from
    here; only the totals leave the database.

    Each ballot joins its choices (``LEFT JOIN``, so a blank ballot stays as one row whose choice is
    NULL: the schema lets no NULL into ``choices``); one aggregate, grouped by choice, over an
    index-only scan (migration 041). A ballot is counted once in ``ballots``, in the group of its
    first choice or in the blank group, so the ballots cast are the sum of that column."""
    rows = await conn.fetch(
        """SELECT u.choice, count(*) AS n, count(*) FILTER (WHERE u.position IS NULL OR u.position = 1) AS ballots
             FROM nominations.ballots b
             LEFT JOIN LATERAL unnest(b.choices) WITH ORDINALITY AS u(choice, position) ON true
            WHERE b.round_id = $1
            GROUP BY u.choice""",
        round_id)
    votes: dict[str, int] = {}
    ballots_cast = blank_ballots = 0
    for r in rows:
        ballots_cast += r["ballots"]
        if r["choice"] is None:
            blank_ballots = r["n"]
        else:
            votes[r["choice"]] = r["n"]
    return votes, ballots_cast, blank_ballots


async def choices(conn: asyncpg.Connection, round_id: uuid.UUID) -> list[list[str]]:
    """Every ballot's choices (the count at the close uses :func:`counts` instead)."""
    rows = await conn.fetch("SELECT choices FROM nominations.ballots WHERE round_id = $1", round_id)
    return [list(r["choices"]) for r in rows]


async def bulletin(conn: asyncpg.Connection, round_id: uuid.UUID) -> list[tuple[str, list[str]]]:
    rows = await conn.fetch(
        "SELECT commitment, choices FROM nominations.ballots WHERE round_id = $1 ORDER BY commitment COLLATE \"C\"",
        round_id)
    return [(r["commitment"], list(r["choices"])) for r in rows]


async def by_commitment(conn: asyncpg.Connection, *, round_id: uuid.UUID, commitment: str) -> list[str] | None:
    found = await conn.fetchval(
        "SELECT choices FROM nominations.ballots WHERE round_id = $1 AND commitment = $2", round_id, commitment)
    return None if found is None else list(found)


async def participants(conn: asyncpg.Connection, round_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT province_code, channel, document_ref FROM nominations.participation
            WHERE round_id = $1 ORDER BY province_code""", round_id)


async def voted_in(conn: asyncpg.Connection, *, round_ids: list[uuid.UUID], province: str) -> set[uuid.UUID]:
    """Which of these rounds ``province`` has voted in (who voted only: never how)."""
    rows = await conn.fetch(
        """SELECT round_id FROM nominations.participation WHERE round_id = ANY($1::uuid[]) AND province_code = $2""",
        round_ids, province)
    return {r["round_id"] for r in rows}


# ---------------------------------------------------------------- sealed idempotency rows

class RoundKeys:
    """A round's sealed Idempotency-Keys (``shared.sealed_idempotency.KeyTable``)."""

    def __init__(self, round_id: uuid.UUID) -> None:
        self.round_id = round_id

    async def claim(self, conn: asyncpg.Connection, *, key_hash: str, request_mac: str) -> bool:
        """Claim a key on the cast transaction; a concurrent claim waits for it to end."""
        return bool(await conn.fetchval(
            """INSERT INTO nominations.ballot_idempotency (key_hash, round_id, request_mac) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true""",
            key_hash, self.round_id, request_mac))

    async def claimed(self, conn: asyncpg.Connection, key_hash: str) -> asyncpg.Record:
        """A key whose claim failed: another transaction claimed and committed it, so its row exists."""
        return await conn.fetchrow(
            "SELECT request_mac, status_code, sealed FROM nominations.ballot_idempotency WHERE key_hash = $1", key_hash)

    async def seal(self, conn: asyncpg.Connection, *, key_hash: str, status_code: int, sealed: bytes) -> None:
        await conn.execute(
            "UPDATE nominations.ballot_idempotency SET status_code = $2, sealed = $3 WHERE key_hash = $1",
            key_hash, status_code, sealed)


# ---------------------------------------------------------------- an online ballot in one statement

async def cast_online(conn: asyncpg.Connection, *, round_id: uuid.UUID, voter: str, choices: list[str] | None,
                      commitment: str, key_hash: str | None, request_mac: str | None, status_code: int,
                      sealed: bytes | None, event_id: uuid.UUID, event_version: int, event_payload: dict[str, Any],
                      actor: str,
                      actor_role: str, audit_details: dict[str, Any], request_id: str | None) -> asyncpg.Record:
    """``nominations.cast_ballot`` (migration 040): checks and writes an online ballot in one
    statement, its own transaction. ``choices`` None: the caller found the ballot invalid (nothing
    is written; the outcome says whether the round would have taken a ballot at all). Raises
    ``asyncpg.UniqueViolationError`` (``participation_pkey``) when the province has already voted."""
    return await conn.fetchrow(
        """SELECT outcome, round_state, round_closes_at, request_mac, status_code, sealed
             FROM nominations.cast_ballot($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""",
        round_id, voter, choices, commitment, key_hash, request_mac, status_code, sealed, event_id, event_version,
        event_payload, actor, actor_role, audit_details, request_id)
