"""SQL for vote rounds (``nominations.rounds``). State changes are guarded UPDATEs (``WHERE state =
<expected>``); the table's trigger rejects any other transition even from raw SQL. A transition
returns the row: its caller holds the round locked in the state it checked."""
from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import datetime
from typing import Any

import asyncpg

_COLUMNS = """id, parent_round_id, cluster_code, cluster_name, year, award, seats, max_choices,
              threshold_num, threshold_den, quorum_num, quorum_den, self_vote, candidates, lead_code,
              electorate, unit_names, carried_over, state, closes_at, result, created_by, created_at,
              opened_at, closed_at, certified_at, certified_by, decided_at, decided_by, return_reason,
              threshold_base, threshold_comparison, organiser, kind, post, rotation_order, tie_rule, title,
              denominator, present_at_open, subject"""


async def insert(conn: asyncpg.Connection, *, id: uuid.UUID, parent_round_id: uuid.UUID | None, cluster_code: str,
                 cluster_name: str, year: int, award: str | None, seats: int, max_choices: int, threshold: tuple[int, int],
                 quorum: tuple[int, int], self_vote: bool, candidates: list[str], lead_code: str,
                 unit_names: dict[str, str], closes_at: datetime | None, created_by: str,
                 state: str = "draft", electorate: list[str] | None = None,
                 carried_over: list[str] | None = None, threshold_base: str = "valid_ballots",
                 threshold_comparison: str = "more_than", organiser: str = "BNV",
                 kind: str = "nomination", post: str | None = None, rotation_order: list[str] | None = None,
                 tie_rule: str | None = None, title: str | None = None, denominator: str | None = None,
                 present_at_open: int | None = None, subject: str | None = None) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.rounds
                (id, parent_round_id, cluster_code, cluster_name, year, award, seats, max_choices,
                 threshold_num, threshold_den, quorum_num, quorum_den, self_vote, candidates, lead_code,
                 unit_names, closes_at, created_by, state, electorate, carried_over, opened_at,
                 threshold_base, threshold_comparison, organiser, kind, post, rotation_order, tie_rule, title,
                 denominator, present_at_open, subject)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                    $21, CASE WHEN $19 = 'open' THEN now() END, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31,
                    $32)
            RETURNING {_COLUMNS}""",
        id, parent_round_id, cluster_code, cluster_name, year, award, seats, max_choices,
        threshold[0], threshold[1], quorum[0], quorum[1], self_vote, candidates, lead_code,
        unit_names, closes_at, created_by, state, electorate, carried_over or [], threshold_base,
        threshold_comparison, organiser, kind, post, rotation_order, tie_rule, title, denominator, present_at_open,
        subject)


async def get(conn: asyncpg.Connection, round_id: uuid.UUID, *, lock: str | None = None) -> asyncpg.Record | None:
    """``lock``: ``"share"`` (a ballot: many at once, but never beside a close) or ``"update"`` (a transition)."""
    suffix = {None: "", "share": " FOR SHARE", "update": " FOR UPDATE"}[lock]
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM nominations.rounds WHERE id = $1{suffix}", round_id)


# What a ballot is checked against, none of which changes once the round is open (the electorate is
# fixed at the opening, the rules at the creation): read once per process and round, then from memory.
_FACTS = """id, cluster_code, year, state, electorate, candidates, seats, max_choices, threshold_num, threshold_den,
            quorum_num, quorum_den, self_vote, kind"""
FACTS_CACHED = 4096
_facts: OrderedDict[uuid.UUID, asyncpg.Record] = OrderedDict()


async def ballot_facts(conn: asyncpg.Connection, round_id: uuid.UUID) -> asyncpg.Record | None:
    """The round's rules, electorate, cluster and year (its ``state`` as of the first read: the
    ballot statement checks the state itself). Cached once the round has an electorate."""
    found = _facts.get(round_id)
    if found is not None:
        _facts.move_to_end(round_id)
        return found
    found = await conn.fetchrow(f"SELECT {_FACTS} FROM nominations.rounds WHERE id = $1", round_id)
    if found is not None and found["electorate"] is not None:
        _facts[round_id] = found
        if len(_facts) > FACTS_CACHED:
            _facts.popitem(last=False)
    return found


async def accepting_ballots(conn: asyncpg.Connection, round_id: uuid.UUID) -> bool:
    """Whether the deadline has not passed, by the clock now (not the transaction's start: a ballot
    that waited for a lock past ``closes_at`` is late)."""
    return await conn.fetchval(
        "SELECT closes_at IS NULL OR clock_timestamp() < closes_at FROM nominations.rounds WHERE id = $1", round_id)


async def mark_open(conn: asyncpg.Connection, round_id: uuid.UUID, *, electorate: list[str],
                    unit_names: dict[str, str], present: int | None = None) -> asyncpg.Record:
    """``present``: the member units present at the round's conference now (null without one)."""
    return await conn.fetchrow(
        f"""UPDATE nominations.rounds SET state = 'open', electorate = $2, unit_names = $3, opened_at = now(),
                   present_at_open = $4
             WHERE id = $1 AND state = 'draft' RETURNING {_COLUMNS}""",
        round_id, electorate, unit_names, present)


