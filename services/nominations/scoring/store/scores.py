"""Score sheets, their score rows and the lead's adjustments."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

import asyncpg

_SHEET = """SELECT id, cluster_code, year, covenant_id, province_code, state, notes, previous_sheet_id, created_at,
                   updated_at, updated_by, submitted_at, submitted_by, reviewed_at, reviewed_by
              FROM nominations.score_sheets"""


async def sheet(conn: asyncpg.Connection, *, covenant_id: int, province: str,
                lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_SHEET} WHERE covenant_id = $1 AND province_code = $2 {'FOR UPDATE' if lock else ''}",
                               covenant_id, province)


async def insert_sheet(conn: asyncpg.Connection, *, cluster: str, year: int, covenant_id: int, province: str,
                       by: str) -> asyncpg.Record:
    await conn.execute(
        """INSERT INTO nominations.score_sheets (cluster_code, year, covenant_id, province_code, updated_by)
           VALUES ($1, $2, $3, $4, $5)""", cluster, year, covenant_id, province, by)
    return await sheet(conn, covenant_id=covenant_id, province=province, lock=True)


async def replace_scores(conn: asyncpg.Connection, *, sheet_id: int, covenant_id: int, scores: Mapping[str, Decimal],
                         notes: Mapping[str, str], by: str) -> None:
    """The member's whole self assessment replaces the previous one (the caller's transaction makes it
    all or nothing). kind and max_points are copied from the criterion so the row's CHECK sees them."""
    await conn.execute("DELETE FROM nominations.sheet_scores WHERE sheet_id = $1", sheet_id)
    await conn.execute(
        """INSERT INTO nominations.sheet_scores (sheet_id, covenant_id, criterion_code, kind, max_points, self_points)
           SELECT $1, $2, k.code, k.kind, k.max_points, s.points
             FROM unnest($3::text[], $4::numeric[]) AS s(code, points)
             JOIN nominations.covenant_criteria k ON k.covenant_id = $2 AND k.code = s.code""",
        sheet_id, covenant_id, list(scores), list(scores.values()))
    await conn.execute(
        """UPDATE nominations.score_sheets SET notes = $2, updated_at = now(), updated_by = $3 WHERE id = $1""",
        sheet_id, dict(notes), by)


async def scores(conn: asyncpg.Connection, *, sheet_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT criterion_code, kind, self_points, checked_points FROM nominations.sheet_scores
            WHERE sheet_id = $1""", sheet_id)


async def submit(conn: asyncpg.Connection, *, sheet_id: int, by: str) -> None:
    await conn.execute(
        """UPDATE nominations.score_sheets SET state = 'submitted', submitted_at = now(), submitted_by = $2,
                  updated_at = now(), updated_by = $2
            WHERE id = $1 AND state IN ('draft', 'reopened')""", sheet_id, by)


async def adjust(conn: asyncpg.Connection, *, sheet_id: int, adjustments: Mapping[str, tuple[Decimal, str]], by: str,
                 acting_for: str | None) -> None:
    """Record each adjustment with the value it replaces, then make it the cross-checked value."""
    codes = list(adjustments)
    await conn.execute(
        """INSERT INTO nominations.score_adjustments
                  (sheet_id, criterion_code, points, previous_points, reason, adjusted_by, adjusted_for)
           SELECT $1, a.code, a.points, coalesce(r.checked_points, r.self_points), a.reason, $5, $6
             FROM unnest($2::text[], $3::numeric[], $4::text[]) WITH ORDINALITY AS a(code, points, reason, n)
             JOIN nominations.sheet_scores r ON r.sheet_id = $1 AND r.criterion_code = a.code
            ORDER BY a.n""",
        sheet_id, codes, [p for p, _ in adjustments.values()], [r for _, r in adjustments.values()], by, acting_for)
    await conn.execute(
        """UPDATE nominations.sheet_scores r SET checked_points = a.points
             FROM unnest($2::text[], $3::numeric[]) AS a(code, points)
            WHERE r.sheet_id = $1 AND r.criterion_code = a.code""",
        sheet_id, codes, [p for p, _ in adjustments.values()])
    await conn.execute("UPDATE nominations.score_sheets SET updated_at = now() WHERE id = $1", sheet_id)


async def mark_reviewed(conn: asyncpg.Connection, *, sheet_id: int, by: str) -> None:
    await conn.execute(
        "UPDATE nominations.score_sheets SET reviewed_at = now(), reviewed_by = $2 WHERE id = $1", sheet_id, by)


async def listing(conn: asyncpg.Connection, *, covenant_id: int) -> list[asyncpg.Record]:
    """Every sheet of a covenant version, with how many adjustments it has had."""
    return await conn.fetch(
        """SELECT s.province_code, s.state, s.updated_at, s.submitted_at, s.submitted_by, s.reviewed_at,
                  s.reviewed_by,
                  (SELECT count(*) FROM nominations.score_adjustments a WHERE a.sheet_id = s.id) AS adjustments
             FROM nominations.score_sheets s WHERE s.covenant_id = $1 ORDER BY s.province_code""", covenant_id)


async def adjustments(conn: asyncpg.Connection, *, sheet_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT id, criterion_code, points, previous_points, reason, adjusted_by, adjusted_for, adjusted_at
             FROM nominations.score_adjustments WHERE sheet_id = $1 ORDER BY id""", sheet_id)


