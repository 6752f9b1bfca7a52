"""The ranking job's SQL against the reference semantics of domain/ranking.py, on the same data.

Sheets are written through the same use cases the API calls (no HTTP needed: the registry period is
given as the registry would answer), then the job's snapshots are compared with ``rank_cluster``,
``rank_national`` and ``inputs_digest``.
"""
import json
import random
from decimal import Decimal as D

import pytest
import redis as redis_sync
import redis.asyncio as aioredis

from services.nominations.scoring.domain.covenant import validate_covenant
from services.nominations.scoring.domain.ranking import (
    RankingConfig,
)
from services.nominations.scoring.events import RANKING_PUBLISHED
from services.nominations.scoring.service import rankings as service_rankings
from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service.rankings import RankingSettings, debounce_key, recompute, request_recompute
from services.nominations.scoring.store import covenants as covenant_store
from services.nominations.scoring.store import rankings as ranking_store
from services.nominations.settings import NominationsSettings
from shared.db import connect
from tests.nominations.ranking_sql_support import (
    COVENANT_A,
    COVENANT_B,
    DEFAULT,
    YEAR,
    _as,
    _assert_matches_reference,
    _explained,
    _period,
    _reference_units,
    s,
    season,
)


@pytest.fixture
async def conn(database_url):
    conn = await connect(database_url)
    yield conn
    await conn.close()


async def test_sql_ranking_equals_the_reference_with_ties(conn):
    a = await season(conn, "CUM-A", COVENANT_A, {
        "01": s(55, 36, 2),           # 93
        "02": s(54, 37, 2),           # 93 again, same penalty and regular: a shared rank
        "04": s(56, 37),              # 93 without bonus: higher regular wins the tie-break
        "06": s(57, 38, 0, -2),       # 93 with a penalty: behind every 93 without one
        "08": s(50, 30, 5),           # 85 before the cross-check
        "10": s(60, 40, 0),           # 100, cross-checked down to 93: the twin of 04
        "11": s(20.25, 10.5, 0, -10),  # far behind, share 0.2075
        "12": s(57, 38, 0, -2),       # the exact twin of 06
    }, {"10": {"CM": 53}, "08": {"KL": -1.5, "SK": 4}})
    b = await season(conn, "CUM-B", COVENANT_B, {
        "14": {"A1": 35.5, "A2": 24.5, "B1": 3, "P1": 0},   # share 1.05: above the maximum with the bonus
        "15": {"A1": 33, "A2": 22.8, "B1": 0, "P1": 0},     # 55.8 / 60 = 0.93
        "17": {"A1": 30, "A2": 20, "B1": 0, "P1": -5},      # 45 / 60 = 0.75
        "01": {"A1": 33, "A2": 22.8, "B1": 0, "P1": 0},     # also in CUM-A: a unit may sit in two clusters
    })
    result = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert [w["scope"] for w in result["written"]] == ["CUM-A", "CUM-B", "national"]
    await _assert_matches_reference(conn, {"CUM-A": a, "CUM-B": b})
    rows = (await ranking_store.latest(conn, scope="CUM-A", year=YEAR))["rows"]
    assert [(r["province"], r["rank"]) for r in rows][:6] == [
        ("04", 1), ("10", 1), ("01", 3), ("02", 3), ("06", 5), ("12", 5)]
    national = (await ranking_store.latest(conn, scope=ranking_store.NATIONAL, year=YEAR))["rows"]
    assert (national[0]["cluster"], national[0]["province"], national[0]["share"]) == ("CUM-B", "14", 1.05)
    ranks = await ranking_store.latest_ranks(conn, cluster_code="CUM-A", year=YEAR)
    assert ranks["02"] == {"rank": 3, "total": 93, "share": 0.93, "band": "Tốt"} and len(ranks) == 8
    assert await ranking_store.latest_ranks(conn, cluster_code="CUM-Z", year=YEAR) == {}


