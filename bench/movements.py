"""Movements at national size: one movement of every commune (3,321 units under 34 provinces),
30,000 models. Two figures, each beside the bare SQL over the same rows measured in the same run:

- ``movement_rollup_ms``: ``GET /v1/movements/{id}/rollup`` (the organiser's dashboard: registered vs
  expected by province, models by field and state, models and reports by phase) through the real
  nominations API (uvicorn, token checked, JSON out) vs the same three GROUP BY statements sent
  straight to PostgreSQL;
- ``movement_models_search_ms``: ``GET /v1/movements/{id}/models?q=...`` as an anonymous caller
  (recognised models only, diacritics-insensitive) vs the same SELECT straight to PostgreSQL.

Requests go one after another (a dashboard's load, not a throughput test), interleaved with the bare
statements so drift hits both alike; the median of each is the figure. The API side is timed by
``bench.load.LeanHttp`` (one hand-written keep-alive connection, as wrk drives the throughput
figures), so that the figure is the service's and not the client library's; every request is also
sent through httpx, whose median is recorded beside it (``api_httpx_median``) and must answer the
same bytes.
"""
from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from datetime import date
from typing import Any

import asyncpg
import httpx

from bench.common import Figure, PeakRss, report, say, scratch_database, served
from bench.load import LeanHttp
from deploy.infra import Infra
from services.nominations.movements.store import models as model_store
from services.nominations.movements.store import rollup as rollup_store
from shared.auth import TokenIssuer, generate_private_key, private_key_pem
from shared.db import connect

UNITS = int(os.environ.get("BENCH_MOVEMENT_UNITS", "3321"))
MODELS = int(os.environ.get("BENCH_MOVEMENT_MODELS", "30000"))
PROVINCES = 34
ROUNDS = int(os.environ.get("BENCH_MOVEMENT_ROUNDS", "15"))
SEED = 20
FIELDS = ["economy", "administrative_reform", "social_security", "mass_mobilisation", "culture_society",
          "defence_security", "political_system", "environment", "digital_transformation"]
STATES = ["registered", "under_assessment", "recognised", "not_recognised"]
QUERIES = ["dan van kheo", "nhà tạm", "ho ngheo", "chuyển đổi số", "hội phụ nữ"]
TARGET = 1.5

WHAT = ["Dân vận khéo", "Xóa nhà tạm, nhà dột nát", "Giúp hộ nghèo thoát nghèo", "Chuyển đổi số",
        "Đường giao thông nông thôn", "Tổ tự quản an ninh trật tự", "Hội Phụ nữ tiết kiệm", "Cải cách hành chính",
        "Vườn mẫu nông thôn mới", "Khu dân cư văn hóa", "Thanh niên tình nguyện", "Bếp ăn bán trú"]
OWNERS = ["Hội Phụ nữ", "Đoàn Thanh niên", "Hội Nông dân", "Hội Cựu chiến binh", "Mặt trận Tổ quốc", "Công an"]


