"""A province's own clusters of its units, run by its emulation office: every cluster route refuses
another organiser's staff (the ministry included) with 403, accounts act for an organiser or a
unit, and the cluster events name the organiser."""
import json

import asyncpg
import pytest

from tests.support import problem

QN = {"code": "UBND-QN", "name": "Ủy ban nhân dân tỉnh Quảng Ninh", "kind": "province", "province_code": "22"}
DEPARTMENTS = [("QN-SNV", "Sở Nội vụ"), ("QN-STC", "Sở Tài chính"), ("QN-SYT", "Sở Y tế")]


@pytest.fixture
def staff(registry):
    def issue(organiser: str) -> dict:
        token, _ = registry.app.state.issuer.issue(subject=f"staff-{organiser.lower()}", role="staff", province=None,
                                                   organiser=organiser)
        return registry.auth(token)
    return issue


@pytest.fixture
def unit_account(registry):
    def issue(code: str) -> dict:
        token, _ = registry.app.state.issuer.issue(subject=f"unit-{code.lower()}", role="unit", province=None,
                                                   unit=code)
        return registry.auth(token)
    return issue


@pytest.fixture
async def qn(registry, issue_token, staff):
    ministry = registry.auth(issue_token("ministry"))
    assert (await registry.client.post("/v1/organisers", headers=ministry, json=QN)).status_code == 201
    office = staff("UBND-QN")
    for code, name in DEPARTMENTS:
        r = await registry.client.post("/v1/units", headers=office, json={
            "code": code, "name": name, "kind": "department", "organiser": "UBND-QN"})
        assert r.status_code == 201, r.text
    r = await registry.client.post("/v1/clusters", headers=office, json={
        "code": "QN-KHOI-SO", "name": "Khối các sở, ban, ngành", "kind": "khoi", "organiser": "UBND-QN"})
    assert r.status_code == 201, r.text
    assert r.json()["organiser"] == "UBND-QN" and r.json()["organizer"] == QN["name"]
    return office


