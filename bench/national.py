"""National scale: the register of every organiser's awards over ten years (bench/national_data.py,
``BENCH_NATIONAL_AWARDS``, 2,000,000 by default), loaded once; three figures, each beside its bare
baseline measured in the same run:

- ``register_search_p95_ms``: ``GET /v1/awards`` (the public register: by name with and without
  diacritics, by unit, form and year, and combinations) through the real nominations API, one
  request at a time, vs the bare index scan answering the same query straight in SQL (only the
  predicates asked, same columns, same first page); the same rows are checked on both sides.
  A holder's history (``GET /v1/awards/holders/{id}``, one statement) is timed beside it.
- ``statistics_forms_ms``: bench/national_forms.py.
- ``export_ballot_p99_ms``: bench/national_exports.py.
"""
from __future__ import annotations

import json
import os
import time
from typing import Any

import asyncpg
import httpx

from bench import national_data, national_exports, national_forms
from bench.common import Figure, Latencies, PeakRss, report, say, scratch_database, served
from bench.load import LeanHttp
from deploy.infra import Infra
from services.nominations.commendations.domain.rules import search_text
from services.nominations.commendations.store.awards import PUBLIC
from shared.auth import TokenIssuer, generate_private_key, private_key_pem
from shared.db import connect

AWARDS = int(os.environ.get("BENCH_NATIONAL_AWARDS", "2000000"))
ROUNDS = int(os.environ.get("BENCH_NATIONAL_ROUNDS", "20"))
# Which figures (all by default): a run at the full size without the exports takes minutes, with
# them over an hour on a small machine.
PARTS = set(os.environ.get("BENCH_NATIONAL_PARTS", "search,forms,exports").split(","))
SIZES = {"BENCH_NATIONAL_AWARDS": AWARDS, "BENCH_NATIONAL_ROUNDS": ROUNDS,
         "BENCH_NATIONAL_CLUSTERS": national_exports.CLUSTERS, "BENCH_NATIONAL_PARTS": sorted(PARTS)}
TARGET = 1.5
PAGE = 50


async def register_queries(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """The searches a person makes of the register, picked from the loaded rows: a full name with
    and without diacritics (one that is rare and one that is common), part of a name, by unit
    (province), form and year, and together."""
    rare = await conn.fetchval("""SELECT name FROM nominations.awards WHERE kind = 'individual'
                                  GROUP BY name HAVING count(*) BETWEEN 2 AND 6 ORDER BY name LIMIT 1""")
    common = await conn.fetchval("""SELECT name FROM nominations.awards WHERE kind = 'individual'
                                    GROUP BY name ORDER BY count(*) DESC, name LIMIT 1""")
    last = national_data.YEARS[-2]
    return [
        {"q": rare}, {"q": search_text(rare)}, {"q": common}, {"q": search_text(common)},
        {"q": "Hồng Nhung"}, {"q": "tran van"},
        {"province": "22"}, {"form": "pm_certificate"}, {"year": last},
        {"province": "22", "form": "minister_certificate", "year": last},
        {"q": "nguyen thi", "year": last}, {"q": "Trường Tiểu học", "province": "01"},
    ]


def bare_statement(query: dict[str, Any]) -> tuple[str, list[Any]]:
    """The same query written straight: only the predicates asked, the register's columns and order."""
    where, args = [], []
    if query.get("q"):
        text = search_text(query["q"])
        args.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        where.append(f"a.name_search LIKE ${len(args)}")
    for key, column in (("year", "year"), ("province", "province_code"), ("form", "form_code")):
        if key in query:
            args.append(query[key])
            where.append(f"a.{column} = ${len(args)}")
            if key == "year":  # the scan starts at the year's first award (as the register's statement does)
                where.append(f"a.id >= (SELECT min(y.id) FROM nominations.awards y WHERE y.year = ${len(args)})")
    return (f"SELECT {PUBLIC} FROM nominations.awards a WHERE {' AND '.join(where)} "
            f"ORDER BY a.id LIMIT {PAGE + 1}"), args


async def plan_of(conn: asyncpg.Connection, sql: str, args: list[Any]) -> str:
    plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args)
    node = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    kinds = []
    while node:
        kinds.append(node["Node Type"] + (f" {node['Index Name']}" if "Index Name" in node else ""))
        node = (node.get("Plans") or [None])[0]
    return " > ".join(kinds)


