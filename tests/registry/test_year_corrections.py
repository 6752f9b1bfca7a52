"""The year as the ministry lives it: the year at a glance, accounts, corrections during the year
(cluster details, members joining or leaving on a date, leadership), one cluster of a kind per
province, mergers with bounds that can be undone."""
from datetime import datetime, timezone

import pytest

from tests.support import problem

NORTH = ["34", "33", "30", "31", "22", "36", "35", "37"]
NOW = datetime(2025, 3, 10, 3, 0, tzinfo=timezone.utc)  # 10 March 2025, morning in Vietnam


@pytest.fixture
def registry_settings(registry_settings):
    return registry_settings.model_copy(update={"clock_fixed_at": NOW})


@pytest.fixture
def ministry(registry, issue_token):
    return registry.auth(issue_token("ministry"))


async def _cluster(registry, ministry, code="NV-BAC", kind="cum"):
    r = await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": code, "name": f"Cụm {code}", "organizer": "Bộ Nội vụ", "kind": kind})
    assert r.status_code == 201, r.text


async def _period(registry, ministry, year, code="NV-BAC", **body):
    return await registry.client.put(f"/v1/clusters/{code}/periods/{year}", headers=ministry, json=body)


async def _events(registry, type_):
    async with registry.app.state.db.connection() as conn:
        return [r["payload"] for r in await conn.fetch(
            "SELECT payload FROM registry.outbox WHERE type = $1 ORDER BY seq", type_)]


async def _audit(registry, action):
    async with registry.app.state.db.connection() as conn:
        return await conn.fetch("SELECT actor, target, details FROM registry.audit_log WHERE action = $1", action)


async def test_the_year_at_a_glance_lists_lead_deputy_and_member_count(registry, ministry):
    await _cluster(registry, ministry)
    await _cluster(registry, ministry, "NV-NAM")
    await _cluster(registry, ministry, "K-OLD", kind="khoi")
    assert (await _period(registry, ministry, 2025, members=NORTH)).status_code == 200
    assert (await _period(registry, ministry, 2025, code="NV-NAM", members=["01", "04", "11"])).status_code == 200
    assert (await _period(registry, ministry, 2024, code="K-OLD", members=["01", "04"])).status_code == 200
    r = await registry.client.post("/v1/clusters/NV-BAC/periods/2025/leadership", headers=ministry,
                                   json={"method": "election", "lead": "30", "deputy": "31"})
    assert r.status_code == 201, r.text
    body = (await registry.client.get("/v1/clusters", params={"year": 2025})).json()
    assert [c["code"] for c in body["items"]] == ["NV-BAC", "NV-NAM"]
    bac, nam = body["items"]
    assert bac["member_count"] == 8 and bac["lead"] == {"code": "30", "name": "Hải Dương"}
    assert bac["deputy"] == {"code": "31", "name": "Hải Phòng"} and bac["leadership_method"] == "election"
    assert nam["member_count"] == 3 and nam["lead"] is None and nam["deputy"] is None
    # Paged like every list; without ?year= the plain clusters.
    first = (await registry.client.get("/v1/clusters", params={"year": 2025, "limit": 1})).json()
    assert [c["code"] for c in first["items"]] == ["NV-BAC"] and first["next"]
    plain = (await registry.client.get("/v1/clusters")).json()["items"]
    assert len(plain) == 3 and "member_count" not in plain[0]


