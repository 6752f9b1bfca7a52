"""Organisers and their units: creation, the codes the schema allows, rename, merge, dissolve with
history, and staff of one organiser refused on another's units."""
import asyncpg
import pytest

from tests.support import problem

QN = {"code": "UBND-QN", "name": "Ủy ban nhân dân tỉnh Quảng Ninh", "kind": "province", "province_code": "22"}


@pytest.fixture
def staff_token(registry):
    def issue(organiser: str, subject: str | None = None) -> dict:
        token, _ = registry.app.state.issuer.issue(subject=subject or f"staff-{organiser.lower()}", role="staff",
                                                   province=None, organiser=organiser)
        return registry.auth(token)
    return issue


@pytest.fixture
async def quang_ninh(registry, issue_token, staff_token):
    ministry = registry.auth(issue_token("ministry"))
    r = await registry.client.post("/v1/organisers", headers=ministry, json=QN)
    assert r.status_code == 201, r.text
    return staff_token("UBND-QN")


async def _unit(registry, headers, code, name, kind="department", organiser="UBND-QN", **extra):
    return await registry.client.post("/v1/units", headers=headers, json={
        "code": code, "name": name, "kind": kind, "organiser": organiser, **extra})


async def test_organisers_list_the_ministry_and_what_it_adds(registry, issue_token, quang_ninh):
    items = (await registry.client.get("/v1/organisers")).json()["items"]
    assert [o["code"] for o in items] == ["BNV", "UBND-QN"]
    assert items[0] == {"code": "BNV", "name": "Bộ Nội vụ", "kind": "ministry", "province_code": None,
                        "award_level": "ministry"}
    assert items[1]["award_level"] == "province" and items[1]["province_code"] == "22"
    ministry = registry.auth(issue_token("ministry"))
    # One People's Committee per province; a province's organiser names a province in force.
    body = problem(await registry.client.post("/v1/organisers", headers=ministry, json={**QN, "code": "QN2"}), 409)
    assert body["errors"][0]["field"] == "province_code"
    body = problem(await registry.client.post("/v1/organisers", headers=ministry, json={
        **QN, "code": "UBND-TB", "province_code": "34"}), 422)  # Thái Bình ended in 2025
    assert body["errors"][0]["field"] == "province_code"
    body = problem(await registry.client.post("/v1/organisers", headers=ministry, json={
        "code": "BYT", "name": "Bộ Y tế", "kind": "other", "province_code": "22"}), 422)
    assert body["errors"][0]["field"] == "province_code"
    # Only the ministry adds organisers.
    problem(await registry.client.post("/v1/organisers", headers=quang_ninh, json={
        "code": "BYT", "name": "Bộ Y tế", "kind": "other"}), 403)
    problem(await registry.client.post("/v1/organisers", headers=registry.auth(issue_token("province", "22")),
                                       json={"code": "BYT", "name": "Bộ Y tế", "kind": "other"}), 403)
    problem(await registry.client.get("/v1/organisers/NOPE"), 404)


async def test_provinces_are_units_of_the_ministry(registry):
    units = (await registry.client.get("/v1/units", params={"kind": "province", "on": "2024-06-01"})).json()["items"]
    assert len(units) == 63 and all(u["organiser"] == "BNV" for u in units)
    hue = (await registry.client.get("/v1/units/46", params={"on": "2025-02-01"})).json()
    assert hue["name"] == "Huế" and hue["form"] == "city" and hue["predecessors"][0]["name"] == "Thừa Thiên Huế"
    # The province routes answer as before.
    assert len((await registry.client.get("/v1/provinces", params={"on": "2025-07-01"})).json()["items"]) == 34


async def test_staff_create_units_of_their_organiser_only(registry, issue_token, quang_ninh, staff_token):
    r = await _unit(registry, quang_ninh, "QN-SNV", "Sở Nội vụ")
    assert r.status_code == 201, r.text
    assert r.json() | {} == {"code": "QN-SNV", "name": "Sở Nội vụ", "kind": "department", "form": None,
                             "organiser": "UBND-QN", "province_code": "22", "valid_from": None, "valid_to": None,
                             "successor_code": None}
    # A commune outside the national list is history: it ended before 1 July 2025.
    r = await _unit(registry, quang_ninh, "99001", "Phường Mẫu Một", kind="commune", form="phuong",
                    valid_to="2025-06-30")
    assert r.status_code == 201 and r.json()["form"] == "phuong"
    # The ministry reads them, but adds nothing to another organiser; nor do another's staff.
    problem(await _unit(registry, registry.auth(issue_token("ministry")), "QN-STC", "Sở Tài chính"), 403)
    problem(await _unit(registry, staff_token("UBND-HN"), "QN-STC", "Sở Tài chính"), 403)
    problem(await _unit(registry, registry.auth(issue_token("province", "22")), "QN-STC", "Sở Tài chính"), 403)
    # Codes: office codes start with a letter, national ones are all digits of their kind's length.
    for code, kind in (("123", "department"), ("QN-1", "commune"), ("9900", "commune"), ("22", "province")):
        body = problem(await _unit(registry, quang_ninh, code, "Tên", kind=kind), 422)
        assert body["errors"][0]["field"] in ("code", "kind"), body
    body = problem(await _unit(registry, quang_ninh, "QN-SNV", "Sở Nội vụ khác"), 409)
    assert body["errors"][0]["field"] == "code"
    body = problem(await _unit(registry, quang_ninh, "99002", "Xã", kind="commune", province_code="01"), 422)
    assert body["errors"][0]["field"] == "province_code"
    # (Before 1 July 2025: from then on Quảng Ninh's communes of the national list are UBND-QN's too.)
    listed = (await registry.client.get("/v1/units", params={"organiser": "UBND-QN", "on": "2025-01-01"})).json()["items"]
    assert [u["code"] for u in listed] == ["99001", "QN-SNV"]
    assert [u["code"] for u in (await registry.client.get(
        "/v1/units", params={"organiser": "UBND-QN", "kind": "commune", "on": "2025-01-01"})).json()["items"]] == ["99001"]


