"""Ranking benchmark: the ranking job on a whole year (1,000 clusters × 40 members × 50 criteria =
2,000,000 score rows) beside the bare SQL query that ranks the same rows, in the same run.

    python -m bench ranking   [BENCH_RANKING_CLUSTERS=1000 BENCH_RANKING_ROUNDS=2]

The data go in set-based, in the order the schema enforces: cluster-years (the service's copy of the
registry periods) → covenants as drafts → criteria → publish → sheets as drafts → scores → submit →
a few lead cross-checks. Each cluster has its own covenant: 40 regular criteria (max 10..30), 6
bonus, 4 penalty; every member scores itself within the bounds.

Measured, interleaved with the bare queries, best of N each:

- job full: ``service_rankings.recompute`` (what the Celery task ``nominations.recompute_rankings``
  runs) for the year with every cluster's inputs changed, committed as a real run: 1,000 cluster
  snapshots + the national one, an outbox event per cluster. The first round is the year's first
  run; before each later one a cross-check changes one score in every cluster (untimed), so each
  round is again a full run that commits.
- job unchanged: the same call again; its inputs are unchanged, so it must write nothing.
- bare SQL over the maintained sums (the baseline): one SELECT of the per-unit totals read from
  ``sheet_sums``, as the job reads them, the cluster rank with the default tie-break and the
  national rank by share, its 40,000 rows fetched by the client. No bands, names, digest, JSON or
  writes: those are what the job adds. Its ranks are checked against the job's snapshots (a
  sample of clusters, and the whole national table).
- bare SQL over the score rows: the same ranking summing the 2,000,000 score rows themselves, for
  reference (what the maintained sums save a reader).
- write cost: what keeping ``sheet_sums`` (and the input-change counters) costs the score writes.
  A member's save of its 40 regular scores (``store.scores.replace_scores``, the service's
  statements) on new draft sheets, with the maintaining triggers and with them disabled, the same
  rows, each in a transaction rolled back, interleaved, best of N.
"""
from __future__ import annotations

import json
import os
import random
import time
import unicodedata
from decimal import Decimal

import asyncpg

from bench.common import Figure, PeakRss, report, say, scratch_database
from deploy.infra import Infra
from services.nominations.scoring.domain.covenant import covenant_digest
from services.nominations.scoring.domain.ranking import RankingConfig
from services.nominations.scoring.service import rankings as service_rankings
from services.nominations.scoring.store import rankings as ranking_store
from shared.db import connect

CLUSTERS = int(os.environ.get("BENCH_RANKING_CLUSTERS", "1000"))
ROUNDS = int(os.environ.get("BENCH_RANKING_ROUNDS", "2"))
MEMBERS = 40
REGULAR, BONUS, PENALTY = 40, 6, 4
CRITERIA = REGULAR + BONUS + PENALTY
YEAR = 2026
SEED = 20260
CONFIG = RankingConfig()  # the default tie-break (fewer penalty, higher regular) and bands
BY = "bench-ranking"
SAMPLE_CLUSTERS = 25
SIZES = {"BENCH_RANKING_CLUSTERS": CLUSTERS, "BENCH_RANKING_ROUNDS": ROUNDS, "score_rows": CLUSTERS * MEMBERS * CRITERIA}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def cluster_code(k: int) -> str:
    return f"CUM-{k:04d}"


def covenant_for(rng: random.Random) -> list[dict]:
    """One cluster's 50 criteria; maxima differ between clusters, so shares (not totals) compare nationally."""
    criteria = [{"code": f"TC{i:02d}", "title": nfc(f"Tiêu chí {i}"), "group": "I",
                 "max_points": Decimal(rng.choice((10, 12, 15, 15, 20, 20, 25, 30))), "kind": "regular"}
                for i in range(1, REGULAR + 1)]
    criteria += [{"code": f"KT{i:02d}", "title": nfc(f"Điểm thưởng {i}"), "group": "II",
                  "max_points": Decimal(rng.choice((2, 3, 5))), "kind": "bonus"} for i in range(1, BONUS + 1)]
    criteria += [{"code": f"VP{i:02d}", "title": nfc(f"Vi phạm {i}"), "group": "III",
                  "max_points": Decimal(rng.choice((2, 5, 10))), "kind": "penalty"} for i in range(1, PENALTY + 1)]
    return criteria


