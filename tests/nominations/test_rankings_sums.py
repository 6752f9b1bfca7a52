"""The per-sheet sums the ranking job reads: kept by triggers through every write (concurrent ones
included), and every kind of input change seen by the job, which reads no sheet when nothing changed."""
import asyncio
from decimal import Decimal as D

import pytest

from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service.rankings import recompute
from services.nominations.scoring.store import covenants as covenant_store
from services.nominations.scoring.store import rankings as ranking_store
from shared.db import connect
from tests.nominations.ranking_sql_support import (
    COVENANT_A,
    COVENANT_B,
    DEFAULT,
    MINISTRY,
    YEAR,
    _as,
    _assert_matches_reference,
    _period,
    _plan_nodes,
    _reference_units,
    s,
    season,
)


@pytest.fixture
async def conn(database_url):
    conn = await connect(database_url)
    yield conn
    await conn.close()


async def _sums_differ(conn) -> list:
    """Sheets whose kept sums differ from their score rows' (value and scale, as the digest sees them)."""
    return await conn.fetch(
        """SELECT s.id, t.regular, t.bonus, t.penalty, a.regular AS want_regular
             FROM nominations.score_sheets s
             LEFT JOIN nominations.sheet_sums t ON t.sheet_id = s.id
             LEFT JOIN (SELECT sheet_id,
                               sum(coalesce(checked_points, self_points)) FILTER (WHERE kind = 'regular') AS regular,
                               sum(coalesce(checked_points, self_points)) FILTER (WHERE kind = 'bonus') AS bonus,
                               sum(coalesce(checked_points, self_points)) FILTER (WHERE kind = 'penalty') AS penalty
                          FROM nominations.sheet_scores GROUP BY sheet_id) a ON a.sheet_id = s.id
            WHERE (t.regular::text, t.bonus::text, t.penalty::text)
                  IS DISTINCT FROM (a.regular::text, a.bonus::text, a.penalty::text)""")


async def test_each_sheet_keeps_the_sums_of_its_score_rows_through_every_write(conn):
    sheets = {"01": s(55, 36, 2), "02": s(50, 30), "04": s(40, 30, 0, -3)}
    await season(conn, "CUM-A", COVENANT_A, sheets, {"02": {"CM": 52.5, "KL": -1}})
    assert await _sums_differ(conn) == []
    assert await conn.fetchval("SELECT count(*) FROM nominations.sheet_sums") == 3
    # An amendment reopens every sheet as a copy under the new version (copied score rows), which
    # the members then edit (rows deleted and inserted again) and submit; the old sheets keep theirs.
    amended = [dict(c) for c in COVENANT_A]
    amended[0]["max_points"] = 55
    period = _period("CUM-A", list(sheets))
    async with conn.transaction():
        await service_scores.put_covenant(conn, actor=MINISTRY, period=period, criteria=amended, publish=True,
                                          reason="Điều chỉnh thang điểm")
    assert await _sums_differ(conn) == []
    async with conn.transaction():
        await service_scores.save_sheet(conn, actor=_as("01"), period=period, province="01", scores=s(54, 36, 2),
                                        notes={})
        await service_scores.save_sheet(conn, actor=_as("02"), period=period, province="02", scores={}, notes={})
    assert await _sums_differ(conn) == []
    new = await conn.fetchrow(
        """SELECT t.* FROM nominations.sheet_sums t JOIN nominations.score_sheets s ON s.id = t.sheet_id
            JOIN nominations.covenants c ON c.id = s.covenant_id
           WHERE s.province_code = '01' AND c.version = 2""")
    assert (new["regular"], new["bonus"], new["penalty"]) == (D("90.00"), D("2.00"), D("0.00"))


async def test_concurrent_writes_to_one_sheet_leave_the_sums_of_both(conn, database_url):
    """The last writer to commit recomputes the sums after the first one's commit: neither is lost."""
    await season(conn, "CUM-A", COVENANT_A, {"01": s(55, 36, 2), "02": s(50, 30)})
    sheet_id = await conn.fetchval("SELECT id FROM nominations.score_sheets WHERE province_code = '02'")
    other = await connect(database_url)
    try:
        first = conn.transaction()
        await first.start()
        await conn.execute("UPDATE nominations.sheet_scores SET checked_points = 40 "
                           "WHERE sheet_id = $1 AND criterion_code = 'CM'", sheet_id)
        second = other.transaction()
        await second.start()
        # Another row of the same sheet: the row itself is free, the sheet is not.
        waiting = asyncio.ensure_future(other.execute(
            "UPDATE nominations.sheet_scores SET checked_points = 20 WHERE sheet_id = $1 AND criterion_code = 'CCHC'",
            sheet_id))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await first.commit()
        await waiting
        await second.commit()
    finally:
        await other.close()
    assert await conn.fetchval("SELECT regular FROM nominations.sheet_sums WHERE sheet_id = $1", sheet_id) == D("60.00")
    assert await _sums_differ(conn) == []