async def by_ids(conn: asyncpg.Connection, round_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    """These rounds, in the order given."""
    rows = {r["id"]: r for r in await conn.fetch(
        f"SELECT {_COLUMNS} FROM nominations.rounds WHERE id = ANY($1::uuid[])", round_ids)}
    return [rows[i] for i in round_ids if i in rows]


async def elected_post(conn: asyncpg.Connection, *, cluster: str, year: int, post: str) -> asyncpg.Record | None:
    """The certified election round that elected ``post`` of the cluster-year's next year, if any."""
    return await conn.fetchrow(
        f"""SELECT {_COLUMNS} FROM nominations.rounds
             WHERE cluster_code = $1 AND year = $2 AND kind = 'election' AND post = $3 AND state = 'certified'
               AND jsonb_array_length(result -> 'proposed') = 1""", cluster, year, post)


async def mark_closed(conn: asyncpg.Connection, round_id: uuid.UUID, *,
                      result: dict[str, Any]) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.rounds SET state = 'closed', result = $2, closed_at = now()
             WHERE id = $1 AND state = 'open' RETURNING {_COLUMNS}""",
        round_id, result)


async def settle(conn: asyncpg.Connection, round_id: uuid.UUID, *, state: str) -> asyncpg.Record:
    """closed → failed_quorum | runoff_required, in the closing transaction."""
    return await conn.fetchrow(
        f"UPDATE nominations.rounds SET state = $2 WHERE id = $1 AND state = 'closed' RETURNING {_COLUMNS}",
        round_id, state)


async def certify(conn: asyncpg.Connection, round_id: uuid.UUID, *, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.rounds SET state = 'certified', certified_at = now(), certified_by = $2
             WHERE id = $1 AND state = 'closed' RETURNING {_COLUMNS}""",
        round_id, by)


async def decide(conn: asyncpg.Connection, round_id: uuid.UUID, *, state: str, by: str,
                 reason: str | None = None) -> asyncpg.Record:
    """certified → approved | returned."""
    return await conn.fetchrow(
        f"""UPDATE nominations.rounds SET state = $2, decided_at = now(), decided_by = $3, return_reason = $4
             WHERE id = $1 AND state = 'certified' RETURNING {_COLUMNS}""",
        round_id, state, by, reason)


async def approved_units(conn: asyncpg.Connection, *, award: str, year: int) -> int:
    """Units already approved for ``award`` in ``year``, across every cluster."""
    return await conn.fetchval(
        """SELECT coalesce(sum(jsonb_array_length(result -> 'proposed')), 0)::int FROM nominations.rounds
            WHERE award = $1 AND year = $2 AND state = 'approved'""",
        award, year)