async def test_accounts_listed_for_the_ministry_with_filters_and_details(registry, ministry, issue_token):
    for username, role, province in [("ministry-a", "ministry", None), ("province-22", "province", "22"),
                                      ("province-22b", "province", "22"), ("province-33", "province", "33"),
                                      ("svc-x", "service", None)]:
        r = await registry.client.post("/v1/accounts", headers=ministry, json={
            "username": username, "password": "a-long-password", "role": role, "province_code": province})
        assert r.status_code == 201, r.text
    body = (await registry.client.get("/v1/accounts", headers=ministry, params={"role": "province"})).json()
    assert [a["username"] for a in body["items"]] == ["province-22", "province-22b", "province-33"]
    assert "password_hash" not in str(body)
    body = (await registry.client.get("/v1/accounts", headers=ministry, params={"province": "22"})).json()
    assert {a["username"] for a in body["items"]} == {"province-22", "province-22b"}
    first = (await registry.client.get("/v1/accounts", headers=ministry, params={"limit": 2})).json()
    second = (await registry.client.get("/v1/accounts", headers=ministry,
                                        params={"limit": 2, "cursor": first["next"]})).json()
    assert [a["username"] for a in first["items"]] == ["ministry-a", "province-22"]
    assert [a["username"] for a in second["items"]] == ["province-22b", "province-33"] and second["next"]
    detail = (await registry.client.get("/v1/accounts/province-33", headers=ministry)).json()
    assert detail["role"] == "province" and detail["province_code"] == "33" and detail["active"] is True
    province = registry.auth(issue_token("province", "33", subject="province-33"))
    problem(await registry.client.get("/v1/accounts", headers=province), 403)
    assert (await registry.client.get("/v1/accounts/province-33", headers=province)).status_code == 200
    problem(await registry.client.get("/v1/accounts/province-22", headers=province), 403)
    problem(await registry.client.get("/v1/accounts/nobody-here", headers=ministry), 404)
    assert problem(await registry.client.get("/v1/accounts", headers=ministry, params={"role": "king"}),
                   422)["errors"][0]["field"] == "role"


async def test_a_model_level_rule_names_its_field(registry, ministry):
    body = problem(await registry.client.post("/v1/accounts", headers=ministry, json={
        "username": "province-x1", "password": "a-long-password", "role": "province"}), 422)
    assert [e["field"] for e in body["errors"]] == ["province_code"]
    await _cluster(registry, ministry)
    await _period(registry, ministry, 2025, members=NORTH)
    body = problem(await registry.client.post("/v1/clusters/NV-BAC/periods/2025/leadership", headers=ministry,
                                              json={"method": "election", "lead": "34"}), 422)
    assert [e["field"] for e in body["errors"]] == ["deputy"]


