"""The national ranking is per organiser: the ministry's ('*') ranks only the ministry's clusters'
members, a province's ('*UBND-QN') only its own; both equal the reference (domain/ranking.py) on
their own clusters, and a change in one organiser's cluster writes only that organiser's view."""
import pytest

from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service.rankings import recompute
from services.nominations.scoring.store import rankings as ranking_store
from shared.db import connect
from tests.nominations.ranking_sql_support import (
    COVENANT_A,
    COVENANT_B,
    DEFAULT,
    YEAR,
    _as,
    _assert_matches_reference,
    _period,
    s,
    season,
)

QN = "UBND-QN"


@pytest.fixture
async def conn(database_url):
    conn = await connect(database_url)
    yield conn
    await conn.close()


async def test_each_organiser_ranks_only_its_own_clusters(conn):
    a = await season(conn, "CUM-A", COVENANT_A, {"01": s(55, 36, 2), "02": s(40, 30), "04": s(60, 40)})
    # The province's cluster scores higher shares than any of the ministry's: it would lead a shared table.
    k = await season(conn, "QN-KHOI", COVENANT_B, {
        "QN-SNV": {"A1": 35.5, "A2": 24.5, "B1": 3, "P1": 0},
        "QN-STC": {"A1": 30, "A2": 20, "B1": 0, "P1": 0},
        "QN-SYT": {"A1": 20, "A2": 10, "B1": 0, "P1": -5}}, organiser=QN)
    b = await season(conn, "QN-XA", COVENANT_A, {"22001": s(50, 30), "22002": s(58, 39, 5)}, organiser=QN)

    result = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert [w["scope"] for w in result["written"]] == ["CUM-A", "QN-KHOI", "QN-XA", "national", f"national:{QN}"]

    await _assert_matches_reference(conn, {"CUM-A": a})
    await _assert_matches_reference(conn, {"QN-KHOI": k, "QN-XA": b}, national_scope="*" + QN)
    ministry = (await ranking_store.latest(conn, scope=ranking_store.NATIONAL, year=YEAR))["rows"]
    province = (await ranking_store.latest(conn, scope="*" + QN, year=YEAR))["rows"]
    assert {r["cluster"] for r in ministry} == {"CUM-A"} and [r["rank"] for r in ministry] == [1, 2, 3]
    assert {r["cluster"] for r in province} == {"QN-KHOI", "QN-XA"}
    assert (province[0]["province"], province[0]["rank"]) == ("QN-SNV", 1)

    again = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert again["written"] == [] and again["unchanged"] == ["CUM-A", "QN-KHOI", "QN-XA", "national",
                                                           f"national:{QN}"]

    # A cross-check in the province's commune cluster: its table and the province's view, nothing of the ministry's.
    period = _period("QN-XA", ["22001", "22002"], QN)
    async with conn.transaction():
        await service_scores.review_sheet(conn, actor=_as("22001"), period=period, province="22002",
                                          adjustments={"CM": (40, "Đối chiếu minh chứng")})
    changed = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert [w["scope"] for w in changed["written"]] == ["QN-XA", f"national:{QN}"]
    assert ("national" in changed["unchanged"]) and ("CUM-A" in changed["unchanged"])
    # A run asked for the ministry's cluster alone writes nothing: the province's view is up to date.
    assert (await recompute(conn, year=YEAR, cluster="CUM-A", config=DEFAULT))["written"] == []