async def load(conn: asyncpg.Connection) -> uuid.UUID:
    """The movement as its API would leave it after launch, written in bulk."""
    rng = random.Random(SEED)
    movement_id = await conn.fetchval(
        """INSERT INTO nominations.movements (name, kind, organiser_code, organiser_name, starts_on, ends_on,
               registration_deadline, criteria, titles, created_by)
           VALUES ('Phong trào thi đua “Cả nước chung tay vì người nghèo”', 'thematic', 'BNV', 'Bộ Nội vụ',
                   '2026-01-01', '2026-12-31', '2026-03-31', '[]', '[]', 'bench') RETURNING id""")
    await conn.executemany(
        """INSERT INTO nominations.movement_phases (movement_id, number, name, starts_on, ends_on, report_deadline)
           VALUES ($1, $2, $3, $4::date, $5::date, $6::date)""",
        [(movement_id, 1, "Giai đoạn 1", date(2026, 1, 1),
          date(2026, 6, 30), date(2026, 7, 15)),
         (movement_id, 2, "Giai đoạn 2", date(2026, 7, 1),
          date(2026, 12, 31), date(2027, 1, 15))])
    provinces = [f"{n:02d}" for n in range(1, PROVINCES + 1)]
    units = [(movement_id, f"{10000 + i:05d}", f"Xã số {i + 1}", "commune", provinces[i % PROVINCES])
             for i in range(UNITS)]
    await conn.copy_records_to_table("movement_units", schema_name="nominations", records=units,
                                     columns=["movement_id", "unit_code", "unit_name", "unit_kind", "parent_code"])
    registered = [u for u in units if rng.random() < 0.85]
    await conn.executemany(
        """INSERT INTO nominations.movement_registrations (movement_id, unit_code, targets, titles, registered_by)
           VALUES ($1, $2, $3, $4, $5)""", [(movement_id, u[1], [], [{"title": "bang-khen", "kind": "unit", "name": u[2]}], "bench")
                 for u in registered])
    models = []
    for i in range(MODELS):
        unit = registered[rng.randrange(len(registered))]
        state = rng.choices(STATES, weights=(4, 2, 3, 1))[0]
        what = rng.choice(WHAT)
        owner = f"{rng.choice(OWNERS)} {unit[2].lower()}"
        models.append((movement_id, unit[1], 1 + (i % 2), f"Mô hình “{what}” số {i + 1}", rng.choice(FIELDS),
                       "collective", owner, f"{what}: {owner} vận động {rng.randint(5, 200)} hộ tham gia.",
                       {"households": rng.randint(5, 200)}, state,
                       "province" if state == "recognised" else None,
                       f"{rng.randint(1, 999)}/QĐ-UBND" if state == "recognised" else None,
                       date(2026, 6, 1) if state == "recognised" else None, "bench"))
    # The state guard admits only 'registered' on insert: load with it off, as a restore would.
    await conn.execute("ALTER TABLE nominations.movement_models DISABLE TRIGGER movement_models_state")
    await conn.executemany(
        """INSERT INTO nominations.movement_models (movement_id, unit_code, phase_number, title, field, owner_kind,
               owner_name, description, figures, state, recognition_level, decision_number, decision_date,
               registered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)""", models)
    await conn.execute("ALTER TABLE nominations.movement_models ENABLE TRIGGER movement_models_state")
    await conn.executemany(
        """INSERT INTO nominations.movement_reports (movement_id, unit_code, phase_number, results, summary,
                                                    submitted_by)
           VALUES ($1, $2, $3, $4, $5, $6)""", [(movement_id, u[1], 1, [], "Báo cáo sơ kết giai đoạn 1.", "bench")
                 for u in registered if rng.random() < 0.7])
    await conn.execute("UPDATE nominations.movements SET state = 'launched', launched_at = now(), "
                       "document_number = '01/KH-BNV', document_date = '2026-01-01', document_signer = 'Bộ trưởng' "
                       "WHERE id = $1", movement_id)
    await conn.execute("VACUUM (ANALYZE) nominations.movement_models")
    await conn.execute("ANALYZE nominations.movement_units")
    await conn.execute("ANALYZE nominations.movement_registrations")
    await conn.execute("ANALYZE nominations.movement_reports")
    return movement_id


async def bare_rollup(conn: asyncpg.Connection, movement_id: uuid.UUID) -> float:
    started = time.perf_counter()
    await conn.fetch(rollup_store.BY_PARENT, movement_id)
    await conn.fetch(rollup_store.BY_FIELD, movement_id)
    await conn.fetch(rollup_store.BY_PHASE, movement_id)
    return time.perf_counter() - started


async def bare_search(conn: asyncpg.Connection, movement_id: uuid.UUID, q: str) -> tuple[float, int]:
    started = time.perf_counter()
    rows = await conn.fetch(model_store.SEARCH, movement_id, q, None, None, None, True, None, None, None, 51)
    return time.perf_counter() - started, len(rows)


