"""The ranking job's SQL against the reference semantics of domain/ranking.py, on the same data.

Sheets are written through the same use cases the API calls (no HTTP needed: the registry period is
given as the registry would answer), then the job's snapshots are compared with ``rank_cluster``,
``rank_national`` and ``inputs_digest``.
"""
import asyncio
import json
import random
from decimal import Decimal as D

import pytest
import redis as redis_sync
import redis.asyncio as aioredis

from services.nominations.scoring.domain.covenant import effective_scores, max_total, sheet_totals, validate_covenant
from services.nominations.scoring.domain.ranking import (
    RankingConfig,
    UnitScore,
    inputs_digest,
    rank_cluster,
    rank_national,
)
from services.nominations.scoring.events import RANKING_PUBLISHED
from services.nominations.scoring.service import rankings as service_rankings
from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service.rankings import RankingSettings, debounce_key, recompute, request_recompute
from services.nominations.scoring.store import covenants as covenant_store
from services.nominations.scoring.store import rankings as ranking_store
from services.nominations.settings import NominationsSettings
from shared.auth import Principal
from shared.db import connect

YEAR = 2025
DEFAULT = RankingConfig()
MINISTRY = Principal(subject="ministry", role="ministry")

COVENANT_A = [  # maximum 100
    {"code": "CM", "title": "Thực hiện nhiệm vụ chuyên môn", "max_points": 60},
    {"code": "CCHC", "title": "Cải cách hành chính", "max_points": 40},
    {"code": "SK", "title": "Điểm thưởng sáng kiến", "max_points": 5, "kind": "bonus"},
    {"code": "KL", "title": "Vi phạm kỷ luật", "max_points": 10, "kind": "penalty"},
]
COVENANT_B = [  # maximum 60: shares, not totals, compare across clusters
    {"code": "A1", "title": "Chuyển đổi số", "max_points": 35.5},
    {"code": "A2", "title": "Công tác thi đua", "max_points": 24.5},
    {"code": "B1", "title": "Điểm thưởng", "max_points": 3, "kind": "bonus"},
    {"code": "P1", "title": "Vi phạm", "max_points": 5, "kind": "penalty"},
]


@pytest.fixture
async def conn(database_url):
    conn = await connect(database_url)
    yield conn
    await conn.close()


def _period(cluster, members):
    return {"cluster_code": cluster, "cluster_name": f"Cụm {cluster}", "year": YEAR,
            "members": [{"code": c, "name": f"Tỉnh {c}"} for c in members],
            "lead": {"code": members[0], "name": ""}, "deputy": {"code": members[1], "name": ""}}


def _as(province):
    return Principal(subject=f"province-{province}", role="province", province=province)


async def season(conn, cluster, covenant, sheets, adjustments=None, *, amend_reason=None) -> list[UnitScore]:
    """Publish the covenant, let every member save and submit, cross-check; return the reference
    UnitScores computed in Python from the same numbers."""
    period = _period(cluster, list(sheets))
    async with conn.transaction():
        await service_scores.put_covenant(conn, actor=MINISTRY, period=period, criteria=covenant, publish=True,
                                          reason=amend_reason)
        for province, scores in sheets.items():
            await service_scores.save_sheet(conn, actor=_as(province), period=period, province=province,
                                            scores=scores, notes={})
            await service_scores.submit_sheet(conn, actor=_as(province), period=period, province=province)
        for province, changes in (adjustments or {}).items():
            await service_scores.review_sheet(conn, actor=_as(service_scores.reviewer_of(period, province)),
                                              period=period, province=province,
                                              adjustments={c: (p, "Đối chiếu minh chứng") for c, p in changes.items()})
    return _reference_units(covenant, sheets, adjustments)


def _reference_units(covenant, sheets, adjustments=None) -> list[UnitScore]:
    criteria = validate_covenant(covenant)
    units = []
    for province, scores in sheets.items():
        checked = (adjustments or {}).get(province, {})
        totals = sheet_totals(criteria, effective_scores({c: D(str(v)) for c, v in scores.items()},
                                                         {c: D(str(v)) for c, v in checked.items()}))
        units.append(UnitScore(province=province, regular=totals.regular, bonus=totals.bonus, penalty=totals.penalty,
                               max_total=max_total(criteria)))
    return units


def _digest_rows(cluster, units, config=DEFAULT):
    return [ranking_store.config_row(config)] + [
        (cluster, u.province, u.regular, u.bonus, u.penalty, u.max_total) for u in units]


def _dec(value):
    return D(str(value))


def _cluster_table(rows):
    return [(r["province"], r["rank"], _dec(r["total"]), _dec(r["share"]), r["band"], _dec(r["regular"]),
             _dec(r["bonus"]), _dec(r["penalty"])) for r in rows]


def _reference_table(ranked):
    return [(r.province, r.rank, r.total, r.share, r.band, r.regular, r.bonus, r.penalty) for r in ranked]


def _national_table(rows):
    return [(r["cluster"], r["province"], r["rank"], r["cluster_rank"], _dec(r["share"]), r["band"], _dec(r["total"]),
             _dec(r["max_total"])) for r in rows]


def _reference_national(ranked):
    return [(r.cluster, r.province, r.rank, r.cluster_rank, r.share, r.band, r.total, r.max_total) for r in ranked]


async def _assert_matches_reference(conn, clusters: dict[str, list[UnitScore]], config=DEFAULT):
    for cluster, units in clusters.items():
        snapshot = await ranking_store.latest(conn, scope=cluster, year=YEAR)
        assert _cluster_table(snapshot["rows"]) == _reference_table(rank_cluster(units, config)), cluster
        assert snapshot["inputs_digest"] == inputs_digest(_digest_rows(cluster, units, config)), cluster
        assert snapshot["unit_count"] == len(units) and snapshot["max_total"] == units[0].max_total
    national = await ranking_store.latest(conn, scope=ranking_store.NATIONAL, year=YEAR)
    assert _national_table(national["rows"]) == _reference_national(rank_national(clusters, config))
    assert national["inputs_digest"] == inputs_digest(
        [ranking_store.config_row(config)]
        + [row for cluster, units in clusters.items() for row in _digest_rows(cluster, units, config)[1:]])


def s(cm, cchc, sk=0, kl=0):
    return {"CM": cm, "CCHC": cchc, "SK": sk, "KL": kl}


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


async def _plan_nodes(conn, *, cluster, config) -> list[dict]:
    """Every node of the job statement's EXPLAIN ANALYZE plan, root first, the statement rolled back."""
    sql, args = ranking_store.recompute_statement(year=YEAR, cluster=cluster, config=config)
    tr = conn.transaction()
    await tr.start()
    try:
        [plan] = await conn.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, *args)
    finally:
        await tr.rollback()

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)
    return list(nodes(plan["Plan"]))


async def _explained(conn, *, cluster, config=DEFAULT):
    """EXPLAIN ANALYZE of the job's statement, rolled back: how many rows the ranking (its window
    functions) saw, and how many snapshots it would write."""
    every = await _plan_nodes(conn, cluster=cluster, config=config)
    ranked = max(n["Actual Rows"] * n["Actual Loops"] for n in every if n["Node Type"] == "WindowAgg")
    return ranked, every[0]["Actual Rows"]  # the root: the snapshots it writes


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