async def test_sql_ranking_follows_a_configured_tie_break_and_bands(conn):
    config = RankingConfig(tie_break=("higher_bonus", "fewer_penalty"),
                           bands=((D("0.9"), "Hoàn thành xuất sắc"), (D("0.5"), "Hoàn thành"), (D("0"), "Chưa đạt")))
    a = await season(conn, "CUM-A", COVENANT_A, {
        "01": s(55, 36, 2), "02": s(54, 37, 3, -1), "04": s(56, 37), "06": s(20, 10, 0, -10), "08": s(50, 40)})
    await recompute(conn, year=YEAR, cluster=None, config=config)
    await _assert_matches_reference(conn, {"CUM-A": a}, config)
    snapshot = await ranking_store.latest(conn, scope="CUM-A", year=YEAR)
    assert snapshot["config"]["tie_break"] == ["higher_bonus", "fewer_penalty"]
    # Another config is another input: every table is written again.
    result = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert [w["scope"] for w in result["written"]] == ["CUM-A", "national"]
    await _assert_matches_reference(conn, {"CUM-A": a})


@pytest.mark.parametrize("seed", [7, 2024])
async def test_sql_ranking_equals_the_reference_on_random_sheets(conn, seed):
    rng = random.Random(seed)
    clusters = {}
    for n, covenant in enumerate([COVENANT_A, COVENANT_B, COVENANT_A]):
        members = rng.sample([f"{i:02d}" for i in range(1, 97)], rng.randint(6, 12))
        criteria = validate_covenant(covenant)
        # Few distinct values, so ties on the total, the penalty and the share are common.
        def draw(c):
            steps = [(c.max_points * k / 4).quantize(D("0.01")) for k in range(5)]
            value = rng.choice(steps)
            return -value if c.kind.value == "penalty" else value
        sheets = {m: {c.code: draw(c) for c in criteria} for m in members}
        adjusted = {m: {c.code: draw(c)} for m in rng.sample(members, 2) for c in [rng.choice(criteria)]}
        clusters[f"K{n}"] = await season(conn, f"K{n}", covenant, sheets, adjusted)
    await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    await _assert_matches_reference(conn, clusters)


async def test_an_unchanged_recompute_writes_nothing_and_a_change_appends_and_announces(conn):
    a_sheets = {"01": s(55, 36, 2), "02": s(50, 30), "04": s(40, 30, 0, -3)}
    await season(conn, "CUM-A", COVENANT_A, a_sheets)
    await season(conn, "CUM-B", COVENANT_B, {"14": {"A1": 30, "A2": 20, "B1": 1, "P1": 0},
                                            "15": {"A1": 20, "A2": 20, "B1": 0, "P1": 0}})
    first = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert len(first["written"]) == 3
    again = await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    assert again["written"] == [] and again["unchanged"] == ["CUM-A", "CUM-B", "national"]
    assert await conn.fetchval("SELECT count(*) FROM nominations.ranking_snapshots") == 3

    # A cross-check in CUM-A: a new CUM-A table and a new national one; CUM-B stays as it was.
    period = _period("CUM-A", list(a_sheets))
    async with conn.transaction():
        await service_scores.review_sheet(conn, actor=_as("01"), period=period, province="02",
                                          adjustments={"CM": (60, "Bổ sung minh chứng"),
                                                       "CCHC": (38, "Bổ sung minh chứng")})
    changed = await recompute(conn, year=YEAR, cluster="CUM-A", config=DEFAULT)
    assert [w["scope"] for w in changed["written"]] == ["CUM-A", "national"] and changed["unchanged"] == []
    new_a = changed["written"][0]["snapshot_id"]
    latest = await ranking_store.latest(conn, scope="CUM-A", year=YEAR)
    assert latest["id"] == new_a and latest["previous_id"] == first["written"][0]["snapshot_id"]
    assert [r["province"] for r in latest["rows"]] == ["02", "01", "04"]
    events = await conn.fetch("SELECT type, aggregate_id, payload FROM nominations.outbox WHERE type LIKE '%.ranking.%' "
                              "ORDER BY seq")
    assert [e["type"] for e in events] == [RANKING_PUBLISHED] * 3  # CUM-A, CUM-B, then CUM-A again
    assert events[-1]["aggregate_id"] == f"CUM-A/{YEAR}"
    assert events[-1]["payload"] == {"cluster_code": "CUM-A", "cluster_name": "Cụm CUM-A", "year": YEAR,
                                     "snapshot_id": new_a, "lead_code": "01", "members": ["01", "02", "04"]}

    # Inputs that change back to an earlier state still give a new latest snapshot.
    async with conn.transaction():
        await service_scores.review_sheet(conn, actor=_as("01"), period=period, province="02",
                                          adjustments={"CM": (50, "Trả lại điểm tự chấm"),
                                                       "CCHC": (30, "Trả lại điểm tự chấm")})
    back = await recompute(conn, year=YEAR, cluster="CUM-A", config=DEFAULT)
    latest = await ranking_store.latest(conn, scope="CUM-A", year=YEAR)
    assert latest["id"] == back["written"][0]["snapshot_id"] and latest["previous_id"] == new_a
    chain = await conn.fetch("SELECT inputs_digest FROM nominations.ranking_snapshots WHERE scope = 'CUM-A' ORDER BY id")
    assert chain[0]["inputs_digest"] == chain[2]["inputs_digest"] != chain[1]["inputs_digest"]