async def bench(infra: Infra, limits: dict[str, Any]) -> list[Figure]:
    key = generate_private_key()
    issuer = TokenIssuer(key, issuer="thidua-registry", audience="thidua", ttl_seconds=3600)
    redis_url = infra.redis_db(11)
    say(f"movements: {UNITS:,} units, {MODELS:,} models")
    async with scratch_database(infra) as dsn:
        conn = await connect(dsn)
        try:
            movement_id = await load(conn)
            common = {"DATABASE_URL": dsn, "REDIS_URL": redis_url, "REGISTRY_LOG_LEVEL": "WARNING",
                      "NOMINATIONS_LOG_LEVEL": "WARNING", "REGISTRY_RUN_OUTBOX_RELAY": "false",
                      "NOMINATIONS_RUN_OUTBOX_RELAY": "false"}
            with PeakRss() as watch, \
                    served("services.registry.main:app", watch=watch, name="registry",
                           env={**common, "REGISTRY_JWT_PRIVATE_KEY_PEM": private_key_pem(key).decode()}) as registry, \
                    served("services.nominations.main:app", watch=watch, name="nominations",
                           env={**common, "NOMINATIONS_REGISTRY_URL": registry}) as nominations:
                ministry = {"Authorization": f"Bearer {issuer.issue(subject='ministry', role='ministry', province=None)[0]}"}
                lean = LeanHttp(nominations)
                async with httpx.AsyncClient(base_url=nominations, timeout=60) as client:
                    rollup_path = f"/v1/movements/{movement_id}/rollup"
                    models_path = f"/v1/movements/{movement_id}/models"
                    # Untimed warm-up of both sides and both clients (page cache, plans, connections).
                    for _ in range(3):
                        assert (await client.get(rollup_path, headers=ministry)).status_code == 200
                        assert (await lean.get(rollup_path, headers=ministry))[1].status == 200
                        await bare_rollup(conn, movement_id)
                        for q in QUERIES:
                            assert (await client.get(models_path, params={"q": q})).status_code == 200
                            assert (await lean.get(models_path, {"q": q}))[1].status == 200
                            await bare_search(conn, movement_id, q)
                    api_rollup, sql_rollup, api_search, sql_search, floor = [], [], [], [], []
                    httpx_rollup: list[float] = []
                    httpx_search: list[float] = []
                    found: dict[str, int] = {}
                    for _ in range(ROUNDS):
                        seconds, _answer = await lean.get("/healthz")
                        floor.append(seconds)
                        sql_rollup.append(await bare_rollup(conn, movement_id))
                        seconds, answer = await lean.get(rollup_path, headers=ministry)
                        api_rollup.append(seconds)
                        body = answer.json()
                        assert answer.status == 200 and body["expected"] == UNITS and body["models"] == MODELS, \
                            answer.content[:300]
                        # The same request through httpx (a diagnostic, not the figure).
                        started = time.perf_counter()
                        r = await client.get(rollup_path, headers=ministry)
                        httpx_rollup.append(time.perf_counter() - started)
                        assert r.status_code == 200
                        for q in QUERIES:
                            seconds, rows = await bare_search(conn, movement_id, q)
                            sql_search.append(seconds)
                            seconds, answer = await lean.get(models_path, {"q": q})
                            api_search.append(seconds)
                            items = answer.json()["items"]
                            assert answer.status == 200 and len(items) == min(rows, 50), (q, rows, len(items))
                            assert all(m["state"] == "recognised" for m in items)
                            found[q] = rows
                            started = time.perf_counter()
                            r = await client.get(models_path, params={"q": q})
                            httpx_search.append(time.perf_counter() - started)
                            assert r.status_code == 200 and r.content == answer.content, q
                await lean.close()
                peaks = watch.peaks()
        finally:
            await conn.close()

    def ms(samples: list[float]) -> float:
        return round(statistics.median(samples) * 1000, 2)

    report("movements", {
        "units": UNITS, "models": MODELS, "provinces": PROVINCES, "rounds": ROUNDS, "queries": QUERIES,
        "first_page_sizes": found,
        "client": "bench.load.LeanHttp (one keep-alive HTTP/1.1 connection); httpx's figures beside it",
        "rollup_ms": {"api_median": ms(api_rollup), "bare_median": ms(sql_rollup),
                      "api_httpx_median": ms(httpx_rollup),
                      "api_samples": [round(s * 1000, 2) for s in api_rollup],
                      "bare_samples": [round(s * 1000, 2) for s in sql_rollup]},
        "search_ms": {"api_median": ms(api_search), "bare_median": ms(sql_search),
                      "api_httpx_median": ms(httpx_search)},
        "healthz_ms_median": ms(floor),
        "peak_rss_mb": peaks,
    })
    return [
        Figure("movement_rollup_ms", f"movement roll-up over {UNITS:,} units and {MODELS:,} models (API)", "ms",
               ms(api_rollup), ms(sql_rollup), TARGET, "max",
               baseline_label="the same three GROUP BY statements straight to PostgreSQL",
               notes=f"median of {ROUNDS}, interleaved; HTTP, token check and JSON included on the API side; "
                     f"through httpx {ms(httpx_rollup)} ms"),
        Figure("movement_models_search_ms", f"models search q= over {MODELS:,} models (API, anonymous)", "ms",
               ms(api_search), ms(sql_search), TARGET, "max",
               baseline_label="the same SELECT (folded LIKE, first page of 50) straight to PostgreSQL",
               notes=f"median of {ROUNDS * len(QUERIES)} over {len(QUERIES)} queries, with and without diacritics; "
                     f"through httpx {ms(httpx_search)} ms"),
    ]
