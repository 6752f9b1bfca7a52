"""The national list of communes after 1 July 2025 (the pinned ``vietnam-provinces`` package's):
loaded once into the tests' template database by the migrate step's loader, as in production; its
communes answer ``GET /v1/units``; loading again changes nothing; a later version's rename is
recorded; ``POST /v1/units`` takes a commune only as history, and office codes never take a
commune's five digits."""
import copy
import json

import asyncpg
import vietnam_provinces

from services.registry.service import national_list
from shared.db import connect
from tests.support import problem

QN = {"code": "UBND-HN", "name": "Ủy ban nhân dân thành phố Hà Nội", "kind": "province", "province_code": "01"}


def _packaged() -> list[dict]:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
        return json.load(f)


async def _all(registry, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        page = (await registry.client.get("/v1/units", params={**params, "limit": 1000,
                                                               **({"cursor": cursor} if cursor else {})})).json()
        items += page["items"]
        if not (cursor := page["next"]):
            return items


async def _counts(conn: asyncpg.Connection) -> tuple:
    return tuple([await conn.fetchval(f"SELECT count(*) FROM registry.{t}")
                  for t in ("units", "unit_changes", "audit_log", "national_list_loads", "outbox")]
                 + [await conn.fetchval("SELECT md5(string_agg(id || code || name || coalesce(organiser_code, '') || "
                                        "coalesce(national_list, ''), ',' ORDER BY id)) FROM registry.units")])


async def test_every_commune_of_the_list_is_a_unit_from_1_july_2025(registry):
    communes = await _all(registry, kind="commune", on="2026-01-01")
    assert len(communes) == 3321
    assert len({c["province_code"] for c in communes}) == 34
    provinces = {p["code"] for p in (await registry.client.get("/v1/provinces", params={"on": "2025-07-01"})).json()["items"]}
    assert {c["province_code"] for c in communes} == provinces
    assert all(len(c["code"]) == 5 and c["code"].isdigit() and c["valid_from"] == "2025-07-01" and c["valid_to"] is None
               and c["organiser"] is None for c in communes)
    assert {c["form"] for c in communes} == {"xa", "phuong", "dac_khu"}
    hoan_kiem = (await registry.client.get("/v1/units/00070", params={"on": "2026-01-01"})).json()
    assert (hoan_kiem["name"], hoan_kiem["province_code"], hoan_kiem["form"], hoan_kiem["kind"]) == \
        ("Phường Hoàn Kiếm", "01", "phuong", "commune")
    assert [c["kind"] for c in hoan_kiem["changes"]] == ["created"]
    # A province's communes, by the province filter: Hà Nội's as the list has them; none before the list.
    hanoi = await _all(registry, kind="commune", province="01", on="2026-01-01")
    expected = next(p for p in _packaged() if p["code"] == 1)["wards"]
    assert sorted(c["code"] for c in hanoi) == sorted(f"{w['code']:05d}" for w in expected)
    assert await _all(registry, kind="commune", province="01", on="2025-06-30") == []
    # The ministry's units stay its provinces.
    assert {u["kind"] for u in await _all(registry, organiser="BNV", on="2026-01-01")} == {"province"}


async def test_loading_again_changes_nothing_and_a_renamed_commune_keeps_its_history(database_url):
    conn = await connect(database_url)
    try:
        before = await _counts(conn)
        report = await national_list.load(conn)
        assert not report.changed and (report.communes, report.provinces) == (3321, 34)
        assert await _counts(conn) == before
        # A later version of the list renames one commune: the rename is recorded, nothing else moves.
        later = copy.deepcopy(_packaged())
        ward = next(w for p in later if p["code"] == 1 for w in p["wards"] if w["code"] == 70)
        ward["name"] = "Phường Hoàn Kiếm Mới"
        report = await national_list.load(conn, nested=later, version="test-2026")
        assert (report.created, report.renamed, report.adopted, report.not_listed) == (0, 1, 0, 0)
        row = await conn.fetchrow("SELECT id, name, national_list FROM registry.units WHERE code = '00070'")
        assert (row["name"], row["national_list"]) == ("Phường Hoàn Kiếm Mới", "test-2026")
        changes = await conn.fetch("SELECT kind, details FROM registry.unit_changes WHERE unit_id = $1 ORDER BY id",
                                   row["id"])
        assert [c["kind"] for c in changes] == ["created", "renamed"]
        assert changes[1]["details"]["from"] == "Phường Hoàn Kiếm" and changes[1]["details"]["to"] == "Phường Hoàn Kiếm Mới"
        once = await _counts(conn)
        assert not (await national_list.load(conn, nested=later, version="test-2026")).changed
        assert await _counts(conn) == once
        loads = [r["version"] for r in await conn.fetch("SELECT version FROM registry.national_list_loads")]
        assert sorted(loads) == ["test-2026", f"vietnam-provinces {vietnam_provinces.__version__}"]
    finally:
        await conn.close()


async def test_a_province_organiser_takes_its_communes_and_records_only_history(registry, issue_token):
    ministry = registry.auth(issue_token("ministry"))
    # No organiser holds a commune yet: nobody changes it.
    problem(await registry.client.post("/v1/units/00070/rename", headers=ministry,
                                       json={"name": "Phường X", "effective_date": "2026-01-01"}), 403)
    assert (await registry.client.post("/v1/organisers", headers=ministry, json=QN)).status_code == 201
    office = registry.auth(registry.app.state.issuer.issue(subject="staff-hn", role="staff", province=None,
                                                           organiser="UBND-HN")[0])
    hanoi = await _all(registry, organiser="UBND-HN", kind="commune", on="2026-01-01")
    assert len(hanoi) == len(next(p for p in _packaged() if p["code"] == 1)["wards"])
    assert (await registry.client.get("/v1/units/00070")).json()["organiser"] == "UBND-HN"
    assert (await registry.client.get("/v1/units/26506")).json()["organiser"] is None  # Hồ Chí Minh City's
    # A commune acts through a unit account once its organiser holds it; before, nobody makes one.
    body = problem(await registry.client.post("/v1/accounts", headers=ministry, json={
        "username": "unit-26506", "role": "unit", "unit_code": "26506"}), 422)
    assert body["errors"][0]["field"] == "unit_code"
    r = await registry.client.post("/v1/accounts", headers=office, json={
        "username": "unit-00070", "role": "unit", "unit_code": "00070"})
    assert r.status_code == 201, r.text

    def commune(code, **extra):
        return registry.client.post("/v1/units", headers=office, json={
            "code": code, "name": "Phường Mẫu", "kind": "commune", "form": "phuong", "organiser": "UBND-HN", **extra})

    # A commune in force from 1 July 2025 is the list's: a code outside it is refused, naming code...
    for extra in ({}, {"valid_from": "2025-07-01"}, {"valid_to": "2025-07-01"}, {"valid_to": "2030-01-01"}):
        body = problem(await commune("99990", **extra), 422)
        assert body["errors"][0]["field"] == "code", (extra, body)
    # ...and one of its codes already names that commune.
    body = problem(await commune("00070"), 409)
    assert body["errors"][0]["field"] == "code"
    # An office records a commune that ended before then, and what it merged into.
    r = await commune("99990", valid_to="2025-06-30", successor_code="00070")
    assert r.status_code == 201, r.text
    assert r.json()["valid_to"] == "2025-06-30" and r.json()["successor_code"] == "00070"
    merged = (await registry.client.get("/v1/units/00070", params={"on": "2025-07-01"})).json()
    assert [p["code"] for p in merged["predecessors"]] == ["99990"]
    # A code of the list that named another commune before then is history too (the list reused codes).
    assert (await commune("00073", name="Phường Cũ", valid_to="2025-06-30")).status_code == 201
    body = problem(await commune("00076", valid_to="2025-06-30", successor_code="26506"), 422)  # not UBND-HN's
    assert body["errors"][0]["field"] == "successor_code"
    # Office codes never take a commune's five digits (nor any all-digit code).
    for code, kind in (("00070", "department"), ("12345", "enterprise"), ("99990", "public_service")):
        body = problem(await registry.client.post("/v1/units", headers=office, json={
            "code": code, "name": "Đơn vị", "kind": kind, "organiser": "UBND-HN"}), 422)
        assert body["errors"][0]["field"] == "code"