async def test_only_the_scopes_whose_inputs_changed_are_ranked_and_tabled(conn):
    a_sheets = {"01": s(55, 36, 2), "02": s(50, 30), "04": s(40, 30, 0, -3)}
    a = await season(conn, "CUM-A", COVENANT_A, a_sheets)
    b = await season(conn, "CUM-B", COVENANT_B, {"14": {"A1": 30, "A2": 20, "B1": 1, "P1": 0},
                                                "15": {"A1": 20, "A2": 20, "B1": 0, "P1": 0}})
    assert await _explained(conn, cluster=None) == (5, 3)  # the first run ranks every unit
    await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    # Unchanged: the digests match, so nothing is ranked nor turned into JSON.
    assert await _explained(conn, cluster=None) == (0, 0)
    assert await _explained(conn, cluster="CUM-A") == (0, 0)

    # A cross-check in CUM-A, ranked first by a run for CUM-B: that run writes the national view
    # (it includes CUM-A's units) and leaves CUM-B, unchanged, alone.
    period = _period("CUM-A", list(a_sheets))
    async with conn.transaction():
        await service_scores.review_sheet(conn, actor=_as("01"), period=period, province="02",
                                          adjustments={"CM": (60, "Bổ sung minh chứng")})
    a = _reference_units(COVENANT_A, a_sheets, {"02": {"CM": 60}})
    by_b = await recompute(conn, year=YEAR, cluster="CUM-B", config=DEFAULT)
    assert [w["scope"] for w in by_b["written"]] == ["national"] and by_b["unchanged"] == ["CUM-B"]
    # CUM-A's own run then finds only CUM-A's table out of date: it ranks CUM-A's three units alone.
    assert await _explained(conn, cluster="CUM-A") == (3, 1)
    by_a = await recompute(conn, year=YEAR, cluster="CUM-A", config=DEFAULT)
    assert [w["scope"] for w in by_a["written"]] == ["CUM-A"] and by_a["unchanged"] == ["national"]
    await _assert_matches_reference(conn, {"CUM-A": a, "CUM-B": b})
    events = await conn.fetch("SELECT aggregate_id FROM nominations.outbox WHERE type LIKE '%.ranking.%' ORDER BY seq")
    assert [e["aggregate_id"] for e in events] == [f"CUM-A/{YEAR}", f"CUM-B/{YEAR}", f"CUM-A/{YEAR}"]


async def test_the_job_raises_work_mem_for_its_own_transaction_only(conn):
    await season(conn, "CUM-A", COVENANT_A, {"01": s(55, 36, 2), "02": s(50, 30)})
    before = await conn.fetchval("SHOW work_mem")
    async with conn.transaction():
        await ranking_store.recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
        assert await conn.fetchval("SHOW work_mem") == ranking_store._WORK_MEM
    assert await conn.fetchval("SHOW work_mem") == before != ranking_store._WORK_MEM