async def approved_round(conn: asyncpg.Connection, *, cluster: str, year: int, award: str) -> uuid.UUID | None:
    return await conn.fetchval(
        """SELECT id FROM nominations.rounds WHERE cluster_code = $1 AND year = $2 AND award = $3
              AND state = 'approved'""", cluster, year, award)


async def due(conn: asyncpg.Connection, *, limit: int = 500) -> list[uuid.UUID]:
    """Open rounds whose deadline has passed."""
    rows = await conn.fetch(
        """SELECT id FROM nominations.rounds WHERE state = 'open' AND closes_at <= clock_timestamp()
            ORDER BY closes_at LIMIT $1""", limit)
    return [r["id"] for r in rows]


async def page(conn: asyncpg.Connection, *, cluster: str | None, year: int | None, state: str | None,
               visible_to: str | None, led: list[tuple[str, int]], after: tuple[datetime, uuid.UUID] | None,
               limit: int, organiser: str | None = None, kind: str | None = None) -> list[asyncpg.Record]:
    """Rounds in creation order. ``visible_to``: a province code, keeping the rounds it votes in and
    those of the cluster-years in ``led`` (those it leads now, as the registry says)."""
    return await conn.fetch(
        f"""SELECT {_COLUMNS} FROM nominations.rounds
             WHERE ($1::text IS NULL OR cluster_code = $1)
               AND ($2::int IS NULL OR year = $2)
               AND ($3::text IS NULL OR state = $3)
               AND ($4::text IS NULL OR $4 = ANY (electorate)
                    OR (cluster_code, year) IN (SELECT * FROM unnest($8::text[], $9::int[])))
               AND ($5::timestamptz IS NULL OR (created_at, id) > ($5, $6::uuid))
               AND ($10::text IS NULL OR organiser = $10)
               AND ($11::text IS NULL OR kind = $11)
             ORDER BY created_at, id LIMIT $7""",
        cluster, year, state, visible_to, after[0] if after else None, after[1] if after else None, limit,
        [c for c, _ in led], [y for _, y in led], organiser, kind)


async def lead_candidates(conn: asyncpg.Connection, *, province: str, cluster: str | None,
                          year: int | None) -> list[tuple[str, int]]:
    """The cluster-years with rounds ``province`` sees only if it leads them (it is not in their
    electorate: drafts, mostly) and might lead (it made them, or it is a candidate)."""
    rows = await conn.fetch(
        """SELECT DISTINCT cluster_code, year FROM nominations.rounds
            WHERE (electorate IS NULL OR NOT ($1 = ANY (electorate)))
              AND (lead_code = $1 OR $1 = ANY (candidates))
              AND ($2::text IS NULL OR cluster_code = $2) AND ($3::int IS NULL OR year = $3)""",
        province, cluster, year)
    return [(r["cluster_code"], r["year"]) for r in rows]


async def year_summary(conn: asyncpg.Connection, *, year: int,
                       organiser: str | None = None) -> dict[str, dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT id, parent_round_id, cluster_code, cluster_name, award, state, created_at, decided_at,
                  result -> 'proposed' AS proposed, organiser
             FROM nominations.rounds WHERE year = $1 AND ($2::text IS NULL OR organiser = $2) AND kind = 'nomination'
            ORDER BY cluster_code, created_at, id""", year, organiser)
    summary: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = summary.setdefault(r["cluster_code"], {"cluster_name": r["cluster_name"], "rounds": [],
                                                       "approvals": [], "organiser": r["organiser"]})
        entry["rounds"].append({"id": str(r["id"]), "award": r["award"], "state": r["state"],
                                "parent_round_id": str(r["parent_round_id"]) if r["parent_round_id"] else None})
        if r["state"] == "approved":
            entry["approvals"].append({"round_id": str(r["id"]), "award": r["award"],
                                       "proposed": list(r["proposed"] or []), "approved_at": r["decided_at"]})
    return summary