async def load(conn: asyncpg.Connection) -> dict:
    """The whole year in one transaction, a handful of set-based statements (the score rows in one)."""
    rng = random.Random(SEED)
    codes = [f"{i:02d}" for i in range(1, 97)]
    clusters = [cluster_code(k) for k in range(1, CLUSTERS + 1)]
    # Provinces sit in many clusters (as departments of one province do); the first two lead and deputise.
    members = [rng.sample(codes, MEMBERS) for _ in clusters]
    covenants = [covenant_for(rng) for _ in clusters]
    started = time.perf_counter()
    async with conn.transaction():
        await conn.execute("SELECT setseed($1)", 0.42)  # reproducible scores from random()
        await conn.execute(
            """INSERT INTO nominations.cluster_years (cluster_code, year, cluster_name, lead_code, deputy_code, members)
               SELECT c.code, $1, c.name, c.members::jsonb -> 0 ->> 'code', c.members::jsonb -> 1 ->> 'code',
                      c.members::jsonb
                 FROM unnest($2::text[], $3::text[], $4::text[]) AS c(code, name, members)""",
            YEAR, clusters, [nfc(f"Cụm thi đua số {k}") for k in range(1, CLUSTERS + 1)],
            # JSON text, cast in SQL: asyncpg would read a list of lists as a 2-D array
            [json.dumps([{"code": m, "name": nfc(f"Tỉnh {m}")} for m in ms], ensure_ascii=False) for ms in members])
        ids = await conn.fetch(
            """INSERT INTO nominations.covenants (cluster_code, year, version, state, digest, created_by)
               SELECT c.code, $1, 1, 'draft', c.digest, $4 FROM unnest($2::text[], $3::text[]) AS c(code, digest)
               RETURNING id, cluster_code""",
            YEAR, clusters, [covenant_digest(c) for c in covenants], BY)
        covenant_id = {r["cluster_code"]: r["id"] for r in ids}
        await conn.copy_records_to_table(
            "covenant_criteria", schema_name="nominations",
            columns=["covenant_id", "position", "code", "title", "group_name", "max_points", "kind"],
            records=[(covenant_id[code], i, c["code"], c["title"], c["group"], c["max_points"], c["kind"])
                     for code, criteria in zip(clusters, covenants) for i, c in enumerate(criteria, 1)])
        await conn.execute(
            """UPDATE nominations.covenants SET state = 'published', published_at = now(), published_by = $2
                WHERE year = $1 AND state = 'draft'""", YEAR, BY)
        await conn.execute(
            """INSERT INTO nominations.score_sheets (cluster_code, year, covenant_id, province_code, updated_by)
               SELECT c.cluster_code, c.year, c.id, m.code, 'province-' || m.code
                 FROM nominations.covenants c
                 JOIN nominations.cluster_years y USING (cluster_code, year)
                 CROSS JOIN LATERAL jsonb_to_recordset(y.members) AS m(code text, name text)
                WHERE c.year = $1""", YEAR)
        # Every sheet × every criterion of its covenant: regular mostly high, in quarter points;
        # a bonus for about a third; a penalty for about one in ten. One statement; most of its time
        # is the two per-row foreign-key checks that carry each criterion's bounds to the row.
        score_status = await conn.execute(
            """INSERT INTO nominations.sheet_scores (sheet_id, covenant_id, criterion_code, kind, max_points, self_points)
               SELECT s.id, s.covenant_id, k.code, k.kind, k.max_points,
                      CASE k.kind
                        WHEN 'regular' THEN round(k.max_points * (0.55 + 0.45 * random())::numeric * 4) / 4
                        WHEN 'bonus' THEN CASE WHEN random() < 0.3 THEN round(k.max_points * random()::numeric) ELSE 0 END
                        ELSE CASE WHEN random() < 0.1 THEN -round(k.max_points * random()::numeric) ELSE 0 END
                      END
                 FROM nominations.score_sheets s
                 JOIN nominations.covenant_criteria k ON k.covenant_id = s.covenant_id
                WHERE s.year = $1""", YEAR)
        await conn.execute(
            """UPDATE nominations.score_sheets SET state = 'submitted', submitted_at = now(), submitted_by = updated_by,
                      updated_at = now()
                WHERE year = $1 AND state = 'draft'""", YEAR)
        # The lead (the deputy, for the lead's own sheet) marks down one regular criterion on one
        # sheet in twenty: the adjustment record first, then the cross-checked value it sets.
        await conn.execute(
            """CREATE TEMP TABLE picked ON COMMIT DROP AS
               SELECT r.sheet_id, r.criterion_code, coalesce(r.checked_points, r.self_points) AS previous,
                      round(r.self_points * 0.8, 2) AS points,
                      CASE WHEN s.province_code = y.lead_code THEN y.deputy_code ELSE y.lead_code END AS reviewer
                 FROM nominations.score_sheets s
                 JOIN nominations.cluster_years y USING (cluster_code, year)
                 JOIN nominations.sheet_scores r
                   ON r.sheet_id = s.id AND r.criterion_code = 'TC' || lpad((1 + s.id % $2)::text, 2, '0')
                WHERE s.year = $1 AND s.id % 20 = 0""", YEAR, REGULAR)
        adjusted = await conn.fetchval(
            """WITH added AS (
                 INSERT INTO nominations.score_adjustments
                        (sheet_id, criterion_code, points, previous_points, reason, adjusted_by, adjusted_for)
                 SELECT sheet_id, criterion_code, points, previous, $1, 'province-' || reviewer, reviewer FROM picked
                 RETURNING 1)
               SELECT count(*) FROM added""", nfc("Đối chiếu minh chứng: chưa đủ hồ sơ cho mức tự chấm"))
        await conn.execute(
            """UPDATE nominations.sheet_scores r SET checked_points = p.points FROM picked p
                WHERE (r.sheet_id, r.criterion_code) = (p.sheet_id, p.criterion_code)""")
    loaded = time.perf_counter() - started
    # What autovacuum would have done by ranking time: statistics, hint bits, visibility map.
    started = time.perf_counter()
    for table in ("cluster_years", "covenants", "covenant_criteria", "score_sheets", "sheet_scores",
                  "score_adjustments"):
        await conn.execute(f"VACUUM (ANALYZE) nominations.{table}")
    vacuumed = time.perf_counter() - started
    return {"rows": int(score_status.split()[-1]), "adjustments": adjusted, "load_seconds": round(loaded, 2),
            "vacuum_analyze_seconds": round(vacuumed, 2)}