async def states(conn: asyncpg.Connection, *, covenant_id: int) -> dict[str, str]:
    rows = await conn.fetch("SELECT province_code, state FROM nominations.score_sheets WHERE covenant_id = $1",
                            covenant_id)
    return {r["province_code"]: r["state"] for r in rows}


async def lock_all(conn: asyncpg.Connection, *, covenant_id: int, provinces: list[str]) -> int:
    """Lock the submitted sheets of ``provinces`` (the period's members): a unit that left keeps its
    sheet as it was."""
    status = await conn.execute(
        """UPDATE nominations.score_sheets SET state = 'locked'
            WHERE covenant_id = $1 AND state = 'submitted' AND province_code = ANY($2::text[])""",
        covenant_id, provinces)
    return int(status.split()[-1])


async def carry_over(conn: asyncpg.Connection, *, old_covenant_id: int, new_covenant_id: int,
                     by: str) -> dict[str, Any]:
    """Give every unit a sheet of the new covenant version, pre-filled with its self scores that still
    fit (same code and kind, within the new bounds) and notes on criteria that still exist. A sheet
    that was submitted comes back ``reopened``: the unit checks it and submits again. The lead's
    adjustments stay on the old sheet (the record); the new version is cross-checked afresh."""
    created = await conn.fetch(
        """INSERT INTO nominations.score_sheets (cluster_code, year, covenant_id, province_code, state, notes,
                                                 previous_sheet_id, updated_by)
           SELECT s.cluster_code, s.year, $2, s.province_code,
                  CASE WHEN s.state = 'draft' THEN 'draft' ELSE 'reopened' END,
                  (SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb) FROM jsonb_each(s.notes) n
                    WHERE EXISTS (SELECT 1 FROM nominations.covenant_criteria k
                                   WHERE k.covenant_id = $2 AND k.code = n.key)),
                  s.id, $3
             FROM nominations.score_sheets s WHERE s.covenant_id = $1
        RETURNING province_code, state""", old_covenant_id, new_covenant_id, by)
    await conn.execute(
        """INSERT INTO nominations.sheet_scores (sheet_id, covenant_id, criterion_code, kind, max_points, self_points)
           SELECT n.id, $1, k.code, k.kind, k.max_points, r.self_points
             FROM nominations.score_sheets n
             JOIN nominations.sheet_scores r ON r.sheet_id = n.previous_sheet_id
             JOIN nominations.covenant_criteria k
               ON k.covenant_id = $1 AND k.code = r.criterion_code AND k.kind = r.kind
            WHERE n.covenant_id = $1
              AND CASE WHEN k.kind = 'penalty' THEN r.self_points BETWEEN -k.max_points AND 0
                       ELSE r.self_points BETWEEN 0 AND k.max_points END""",
        new_covenant_id)
    return {"reopened": sorted(r["province_code"] for r in created if r["state"] == "reopened"),
            "drafts": sorted(r["province_code"] for r in created if r["state"] == "draft")}