async def register_search(conn: asyncpg.Connection, client: httpx.AsyncClient, lean: LeanHttp) -> dict[str, Any]:
    """Timed by ``lean`` (bench.load.LeanHttp, as every API-vs-bare latency figure); each request is
    sent through httpx as well, which must answer the same bytes, its median kept beside."""
    queries = await register_queries(conn)
    holders = [r["holder_id"] for r in await conn.fetch(
        "SELECT holder_id FROM nominations.awards WHERE id % 997 = 0 ORDER BY id LIMIT 20")]
    statements = [bare_statement(q) for q in queries]
    api, bare = Latencies(), Latencies()
    per_query: dict[str, dict[str, list[float]]] = {}
    history_api, history_bare = Latencies(), Latencies()
    through_httpx = Latencies()
    history_sql = f"SELECT {PUBLIC} FROM nominations.awards a WHERE a.holder_id = $1 ORDER BY a.year, a.id"
    found: dict[str, int] = {}
    # The bare side is the best plan for each query: asyncpg prepares each statement once, and after
    # five runs PostgreSQL may keep a generic plan that knows no pattern (a rare name then walks the
    # whole register by id). The route's statement keeps per-query plans on its own (its generic plan
    # costs more than any of them); this makes the baseline as good.
    await conn.execute("SET plan_cache_mode = force_custom_plan")
    for warm in range(ROUNDS + 2):  # two untimed rounds first (page cache, plans, connections)
        for query, (sql, args) in zip(queries, statements):
            label = "&".join(f"{k}={v}" for k, v in query.items())
            started = time.perf_counter()
            rows = await conn.fetch(sql, *args)
            sql_s = time.perf_counter() - started
            api_s, answer = await lean.get("/v1/awards", {**query, "limit": PAGE})
            assert answer.status == 200, answer.content[:300]
            started = time.perf_counter()
            r = await client.get("/v1/awards", params={**query, "limit": PAGE})
            httpx_s = time.perf_counter() - started
            assert r.status_code == 200 and r.content == answer.content, label
            ids = [a["id"] for a in answer.json()["items"]]
            assert ids == [row["id"] for row in rows][:PAGE], f"{label}: the API and the bare scan differ"
            found[label] = len(ids)
            if warm >= 2:
                bare.add(sql_s)
                api.add(api_s)
                through_httpx.add(httpx_s)
                per_query.setdefault(label, {"api": [], "bare": []})
                per_query[label]["api"].append(api_s)
                per_query[label]["bare"].append(sql_s)
        holder = holders[warm % len(holders)]
        started = time.perf_counter()
        rows = await conn.fetch(history_sql, holder)
        sql_s = time.perf_counter() - started
        api_s, answer = await lean.get(f"/v1/awards/holders/{holder}")
        assert answer.status == 200 and len(answer.json()["awards"]) == len(rows)
        if warm >= 2:
            history_bare.add(sql_s)
            history_api.add(api_s)
    plans = {"&".join(f"{k}={v}" for k, v in q.items()): await plan_of(conn, sql, args)
             for q, (sql, args) in zip(queries, statements)}
    await conn.execute("RESET plan_cache_mode")

    def med(samples: list[float]) -> float:
        return round(sorted(samples)[len(samples) // 2] * 1000, 2)

    return {"queries": len(queries), "rounds": ROUNDS, "first_page_sizes": found,
            "api": api.summary(), "bare": bare.summary(), "api_httpx": through_httpx.summary(),
            "per_query_median_ms": {k: {"api": med(v["api"]), "bare": med(v["bare"])} for k, v in per_query.items()},
            "bare_plans": plans,
            "holder_history": {"api": history_api.summary(), "bare": history_bare.summary(),
                               "statement": "one SELECT by holder_id (index awards_holder)"}}


async def bench(infra: Infra, limits: dict[str, Any]) -> list[Figure]:
    key = generate_private_key()
    issuer = TokenIssuer(key, issuer="thidua-registry", audience="thidua", ttl_seconds=3600)
    redis_url = infra.redis_db(11)
    say(f"national: loading {AWARDS:,} awards")
    figures: list[Figure] = []
    details: dict[str, Any] = {"awards_asked": AWARDS}
    async with scratch_database(infra) as dsn:
        conn = await connect(dsn)
        try:
            started = time.perf_counter()
            details["loaded"] = await national_data.load(conn, awards=AWARDS)
            details["load_seconds"] = round(time.perf_counter() - started, 1)
            say(f"national: loaded {details['loaded']} in {details['load_seconds']} s")
            common = {"DATABASE_URL": dsn, "REDIS_URL": redis_url, "REGISTRY_LOG_LEVEL": "WARNING",
                      "NOMINATIONS_LOG_LEVEL": "WARNING", "REGISTRY_RUN_OUTBOX_RELAY": "false",
                      "NOMINATIONS_RUN_OUTBOX_RELAY": "false"}
            with PeakRss() as watch, \
                    served("services.registry.main:app", watch=watch, name="registry",
                           env={**common, "REGISTRY_JWT_PRIVATE_KEY_PEM": private_key_pem(key).decode()}) as registry, \
                    served("services.nominations.main:app", watch=watch, name="nominations",
                           env={**common, "NOMINATIONS_REGISTRY_URL": registry,
                                # the whole register in one workbook, as the issue asks of the export
                                "NOMINATIONS_REGISTER_EXPORT_MAX_ROWS": str(AWARDS)}) as nominations:
                if "search" in PARTS:
                    lean = LeanHttp(nominations)
                    async with httpx.AsyncClient(base_url=nominations, timeout=120) as client:
                        say("national: register search")
                        details["register_search"] = await register_search(conn, client, lean)
                    await lean.close()
                if "forms" in PARTS:
                    say("national: the year's national statistics forms")
                    details["statistics_forms"] = await national_forms.statistics_forms(conn, national_data.YEARS[-1])
                if "exports" in PARTS:
                    say("national: ballots beside four exports of the whole register")
                    details["export_ballots"] = await national_exports.export_ballots(
                        nominations, registry, issuer, service_pid=watch.pid("nominations"),
                        year=national_data.YEARS[-2])
                details["peak_rss_mb"] = watch.peaks()
        finally:
            await conn.close()
    n = details["loaded"]["awards"]
    if "register_search" in details:
        figures.append(_search_figure(details["register_search"], n))
    if "statistics_forms" in details:
        figures.append(_forms_figure(details["statistics_forms"]))
    if "export_ballots" in details:
        figures.append(_export_figure(details["export_ballots"], n))
    report("national", details)
    return figures


def _search_figure(search: dict[str, Any], n: int) -> Figure:
    return Figure(
        "register_search_p95_ms", f"register search p95 over {n:,} awards (API, {search['queries']} queries)", "ms",
        round(search["api"]["p95_ms"], 2), round(search["bare"]["p95_ms"], 2), TARGET, "max",
        baseline_label="the bare index scan answering the same query (same page) straight in SQL",
        notes=(f"{search['queries']} queries × {ROUNDS} rounds, interleaved, one at a time; p50 "
               f"{search['api']['p50_ms']:.2f} vs {search['bare']['p50_ms']:.2f} ms; a holder's history "
               f"(one statement) median {search['holder_history']['api']['p50_ms']:.2f} vs "
               f"{search['holder_history']['bare']['p50_ms']:.2f} ms; p95 through httpx "
               f"{search['api_httpx']['p95_ms']:.2f} ms"))


def _forms_figure(st: dict[str, Any]) -> Figure:
    return Figure(
        "statistics_forms_ms", f"a year's national statistics forms ({st['year']}, {len(st['forms'])} forms, "
        f"{st['awards_in_year']:,} awards)", "ms", st["computed_ms_median"], st["bare_ms_median"], TARGET, "max",
        baseline_label="the bare statements (movements of the year, the awards GROUP BY per award form)",
        notes=f"compute_form for every form, median of {st['rounds']}, interleaved with the bare statements; "
              f"totals {st['form_totals']}")


def _export_figure(ex: dict[str, Any], n: int) -> Figure:
    whole = ex["whole_exports"]
    return Figure(
        "export_ballot_p99_ms", f"ballot p99 beside {national_exports.EXPORTS} exports of the whole register "
        f"({n:,} lines)", "ms", ex["during_p99_ms_median"] if ex["ballots_ran_beside_exports"] else 0.0,
        ex["alone_p99_ms_median"], TARGET, "max",
        baseline_label="ballot p99 with no export running (median of the passes alone)",
        notes=(f"{ex['passes_each']} passes of {ex['ballots_per_pass']} ballots each side, {ex['connections']} "
               f"connections; p99s beside the exports {[r['p99_ms'] for r in ex['during_exports']]}, alone "
               f"{[r['p99_ms'] for r in ex['alone']]}; export document process peak RSS "
               f"{ex['worker_peak_rss_mb_after_year_export']} MB after a year's export "
               f"({ex['year_export']['bytes'] / 2**20:.1f} MiB .xlsx), "
               f"{ex['worker_peak_rss_mb_after_whole_exports']} MB after the whole register's "
               f"({whole[0]['bytes'] / 2**20:.1f} MiB, {max(d['seconds'] for d in whole):.0f} s for the last of "
               f"{len(whole)}); service peak {ex['service_peak_rss_mb']} MB"))