# The plainest query for the same ranking: totals per unit (cross-checked value wins), competition
# rank within the cluster with the default tie-break, and the national rank by share of the
# cluster's regular maximum (rounded to 4 places, as the job does).
BARE = """
WITH unit AS (
    SELECT s.cluster_code, s.province_code,
           coalesce(sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'regular'), 0) AS regular,
           coalesce(sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'bonus'), 0) AS bonus,
           coalesce(sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'penalty'), 0) AS penalty
      FROM nominations.covenants c
      JOIN nominations.score_sheets s ON s.covenant_id = c.id AND s.state IN ('submitted', 'locked')
      JOIN nominations.sheet_scores r ON r.sheet_id = s.id
     WHERE c.year = $1 AND c.state = 'published'
     GROUP BY s.cluster_code, s.province_code
), maximum AS (
    SELECT c.cluster_code, sum(k.max_points) AS max_total
      FROM nominations.covenants c
      JOIN nominations.covenant_criteria k ON k.covenant_id = c.id AND k.kind = 'regular'
     WHERE c.year = $1 AND c.state = 'published'
     GROUP BY c.cluster_code
), scored AS (
    SELECT u.*, u.regular + u.bonus + u.penalty AS total,
           round((u.regular + u.bonus + u.penalty) / m.max_total, 4) AS share
      FROM unit u JOIN maximum m USING (cluster_code)
)
SELECT cluster_code, province_code, total, share,
       rank() OVER (PARTITION BY cluster_code ORDER BY total DESC, penalty DESC, regular DESC) AS cluster_rank,
       rank() OVER (ORDER BY share DESC) AS national_rank
  FROM scored
"""