async def test_a_score_change_is_debounced_per_cluster_year(database_url, redis_url):
    client = redis_sync.Redis.from_url(redis_url)
    redis = aioredis.from_url(redis_url)
    ranking = RankingSettings(debounce_seconds=30)
    try:
        scheduled = [await request_recompute(redis, broker_url=redis_url, ranking=ranking, cluster="CUM-A", year=YEAR)
                     for _ in range(5)]
        scheduled.append(await request_recompute(redis, broker_url=redis_url, ranking=ranking, cluster="CUM-B",
                                                 year=YEAR))
        assert scheduled == [True, False, False, False, False, True]
        messages = [json.loads(m) for m in client.lrange("rankings", 0, -1)]
        assert [m["headers"]["task"] for m in messages] == ["nominations.recompute_rankings"] * 2
        assert all(m["headers"]["eta"] for m in messages)  # held back for the debounce window
        # The run clears the key before it reads, so the next change schedules again.
        await service_rankings.run_job(year=YEAR, cluster="CUM-A",
                                       settings=NominationsSettings(database_url=database_url, redis_url=redis_url))
        assert not client.exists(debounce_key("CUM-A", YEAR)) and client.exists(debounce_key("CUM-B", YEAR))
        assert await request_recompute(redis, broker_url=redis_url, ranking=ranking, cluster="CUM-A", year=YEAR)
        # A broker that cannot be reached never fails the caller, and leaves no key behind.
        assert not await request_recompute(redis, broker_url="redis://127.0.0.1:1/0", ranking=ranking,
                                           cluster="CUM-C", year=YEAR)
        assert not client.exists(debounce_key("CUM-C", YEAR))
    finally:
        await redis.aclose()
        client.close()


async def test_the_nightly_run_ranks_every_open_year(conn, database_url, redis_url):
    await season(conn, "CUM-A", COVENANT_A, {"01": s(55, 36), "02": s(50, 30)})
    settings = NominationsSettings(database_url=database_url, redis_url=redis_url)
    assert await ranking_store.open_years(conn) == [YEAR]
    first = await service_rankings.run_job(year=None, cluster=None, settings=settings)
    assert [len(run["written"]) for run in first["runs"]] == [2]
    assert (await service_rankings.run_job(year=None, cluster=None, settings=settings))["runs"][0]["written"] == []
    # A locked cluster-year can no longer change: its year is no longer open.
    await conn.execute("UPDATE nominations.cluster_years SET locked_at = now(), locked_by = 'x'")
    assert await ranking_store.open_years(conn) == []


async def test_drafts_and_former_members_are_not_ranked_and_bands_hold_at_their_thresholds(conn):
    # Shares exactly on each default threshold, just below one, and below zero (the penalty exceeds
    # the regular points): the SQL's band lookup must agree with band_for at every edge.
    sheets = {"01": s(60, 35), "02": s(50, 35), "04": s(40, 29.99), "05": s(40, 30), "06": s(0, 5, 0, -10),
              "07": s(60, 40, 5), "08": s(57, 38)}
    a = await season(conn, "CUM-A", COVENANT_A, sheets)
    period = _period("CUM-A", [*sheets, "09", "10"])
    async with conn.transaction():
        # 09 saves but never submits (a draft is not ranked); 10 is a member without a sheet.
        await service_scores.save_sheet(conn, actor=_as("09"), period=period, province="09",
                                        scores=s(60, 40, 5), notes={})
    # 08 leaves the cluster: it keeps its submitted sheet, unranked.
    await covenant_store.refresh_cluster_year(conn, period=_period("CUM-A", [p for p in [*sheets, "09", "10"]
                                                                            if p != "08"]))
    await recompute(conn, year=YEAR, cluster=None, config=DEFAULT)
    ranked = [u for u in a if u.province != "08"]
    await _assert_matches_reference(conn, {"CUM-A": ranked})
    bands = {r["province"]: (r["share"], r["band"])
             for r in (await ranking_store.latest(conn, scope="CUM-A", year=YEAR))["rows"]}
    assert bands == {"07": (1.05, "Xuất sắc"), "01": (0.95, "Xuất sắc"), "02": (0.85, "Tốt"), "05": (0.7, "Khá"),
                     "04": (0.6999, "Trung bình"), "06": (-0.05, "Trung bình")}