async def test_a_cluster_is_renamed_and_its_members_told(registry, ministry, issue_token):
    await _cluster(registry, ministry)
    await _period(registry, ministry, 2025, members=NORTH)
    r = await registry.client.patch("/v1/clusters/NV-BAC", headers=ministry,
                                    json={"name": "Cụm thi đua phía Bắc", "organizer": "Vụ Thi đua"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Cụm thi đua phía Bắc" and r.json()["organizer"] == "Vụ Thi đua"
    assert r.json()["years"] == [2025]
    assert (await registry.client.get("/v1/clusters/NV-BAC")).json()["name"] == "Cụm thi đua phía Bắc"
    [event] = await _events(registry, "registry.cluster.updated")
    assert event["changes"]["name"] == {"from": "Cụm NV-BAC", "to": "Cụm thi đua phía Bắc"}
    assert {m["code"] for m in event["members"]} == set(NORTH)
    assert len(await _audit(registry, "cluster.update")) == 1
    problem(await registry.client.patch("/v1/clusters/NV-BAC", headers=ministry, json={}), 422)
    problem(await registry.client.patch("/v1/clusters/NV-BAC", headers=registry.auth(issue_token("province", "34")),
                                        json={"name": "Khác"}), 403)
    problem(await registry.client.patch("/v1/clusters/NOPE", headers=ministry, json={"name": "Khác"}), 404)


async def test_members_change_during_the_year_with_history(registry, ministry, issue_token):
    await _cluster(registry, ministry)
    await _period(registry, ministry, 2025, members=NORTH)
    await registry.client.post("/v1/clusters/NV-BAC/periods/2025/leadership", headers=ministry,
                               json={"method": "election", "lead": "30", "deputy": "31"})
    change = {"effective_date": "2025-04-01", "add": ["01"], "remove": ["22"],
              "reason": "Quyết định số 12/QĐ-BNV điều chỉnh thành viên"}
    r = await registry.client.post("/v1/clusters/NV-BAC/periods/2025/members", headers=ministry, json=change)
    assert r.status_code == 200, r.text
    assert r.json()["change"]["removed"] == [{"code": "22", "name": "Quảng Ninh"}]
    # Today (10 March) Quảng Ninh is still a member; from 1 April Hà Nội is, and Quảng Ninh is a former member.
    today = (await registry.client.get("/v1/clusters/NV-BAC/periods/2025")).json()
    assert today["on"] == "2025-03-10" and "22" in {m["code"] for m in today["members"]} and not today["former_members"]
    april = (await registry.client.get("/v1/clusters/NV-BAC/periods/2025", params={"on": "2025-04-01"})).json()
    assert {m["code"] for m in april["members"]} == set(NORTH) - {"22"} | {"01"}
    assert [(m["code"], m["left_on"]) for m in april["former_members"]] == [("22", "2025-04-01")]
    assert {m["code"]: m["joined_on"] for m in april["members"]}["01"] == "2025-04-01"
    history = (await registry.client.get("/v1/clusters/NV-BAC/periods/2025/history")).json()["items"]
    assert [h["kind"] for h in history] == ["set", "change"]
    assert history[1]["reason"] == change["reason"] and history[1]["changed_by"] == "ministry"
    assert history[1]["added"] == [{"code": "01", "name": "Hà Nội"}] and history[1]["effective_date"] == "2025-04-01"
    [event] = await _events(registry, "registry.period.members_changed")
    assert event["removed"] == [{"code": "22", "name": "Quảng Ninh"}] and event["reason"] == change["reason"]
    assert len(await _audit(registry, "period.change_members")) == 1
    # Refusals, each naming its field; nothing changed.
    url = "/v1/clusters/NV-BAC/periods/2025/members"
    assert problem(await registry.client.post(url, headers=ministry, json={**change, "add": [], "remove": ["30"]}),
                   409)["type"].endswith("leader-removed")
    assert problem(await registry.client.post(url, headers=ministry, json={**change, "effective_date": "2026-01-05"}),
                   422)["errors"][0]["field"] == "effective_date"
    assert problem(await registry.client.post(url, headers=ministry, json={**change, "add": ["33"], "remove": []}),
                   422)["errors"][0]["field"] == "add"
    assert problem(await registry.client.post(url, headers=ministry, json={**change, "add": [], "remove": ["04"]}),
                   422)["errors"][0]["field"] == "remove"
    assert problem(await registry.client.post(url, headers=ministry, json={**change, "reason": "  "}),
                   422)["errors"][0]["field"] == "reason"
    problem(await registry.client.post(url, headers=registry.auth(issue_token("province", "30")), json=change), 403)
    assert len((await registry.client.get("/v1/clusters/NV-BAC/periods/2025/history")).json()["items"]) == 2


async def test_one_cluster_of_a_kind_per_province_unless_the_ministry_allows_it(registry, ministry):
    await _cluster(registry, ministry, "CUM-A")
    await _cluster(registry, ministry, "CUM-B")
    await _cluster(registry, ministry, "KHOI-A", kind="khoi")
    assert (await _period(registry, ministry, 2025, code="CUM-A", members=["01", "04", "11"])).status_code == 200
    body = problem(await _period(registry, ministry, 2025, code="CUM-B", members=["11", "12"]), 409)
    assert body["errors"][0]["field"] == "members" and body["code"] == "11" and body["cluster"] == "CUM-A"
    # A member of a cụm may also be in a khối, and in a cụm another year.
    assert (await _period(registry, ministry, 2025, code="KHOI-A", members=["11", "12"])).status_code == 200
    assert (await _period(registry, ministry, 2026, code="CUM-B", members=["11", "12"])).status_code == 200
    r = await registry.client.post("/v1/clusters/CUM-B/periods/2026/members", headers=ministry,
                                   json={"effective_date": "2026-02-01", "add": ["04"], "reason": "Bổ sung"})
    assert r.status_code == 200, r.text  # 04 is in CUM-A in 2025 only
    problem(await registry.client.post("/v1/clusters/CUM-B/periods/2025/members", headers=ministry,
                                       json={"effective_date": "2025-02-01", "add": ["04"], "reason": "x"}), 404)
    r = await registry.client.patch("/v1/clusters/CUM-B", headers=ministry, json={"allow_shared_members": True})
    assert r.status_code == 200 and r.json()["allow_shared_members"] is True
    assert (await _period(registry, ministry, 2025, code="CUM-B", members=["11", "12"])).status_code == 200


async def test_the_ministry_corrects_a_decided_leadership_with_a_reason(registry, ministry, issue_token):
    await _cluster(registry, ministry)
    await _period(registry, ministry, 2024, members=NORTH)
    await _period(registry, ministry, 2025, members=NORTH)
    await registry.client.post("/v1/clusters/NV-BAC/periods/2024/leadership", headers=ministry,
                               json={"method": "election", "lead": "34", "deputy": "33"})
    r = await registry.client.post("/v1/clusters/NV-BAC/periods/2025/leadership", headers=ministry,
                                   json={"method": "rotation"})
    assert r.status_code == 201 and r.json()["lead"]["code"] == "33"
    url = "/v1/clusters/NV-BAC/periods/2025/leadership"
    body = {"lead": "30", "deputy": "31", "reason": "Hội nghị bầu lại theo Biên bản số 3"}
    problem(await registry.client.put(url, headers=registry.auth(issue_token("province", "34")), json=body), 403)
    assert problem(await registry.client.put(url, headers=ministry, json={**body, "deputy": "30"}),
                   422)["errors"][0]["field"] == "deputy"
    problem(await registry.client.put("/v1/clusters/NV-BAC/periods/2026/leadership", headers=ministry, json=body), 404)
    r = await registry.client.put(url, headers=ministry, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["lead"]["code"] == "30" and r.json()["method"] == "rotation"
    assert r.json()["correction"]["reason"] == body["reason"] and r.json()["correction"]["corrected_by"] == "ministry"
    period = (await registry.client.get("/v1/clusters/NV-BAC/periods/2025")).json()
    assert period["lead"]["code"] == "30" and period["deputy"]["code"] == "31"
    [event] = await _events(registry, "registry.leadership.corrected")
    assert event["method"] == "correction" and event["decided_method"] == "rotation"
    assert event["previous"]["lead"]["code"] == "33" and event["reason"] == body["reason"]
    assert [e["method"] for e in await _events(registry, "registry.leadership.rotated")] == ["election", "rotation"]
    [entry] = await _audit(registry, "leadership.correct")
    assert entry["actor"] == "ministry" and entry["details"]["previous_lead"] == "33"


async def test_mergers_are_bounded_and_undone_while_nothing_refers_to_the_new_unit(registry, ministry):
    async def merge(**body):
        return await registry.client.post("/v1/provinces/mergers", headers=ministry, json=body)

    # 10 March 2025 today: a date years away is refused, and so is a name that is not a name.
    body = problem(await merge(sources=["04", "11"], successor={"code": "04", "name": "Cao Bằng"},
                               effective_date="2029-01-01"), 422)
    assert body["errors"][0]["field"] == "effective_date"
    for name in ("X", "Tỉnh 2", "<script>", "---"):
        body = problem(await merge(sources=["04", "11"], successor={"code": "04", "name": name},
                                   effective_date="2026-01-01"), 422)
        assert body["errors"][0]["field"] == "successor.name", name
    r = await merge(sources=["04", "11"], successor={"code": "04", "name": "Cao Bằng - Điện Biên"},
                    effective_date="2026-01-01")
    assert r.status_code == 201, r.text
    merger_id = r.json()["merger_id"]
    assert (await registry.client.get("/v1/provinces/11", params={"on": "2026-01-01"})).status_code == 404
    undone = await registry.client.delete(f"/v1/provinces/mergers/{merger_id}", headers=ministry)
    assert undone.status_code == 200, undone.text
    assert undone.json()["sources"] == [{"code": "04", "name": "Cao Bằng"}, {"code": "11", "name": "Điện Biên"}]
    for code, name in (("04", "Cao Bằng"), ("11", "Điện Biên")):
        unit = (await registry.client.get(f"/v1/provinces/{code}", params={"on": "2026-06-01"})).json()
        assert unit["name"] == name and unit["valid_to"] is None and unit["successor_code"] is None
    assert len(await _events(registry, "registry.province.merger_undone")) == 1
    problem(await registry.client.delete(f"/v1/provinces/mergers/{merger_id}", headers=ministry), 404)
    # Once a cluster period names the new unit, the merger stands.
    r = await merge(sources=["04", "11"], successor={"code": "04", "name": "Cao Bằng mới"}, effective_date="2026-01-01")
    await _cluster(registry, ministry)
    assert (await _period(registry, ministry, 2026, members=["04", "12"])).status_code == 200
    assert problem(await registry.client.delete(f"/v1/provinces/mergers/{r.json()['merger_id']}", headers=ministry),
                   409)["type"].endswith("merger-referenced")
    assert (await registry.client.get("/v1/provinces/04", params={"on": "2026-01-01"})).json()["name"] == "Cao Bằng mới"