# The same ranking over the per-sheet sums the database maintains (what the job reads).
BARE_SUMS = BARE.replace("""
    SELECT s.cluster_code, s.province_code,
           coalesce(sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'regular'), 0) AS regular,
           coalesce(sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'bonus'), 0) AS bonus,
           coalesce(sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'penalty'), 0) AS penalty
      FROM nominations.covenants c
      JOIN nominations.score_sheets s ON s.covenant_id = c.id AND s.state IN ('submitted', 'locked')
      JOIN nominations.sheet_scores r ON r.sheet_id = s.id
     WHERE c.year = $1 AND c.state = 'published'
     GROUP BY s.cluster_code, s.province_code
""", """
    SELECT s.cluster_code, s.province_code, coalesce(m.regular, 0) AS regular, coalesce(m.bonus, 0) AS bonus,
           coalesce(m.penalty, 0) AS penalty
      FROM nominations.covenants c
      JOIN nominations.score_sheets s ON s.covenant_id = c.id AND s.state IN ('submitted', 'locked')
      LEFT JOIN nominations.sheet_sums m ON m.sheet_id = s.id
     WHERE c.year = $1 AND c.state = 'published'
""")
assert BARE_SUMS != BARE


async def bare_sql(conn: asyncpg.Connection, query: str = BARE_SUMS) -> tuple[float, list[asyncpg.Record]]:
    started = time.perf_counter()
    rows = await conn.fetch(query, YEAR)
    return time.perf_counter() - started, rows


async def change_every_cluster(conn: asyncpg.Connection, round_no: int) -> None:
    """A cross-check on one sheet of every cluster (a regular criterion's checked value; never the
    0.8 the load's own cross-checks set, so it always changes), committed:
    every cluster's inputs change, so the next run of the job is a full one again."""
    status = await conn.execute(
        """UPDATE nominations.sheet_scores r SET checked_points = round(r.self_points * $2, 2)
             FROM (SELECT DISTINCT ON (cluster_code) id FROM nominations.score_sheets WHERE year = $1
                    ORDER BY cluster_code, id) s
            WHERE r.sheet_id = s.id AND r.criterion_code = 'TC01'""", YEAR, Decimal("0.99") - Decimal(round_no % 18) / 100)
    assert status == f"UPDATE {CLUSTERS}", status


# The triggers that keep what the job reads: the per-sheet sums (migration 042) and the counters of
# input changes (migration 044; those on sheet_sums fire only when the sums are written).
MAINTAINING = {"sheet_scores": ("sheet_sums_insert", "sheet_sums_update", "sheet_sums_delete"),
               "score_sheets": ("score_sheet_inputs_changed",)}
WRITE_SHEETS = 200


async def score_writes(conn: asyncpg.Connection, *, maintained: bool) -> tuple[float, int]:
    """Seconds for WRITE_SHEETS members' saves of their 40 regular scores on new draft sheets (the
    service's statements, one save after another as requests come), with or without the
    maintaining triggers; rolled back, so every sample writes the same rows. Returns the seconds
    and the number of saves (one per covenant, so fewer on a year of fewer clusters)."""
    from services.nominations.scoring.store import scores as score_store

    tx = conn.transaction()
    await tx.start()
    try:
        if not maintained:
            for table, triggers in MAINTAINING.items():
                for trigger in triggers:
                    await conn.execute(f"ALTER TABLE nominations.{table} DISABLE TRIGGER {trigger}")
        # Provinces not yet in each cluster's covenant get a draft sheet (untimed).
        sheets = await conn.fetch(
            """INSERT INTO nominations.score_sheets (cluster_code, year, covenant_id, province_code, updated_by)
               SELECT c.cluster_code, c.year, c.id, p.code, 'bench-writes'
                 FROM (SELECT * FROM nominations.covenants WHERE year = $1 ORDER BY id LIMIT $2) c
                 CROSS JOIN LATERAL (
                       SELECT lpad(n::text, 2, '0') AS code FROM generate_series(1, 96) n
                        WHERE NOT EXISTS (SELECT 1 FROM nominations.score_sheets s
                                           WHERE s.covenant_id = c.id AND s.province_code = lpad(n::text, 2, '0'))
                        LIMIT 1) p
               RETURNING id, covenant_id""", YEAR, WRITE_SHEETS)
        criteria = await conn.fetch(
            """SELECT covenant_id, code, max_points FROM nominations.covenant_criteria
                WHERE covenant_id = ANY($1::bigint[]) AND kind = 'regular' ORDER BY covenant_id, position""",
            list({r["covenant_id"] for r in sheets}))
        by_covenant: dict[int, dict[str, Decimal]] = {}
        for c in criteria:
            by_covenant.setdefault(c["covenant_id"], {})[c["code"]] = c["max_points"]
        started = time.perf_counter()
        for sheet in sheets:
            await score_store.replace_scores(conn, sheet_id=sheet["id"], covenant_id=sheet["covenant_id"],
                                             scores=by_covenant[sheet["covenant_id"]], notes={}, by="bench-writes")
        elapsed = time.perf_counter() - started
    finally:
        await tx.rollback()
    return elapsed, len(sheets)