async def test_clusters_belong_to_their_organiser(registry, issue_token, qn, staff):
    ministry = registry.auth(issue_token("ministry"))
    r = await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": "NV-BAC", "name": "Cụm phía Bắc", "organizer": "Bộ Nội vụ", "kind": "cum"})
    assert r.status_code == 201 and r.json()["organiser"] == "BNV"
    # Nobody creates a cluster for another organiser.
    for headers, organiser in ((ministry, "UBND-QN"), (qn, "BNV"), (staff("UBND-HN"), "UBND-QN"),
                               (registry.auth(issue_token("province", "22")), "UBND-QN")):
        problem(await registry.client.post("/v1/clusters", headers=headers, json={
            "code": "X-1", "name": "x", "kind": "cum", "organiser": organiser}), 403)
    body = problem(await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": "X-2", "name": "x", "kind": "cum", "organiser": "NOPE"}), 422)
    assert body["errors"][0]["field"] == "organiser"
    listed = (await registry.client.get("/v1/clusters", params={"organiser": "UBND-QN"})).json()["items"]
    assert [c["code"] for c in listed] == ["QN-KHOI-SO"]
    assert [c["code"] for c in (await registry.client.get("/v1/clusters")).json()["items"]] == ["NV-BAC", "QN-KHOI-SO"]


async def test_every_cluster_write_refuses_another_organiser(registry, issue_token, qn, staff, unit_account):
    ministry = registry.auth(issue_token("ministry"))
    others = [ministry, staff("UBND-HN"), registry.auth(issue_token("province", "22")), unit_account("QN-SYT")]
    base = "/v1/clusters/QN-KHOI-SO"
    period = {"members": [c for c, _ in DEPARTMENTS]}
    for headers in others:
        problem(await registry.client.put(f"{base}/periods/2024", headers=headers, json=period), 403)
        problem(await registry.client.patch(base, headers=headers, json={"name": "Khối mới"}), 403)
    r = await registry.client.put(f"{base}/periods/2024", headers=qn, json=period)
    assert r.status_code == 200, r.text
    assert r.json()["organiser"] == "UBND-QN" and [m["code"] for m in r.json()["members"]] == ["QN-SNV", "QN-STC",
                                                                                                  "QN-SYT"]
    # Members are the organiser's units: not a province of the ministry's.
    body = problem(await registry.client.put(f"{base}/periods/2025", headers=qn, json={"members": ["QN-SNV", "22"]}),
                   422)
    assert body["errors"][0]["field"] == "members" and body["code"] == "22"
    election = {"method": "election", "lead": "QN-SNV", "deputy": "QN-STC"}
    for headers in others:
        problem(await registry.client.post(f"{base}/periods/2024/leadership", headers=headers, json=election), 403)
    r = await registry.client.post(f"{base}/periods/2024/leadership", headers=qn, json=election)
    assert r.status_code == 201, r.text
    correction = {"lead": "QN-STC", "deputy": "QN-SNV", "reason": "Biên bản hội nghị"}
    change = {"effective_date": "2024-06-01", "remove": ["QN-SYT"], "reason": "Sáp nhập"}
    for headers in others:
        problem(await registry.client.put(f"{base}/periods/2024/leadership", headers=headers, json=correction), 403)
        problem(await registry.client.post(f"{base}/periods/2024/members", headers=headers, json=change), 403)
    assert (await registry.client.post(f"{base}/periods/2024/members", headers=qn, json=change)).status_code == 200
    # Next year: last year's lead unit records the rotation, as a province does for the ministry's clusters.
    assert (await registry.client.put(f"{base}/periods/2025", headers=qn, json=period)).status_code == 200
    problem(await registry.client.post(f"{base}/periods/2025/leadership", headers=unit_account("QN-STC"),
                                       json={"method": "rotation"}), 403)
    r = await registry.client.post(f"{base}/periods/2025/leadership", headers=unit_account("QN-SNV"),
                                   json={"method": "rotation"})
    assert r.status_code == 201, r.text
    assert r.json()["lead"]["code"] == "QN-STC"
    # Reads stay public: the ministry's national view sees the province's cluster.
    assert (await registry.client.get(f"{base}/periods/2025")).json()["lead"]["code"] == "QN-STC"


async def test_cluster_events_name_the_organiser(registry, qn, database_url):
    r = await registry.client.put("/v1/clusters/QN-KHOI-SO/periods/2024", headers=qn,
                                  json={"members": [c for c, _ in DEPARTMENTS]})
    assert r.status_code == 200
    conn = await asyncpg.connect(database_url)
    try:
        payload = await conn.fetchval(
            "SELECT payload FROM registry.outbox WHERE type = 'registry.period.updated' ORDER BY id DESC LIMIT 1")
    finally:
        await conn.close()
    assert json.loads(payload)["organiser"] == "UBND-QN"


async def test_staff_and_unit_accounts(registry, issue_token, qn, staff):
    ministry = registry.auth(issue_token("ministry"))
    password = "a long and unguessable passphrase 42"
    r = await registry.client.post("/v1/accounts", headers=ministry, json={
        "username": "qn-office", "password": password, "role": "staff", "organiser": "UBND-QN"})
    assert r.status_code == 201, r.text
    assert r.json()["organiser"] == "UBND-QN" and r.json()["unit_code"] is None
    # The province's office creates its units' accounts, not another organiser's.
    r = await registry.client.post("/v1/accounts", headers=qn, json={
        "username": "qn-snv", "password": password, "role": "unit", "unit_code": "QN-SNV"})
    assert r.status_code == 201, r.text
    for body in ({"role": "unit", "unit_code": "22"}, {"role": "staff", "organiser": "BNV"},
                 {"role": "ministry"}, {"role": "province", "province_code": "22"}):
        problem(await registry.client.post("/v1/accounts", headers=qn, json={
            "username": "x-other", "password": password, **body}), 403)
    for body, field in (({"role": "staff"}, "organiser"), ({"role": "unit"}, "unit_code"),
                        ({"role": "unit", "unit_code": "QN-NONE"}, "unit_code"),
                        ({"role": "staff", "organiser": "NOPE"}, "organiser"),
                        ({"role": "ministry", "organiser": "BNV"}, "organiser")):
        body = problem(await registry.client.post("/v1/accounts", headers=ministry, json={
            "username": "x-bad", "password": password, **body}), 422)
        assert body["errors"][0]["field"] == field, body
    # Tokens carry what the policies need.
    for username, expected in (("qn-office", {"role": "staff", "organiser": "UBND-QN"}),
                               ("qn-snv", {"role": "unit", "unit_code": "QN-SNV"})):
        r = await registry.client.post("/v1/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        me = (await registry.client.get("/v1/accounts/me", headers=registry.auth(r.json()["access_token"]))).json()
        assert {k: me.get(k) for k in expected} == expected
    # The office lists its own organiser's accounts; the ministry every one.
    mine = (await registry.client.get("/v1/accounts", headers=qn)).json()["items"]
    assert {a["username"] for a in mine} == {"qn-office", "qn-snv"}
    assert len((await registry.client.get("/v1/accounts", headers=ministry, params={"organiser": "UBND-QN"})
                ).json()["items"]) == 2