async def _sheet_rows_read(conn, *, cluster=None) -> int:
    """How many rows of the sheet tables the job's statement read (EXPLAIN ANALYZE, rolled back)."""
    return sum(n["Actual Rows"] * n["Actual Loops"] + n.get("Rows Removed by Filter", 0)
               for n in await _plan_nodes(conn, cluster=cluster, config=DEFAULT)
               if n.get("Relation Name") in ("score_sheets", "sheet_sums", "sheet_scores"))


async def test_every_kind_of_input_change_is_seen_and_an_unchanged_run_reads_no_sheet(conn):
    sheets = {"01": s(55, 36, 2), "02": s(50, 30), "04": s(40, 30, 0, -3)}
    await season(conn, "CUM-A", COVENANT_A, sheets)
    b_sheets = {"14": {"A1": 30, "A2": 20, "B1": 1, "P1": 0}, "15": {"A1": 20, "A2": 20, "B1": 0, "P1": 0}}
    await season(conn, "CUM-B", COVENANT_B, b_sheets)
    members = [*sheets, "05"]
    period = _period("CUM-A", members)
    await covenant_store.refresh_cluster_year(conn, period=period)  # 05 joins, without a sheet yet

    async def run(cluster=None):
        return [w["scope"] for w in (await recompute(conn, year=YEAR, cluster=cluster, config=DEFAULT))["written"]]

    assert await run() == ["CUM-A", "CUM-B", "national"]
    assert await _sheet_rows_read(conn) == 0 and await run() == []
    # A draft, saved and saved again, is not ranked: nothing to read.
    for points in (s(60, 40, 5), s(59, 40, 5)):
        async with conn.transaction():
            await service_scores.save_sheet(conn, actor=_as("05"), period=period, province="05", scores=points,
                                            notes={})
    assert await _sheet_rows_read(conn) == 0 and await run() == []
    # Submitted, it is.
    async with conn.transaction():
        await service_scores.submit_sheet(conn, actor=_as("05"), period=period, province="05")
    assert await _sheet_rows_read(conn, cluster="CUM-B") > 0  # the national view ranks every unit again
    assert await run() == ["CUM-A", "national"]
    sheets["05"] = s(59, 40, 5)
    await _assert_matches_reference(conn, {"CUM-A": _reference_units(COVENANT_A, sheets),
                                           "CUM-B": _reference_units(COVENANT_B, b_sheets)})
    # A cross-check.
    async with conn.transaction():
        await service_scores.review_sheet(conn, actor=_as("01"), period=period, province="02",
                                          adjustments={"CCHC": (25, "Thiếu minh chứng")})
    assert await run("CUM-A") == ["CUM-A", "national"] and await run() == []
    # A renamed member changes no input: digested again, nothing written, and then nothing read.
    renamed = _period("CUM-A", members)
    renamed["members"][0]["name"] = "Tỉnh 01 (mới)"
    await covenant_store.refresh_cluster_year(conn, period=renamed)
    assert await _sheet_rows_read(conn) > 0 and await run() == []
    assert await _sheet_rows_read(conn) == 0
    # A member leaves: its sheet stays, unranked.
    await covenant_store.refresh_cluster_year(conn, period=_period("CUM-A", ["01", "02", "05"]))
    assert await run() == ["CUM-A", "national"]
    assert [r["province"] for r in (await ranking_store.latest(conn, scope="CUM-A", year=YEAR))["rows"]] == \
        ["05", "01", "02"]
    # An amendment: the reopened sheets of the new version do not count until submitted again.
    async with conn.transaction():
        await service_scores.put_covenant(conn, actor=MINISTRY, period=_period("CUM-A", ["01", "02", "05"]),
                                          criteria=[{**c, "max_points": 55} if c["code"] == "CM" else c
                                                    for c in COVENANT_A], publish=True, reason="Điều chỉnh thang điểm")
    assert await run() == ["CUM-A", "national"]
    latest = await ranking_store.latest(conn, scope="CUM-A", year=YEAR)
    assert latest["covenant_version"] == 2 and latest["rows"] == []
    assert await _sheet_rows_read(conn) == 0 and await run() == []