async def job(conn: asyncpg.Connection) -> tuple[float, dict]:
    """One run of the job for the whole year, committed as the Celery task's run is."""
    started = time.perf_counter()
    result = await service_rankings.recompute(conn, year=YEAR, cluster=None, config=CONFIG)
    return time.perf_counter() - started, result


async def snapshot_count(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM nominations.ranking_snapshots WHERE year = $1", YEAR)


async def check_against_bare(conn: asyncpg.Connection, bare: list[asyncpg.Record]) -> dict:
    """The bare query's ranks and totals equal the job's latest snapshots: a sample of clusters in
    full, and every row of the national table."""
    by_unit = {(r["cluster_code"], r["province_code"]): r for r in bare}
    assert len(by_unit) == len(bare) == CLUSTERS * MEMBERS, (len(by_unit), len(bare))
    sample = random.Random(SEED).sample([cluster_code(k) for k in range(1, CLUSTERS + 1)],
                                        min(SAMPLE_CLUSTERS, CLUSTERS))
    for cluster in sample:
        snapshot = await ranking_store.latest(conn, scope=cluster, year=YEAR)
        assert snapshot is not None and snapshot["unit_count"] == MEMBERS, cluster
        for row in snapshot["rows"]:
            expected = by_unit[(cluster, row["province"])]
            assert (row["rank"], Decimal(str(row["total"]))) == (expected["cluster_rank"], expected["total"]), \
                (cluster, row, dict(expected))
    national = await ranking_store.latest(conn, scope=ranking_store.NATIONAL, year=YEAR)
    assert national is not None and national["unit_count"] == len(bare)
    for row in national["rows"]:
        expected = by_unit[(row["cluster"], row["province"])]
        assert (row["rank"], row["cluster_rank"], Decimal(str(row["share"]))) == \
            (expected["national_rank"], expected["cluster_rank"], expected["share"]), (row, dict(expected))
    # The data must exercise the tie-break: some units share a total within their cluster.
    tied_totals = len(bare) - len({(r["cluster_code"], r["total"]) for r in bare})
    return {"clusters_checked": len(sample), "national_rows_checked": len(national["rows"]),
            "units_sharing_a_total_in_their_cluster": tied_totals}


async def bench(infra: Infra, limits: dict) -> list[Figure]:
    with PeakRss() as watch:
        figures = await _bench(infra, watch)
    return figures


async def _bench(infra: Infra, watch: PeakRss) -> list[Figure]:
    say(f"ranking: loading {CLUSTERS * MEMBERS * CRITERIA:,} score rows")
    async with scratch_database(infra) as dsn:
        conn = await connect(dsn)  # as the job's own connection (JSON codecs)
        try:
            loaded = await load(conn)
            assert loaded["rows"] == CLUSTERS * MEMBERS * CRITERIA, loaded
            await bare_sql(conn)  # untimed: both sides start with the rows in the page cache

            full, unchanged, bare, bare_rows = [], [], [], []
            # Interleaved: a bare query beside every job run, so drift hits both alike.
            for i in range(ROUNDS):
                if i:
                    await change_every_cluster(conn, i)
                seconds, rows = await bare_sql(conn)
                bare.append(seconds)
                bare_rows.append((await bare_sql(conn, BARE))[0])
                seconds, result = await job(conn)
                full.append(seconds)
                assert len(result["written"]) == CLUSTERS + 1 and not result["unchanged"], result["written"][:3]
            snapshots = await snapshot_count(conn)
            assert snapshots == ROUNDS * (CLUSTERS + 1), snapshots
            events = await conn.fetchval("SELECT count(*) FROM nominations.outbox")
            for _ in range(ROUNDS):
                seconds, rows = await bare_sql(conn)
                bare.append(seconds)
                bare_rows.append((await bare_sql(conn, BARE))[0])
                seconds, result = await job(conn)
                unchanged.append(seconds)
                assert result["written"] == [] and len(result["unchanged"]) == CLUSTERS + 1, result["written"][:3]
            # An unchanged run writes nothing: no snapshot, no event.
            assert await snapshot_count(conn) == snapshots
            assert await conn.fetchval("SELECT count(*) FROM nominations.outbox") == events
            # Both bare queries rank alike (the sums are the score rows' sums).
            assert sorted(map(tuple, rows)) == sorted(map(tuple, (await bare_sql(conn, BARE))[1]))
            writes: dict[str, list[float]] = {"maintained": [], "without_triggers": []}
            for _ in range(max(3, ROUNDS)):
                for key, maintained in (("maintained", True), ("without_triggers", False)):
                    seconds, saves = await score_writes(conn, maintained=maintained)
                    writes[key].append(seconds)
            checked = await check_against_bare(conn, rows)
            server = await conn.fetchrow(
                """SELECT current_setting('server_version') AS version, current_setting('work_mem') AS work_mem,
                          current_setting('shared_buffers') AS shared_buffers,
                          current_setting('max_parallel_workers_per_gather') AS parallel_workers_per_gather""")
        finally:
            await conn.close()

    best_full, best_unchanged, best_bare, best_rows = min(full), min(unchanged), min(bare), min(bare_rows)
    write_on, write_off = min(writes["maintained"]), min(writes["without_triggers"])
    per_save = {k: round(v * 1000 / saves, 3) for k, v in (("maintained", write_on), ("without", write_off))}
    report("ranking", {
        "machine_cores": os.cpu_count(), "postgres": dict(server),
        "clusters": CLUSTERS, "members_per_cluster": MEMBERS,
        "criteria": {"per_cluster": CRITERIA, "regular": REGULAR, "bonus": BONUS, "penalty": PENALTY},
        **loaded, "rounds": ROUNDS, "snapshots_written_by_full_runs": snapshots, "ranking_published_events": events,
        "job_full_ms": round(best_full * 1000, 1), "job_unchanged_ms": round(best_unchanged * 1000, 1),
        "bare_sql_over_sums_ms": round(best_bare * 1000, 1), "bare_sql_over_score_rows_ms": round(best_rows * 1000, 1),
        "ratio_job_full_vs_bare": round(best_full / best_bare, 2),
        "ratio_job_unchanged_vs_bare": round(best_unchanged / best_bare, 2),
        "score_writes": {"saves": saves, "rows_per_save": REGULAR,
                         "ms_per_save_maintained": per_save["maintained"],
                         "ms_per_save_without_triggers": per_save["without"],
                         "ratio": round(write_on / write_off, 3),
                         "samples_ms": {k: [round(x * 1000, 1) for x in v] for k, v in writes.items()}},
        "samples_ms": {"job_full": [round(s * 1000, 1) for s in full],
                       "job_unchanged": [round(s * 1000, 1) for s in unchanged],
                       "bare_sql_over_sums": [round(s * 1000, 1) for s in bare],
                       "bare_sql_over_score_rows": [round(s * 1000, 1) for s in bare_rows]},
        "correctness": checked,
        # The ranking itself runs in PostgreSQL; this is the client process (the job's caller).
        "peak_rss_mb": watch.peaks(),
    })
    reference = f"the same SELECT summing the {CLUSTERS * MEMBERS * CRITERIA:,} score rows: {best_rows * 1000:.1f} ms"
    return [
        Figure("ranking_full_ms", f"ranking job, {CLUSTERS * MEMBERS * CRITERIA:,} score rows, full run (committed)",
               "ms", round(best_full * 1000, 1), round(best_bare * 1000, 1), 1.5, "max",
               baseline_label="window-function SELECT over the maintained per-sheet sums", notes=reference),
        Figure("ranking_unchanged_ms", "ranking job, unchanged re-run", "ms", round(best_unchanged * 1000, 1),
               round(best_bare * 1000, 1), 0.3, "max",
               baseline_label="window-function SELECT over the maintained per-sheet sums"),
        Figure("ranking_score_write_ms", f"a member's save of {REGULAR} scores, with the sums kept", "ms",
               per_save["maintained"], per_save["without"], 2.0, "max",
               baseline_label="the same save with the maintaining triggers disabled",
               notes=f"best of {len(writes['maintained'])}, {saves} saves each, same rows (rolled back)"),
    ]