async def test_the_schema_keeps_office_codes_apart_from_national_ones(registry, quang_ninh, database_url):
    conn = await asyncpg.connect(database_url)
    try:
        for code, kind, form, province in (("12345", "department", None, "22"), ("Q1", "commune", "xa", "22"),
                                           ("123", "commune", "xa", "22"), ("QN-X", "province", "province", None),
                                           ("99003", "commune", "xa", None)):
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute(
                    """INSERT INTO registry.units (code, name, kind, form, organiser_code, province_code)
                       VALUES ($1, 'x', $2, $3, 'UBND-QN', $4)""", code, kind, form, province)
        await conn.execute("""INSERT INTO registry.units (code, name, kind, organiser_code)
                              VALUES ('QN-SYT', 'Sở Y tế', 'department', 'UBND-QN')""")
        with pytest.raises(asyncpg.ExclusionViolationError):
            await conn.execute("""INSERT INTO registry.units (code, name, kind, organiser_code)
                                  VALUES ('QN-SYT', 'Sở Y tế khác', 'department', 'BNV')""")
    finally:
        await conn.close()


async def test_rename_dissolve_and_merge_keep_history(registry, quang_ninh, staff_token):
    for code, name in (("QN-SKH", "Sở Kế hoạch và Đầu tư"), ("QN-STC", "Sở Tài chính"), ("QN-SGT", "Sở Giao thông")):
        assert (await _unit(registry, quang_ninh, code, name)).status_code == 201
    r = await registry.client.post("/v1/units/QN-SGT/rename", headers=quang_ninh, json={
        "name": "Sở Xây dựng", "effective_date": "2025-03-01", "reason": "Nghị quyết hợp nhất"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Sở Xây dựng"
    assert [c["kind"] for c in r.json()["changes"]] == ["created", "renamed"]
    assert r.json()["changes"][1]["details"] == {"from": "Sở Giao thông", "to": "Sở Xây dựng"}
    # Another organiser's staff cannot touch it.
    problem(await registry.client.post("/v1/units/QN-SGT/rename", headers=staff_token("BNV"), json={
        "name": "X", "effective_date": "2025-03-01"}), 403)
    # Planning and Finance merge into a new department from 1 March 2025.
    r = await registry.client.post("/v1/units/mergers", headers=quang_ninh, json={
        "sources": ["QN-SKH", "QN-STC"], "successor": {"code": "QN-STC2", "name": "Sở Tài chính"},
        "effective_date": "2025-03-01", "reason": "Sắp xếp bộ máy"})
    assert r.status_code == 201, r.text
    merged = r.json()
    assert merged["valid_from"] == "2025-03-01" and {p["code"] for p in merged["predecessors"]} == {"QN-SKH", "QN-STC"}
    old = (await registry.client.get("/v1/units/QN-SKH", params={"on": "2025-02-28"})).json()
    assert old["valid_to"] == "2025-02-28" and old["successor"]["code"] == "QN-STC2"
    problem(await registry.client.get("/v1/units/QN-SKH", params={"on": "2025-03-01"}), 404)
    # Absorption: a unit in force takes another in.
    assert (await _unit(registry, quang_ninh, "QN-SXD2", "Ban Quản lý dự án")).status_code == 201
    r = await registry.client.post("/v1/units/mergers", headers=quang_ninh, json={
        "sources": ["QN-SXD2"], "successor": {"code": "QN-SGT"}, "effective_date": "2025-07-01",
        "reason": "Sáp nhập"})
    assert r.status_code == 201, r.text
    assert [p["code"] for p in r.json()["predecessors"]] == ["QN-SXD2"]
    # Dissolution: ends the day before, no successor.
    r = await registry.client.post("/v1/units/QN-STC2/dissolve", headers=quang_ninh, json={
        "effective_date": "2025-10-01", "reason": "Giải thể"})
    assert r.status_code == 200, r.text
    assert r.json()["valid_to"] == "2025-09-30" and r.json()["successor"] is None
    assert [c["kind"] for c in r.json()["changes"]] == ["created", "dissolved"]
    body = problem(await registry.client.post("/v1/units/QN-STC2/dissolve", headers=quang_ninh, json={
        "effective_date": "2025-11-01", "reason": "again"}), 422)
    assert body["errors"][0]["field"] == "effective_date"
    # Provinces change only by the ministry's mergers.
    body = problem(await registry.client.post("/v1/units/22/rename", headers=staff_token("BNV"), json={
        "name": "Quảng Ninh mới", "effective_date": "2025-03-01"}), 422)
    assert body["errors"][0]["field"] == "code"
    problem(await registry.client.post("/v1/units/NOPE/dissolve", headers=quang_ninh, json={
        "effective_date": "2025-10-01", "reason": "x"}), 404)
