"""Clusters, per-year membership, rotation across the merger, election."""
import pytest

from tests.support import problem

NORTH = ["34", "33", "30", "31", "22", "36", "35", "37"]


@pytest.fixture
def ministry(registry, issue_token):
    return registry.auth(issue_token("ministry"))


async def _cluster(registry, ministry, code="NV-BAC"):
    r = await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": code, "name": "Cụm thi đua Sở Nội vụ phía Bắc", "organizer": "Bộ Nội vụ", "kind": "cum"})
    assert r.status_code == 201, r.text
    return r.json()


async def _period(registry, ministry, year, code="NV-BAC", **body):
    return await registry.client.put(f"/v1/clusters/{code}/periods/{year}", headers=ministry, json=body)


async def _lead(registry, headers, year, code="NV-BAC", **body):
    return await registry.client.post(f"/v1/clusters/{code}/periods/{year}/leadership", headers=headers, json=body)


async def test_create_read_and_list_clusters(registry, ministry):
    created = await _cluster(registry, ministry)
    assert created["name"] == "Cụm thi đua Sở Nội vụ phía Bắc" and created["kind"] == "cum"
    await _cluster(registry, ministry, "KHOI-01")
    problem(await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": "NV-BAC", "name": "x", "organizer": "y", "kind": "cum"}), 409)
    body = problem(await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": "bad code!", "name": "x", "organizer": "y", "kind": "cụm"}), 422)
    assert {e["field"] for e in body["errors"]} == {"code", "kind"}
    first = (await registry.client.get("/v1/clusters", params={"limit": 1})).json()
    assert [c["code"] for c in first["items"]] == ["KHOI-01"] and first["next"]
    second = (await registry.client.get("/v1/clusters", params={"limit": 1, "cursor": first["next"]})).json()
    assert [c["code"] for c in second["items"]] == ["NV-BAC"] and second["next"] is None
    problem(await registry.client.get("/v1/clusters/NOPE"), 404)


async def test_period_members_must_be_in_force(registry, ministry):
    await _cluster(registry, ministry)
    r = await _period(registry, ministry, 2024, members=NORTH)
    assert r.status_code == 200, r.text
    period = r.json()
    assert period["rotation_order"] == NORTH and period["lead"] is None
    assert {m["code"]: m["name"] for m in period["members"]}["34"] == "Thái Bình"
    # Thái Bình (34) is not a unit on 1 January 2026.
    body = problem(await _period(registry, ministry, 2026, members=["34", "22"]), 422)
    assert body["errors"][0]["field"] == "members" and "34" in body["detail"] and body["code"] == "34"
    # But it is on a reference date before the merger.
    assert (await _period(registry, ministry, 2025, members=["34", "22"], reference_date="2025-06-30")).status_code == 200
    body = problem(await _period(registry, ministry, 2024, members=["22", "22"]), 422)
    assert body["errors"][0]["field"] == "members"
    body = problem(await _period(registry, ministry, 2024, members=["22", "01"], rotation_order=["22", "04"]), 422)
    assert body["errors"][0]["field"] == "rotation_order"
    body = problem(await _period(registry, ministry, 2024, members=["22", "01"], reference_date="2023-01-01"), 422)
    assert body["errors"][0]["field"] == "reference_date"
    assert (await registry.client.get("/v1/clusters/NV-BAC/periods/2024")).json()["rotation_order"] == NORTH


async def test_rotation_across_years_and_the_merger(registry, ministry):
    await _cluster(registry, ministry)
    for year in (2023, 2024, 2025):
        assert (await _period(registry, ministry, year, members=NORTH)).status_code == 200
    # No leadership before 2023: rotation is impossible, election decides.
    problem(await _lead(registry, ministry, 2023, method="rotation"), 409)
    r = await _lead(registry, ministry, 2023, method="election", lead="34", deputy="33")
    assert r.status_code == 201, r.text
    r = await _lead(registry, ministry, 2024, method="rotation")
    assert (r.json()["lead"]["name"], r.json()["deputy"]["name"]) == ("Hưng Yên", "Hải Dương")
    r = await _lead(registry, ministry, 2025, method="rotation")
    assert (r.json()["lead"]["code"], r.json()["deputy"]["code"]) == ("30", "31")
    problem(await _lead(registry, ministry, 2025, method="rotation"), 409)  # one lead per period

    # Carry the cluster across the merger.
    r = await _period(registry, ministry, 2026, copy_from=2025)
    assert r.status_code == 200, r.text
    period = r.json()
    assert period["rotation_order"] == ["33", "31", "22", "37"]
    replaced = {(c["from"]["name"], c["to"]["name"]) for c in period["changes"]["replaced"]}
    assert ("Thái Bình", "Hưng Yên") in replaced and ("Hải Dương", "Hải Phòng") in replaced
    assert ("Nam Định", "Ninh Bình") in replaced
    assert {m["name"] for m in period["changes"]["merged_duplicates_removed"]} == {"Hưng Yên", "Hải Phòng", "Hà Nam", "Ninh Bình"}
    # Last year's lead (Hải Dương) merged into Hải Phòng: rotation follows its successor.
    r = await _lead(registry, ministry, 2026, method="rotation")
    assert r.status_code == 201, r.text
    assert (r.json()["lead"]["name"], r.json()["deputy"]["name"]) == ("Quảng Ninh", "Ninh Bình")
    # 2027 wraps around the rotation order.
    await _period(registry, ministry, 2027, copy_from=2026)
    await _lead(registry, ministry, 2027, method="rotation")
    await _period(registry, ministry, 2028, copy_from=2027)
    r = await _lead(registry, ministry, 2028, method="rotation")
    assert (r.json()["lead"]["code"], r.json()["deputy"]["code"]) == ("33", "31")

    history = (await registry.client.get("/v1/clusters/NV-BAC/leadership")).json()["items"]
    assert [(h["year"], h["lead"]["code"], h["method"]) for h in history] == [
        (2023, "34", "election"), (2024, "33", "rotation"), (2025, "30", "rotation"), (2026, "22", "rotation"),
        (2027, "37", "rotation"), (2028, "33", "rotation")]
    detail = (await registry.client.get("/v1/clusters/NV-BAC/periods/2026")).json()
    assert detail["lead"]["code"] == "22" and detail["deputy"]["code"] == "37"
    async with registry.app.state.db.connection() as conn:
        events = await conn.fetch("SELECT payload FROM registry.outbox WHERE type = 'registry.leadership.rotated' ORDER BY seq")
    assert [e["payload"]["year"] for e in events] == [2023, 2024, 2025, 2026, 2027, 2028]
    assert events[3]["payload"]["lead"] == {"code": "22", "name": "Quảng Ninh"}


async def test_election_rules(registry, ministry, issue_token):
    await _cluster(registry, ministry)
    await _period(registry, ministry, 2023, members=NORTH)
    body = problem(await _lead(registry, ministry, 2023, method="election", lead="34", deputy="34"), 422)
    assert body["errors"][0]["field"] == "deputy"
    body = problem(await _lead(registry, ministry, 2023, method="election", lead="01", deputy="34"), 422)
    assert body["errors"][0]["field"] == "lead"
    problem(await _lead(registry, ministry, 2023, method="election", lead="34"), 422)
    problem(await _lead(registry, ministry, 2022, method="election", lead="34", deputy="33"), 404)
    assert (await _lead(registry, ministry, 2023, method="election", lead="34", deputy="33")).status_code == 201
    # Last year's lead hosts the conference and may record this year's election; others may not.
    await _period(registry, ministry, 2024, members=NORTH)
    problem(await _lead(registry, registry.auth(issue_token("province", "33")), 2024, method="election",
                        lead="33", deputy="30"), 403)
    r = await _lead(registry, registry.auth(issue_token("province", "34")), 2024, method="election", lead="36", deputy="35")
    assert r.status_code == 201 and r.json()["lead"]["name"] == "Nam Định"
    # A period's lead must stay a member.
    problem(await _period(registry, ministry, 2024, members=["34", "33"]), 409)


async def test_province_cannot_create_clusters_or_periods(registry, issue_token, ministry):
    province = registry.auth(issue_token("province", "34"))
    problem(await registry.client.post("/v1/clusters", headers=province, json={
        "code": "X", "name": "x", "organizer": "y", "kind": "cum"}), 403)
    await _cluster(registry, ministry)
    problem(await _period(registry, province, 2024, members=NORTH), 403)
    problem(await registry.client.get("/v1/clusters/X"), 404)
    problem(await registry.client.get("/v1/clusters/NV-BAC/periods/2024"), 404)


async def test_idempotent_cluster_creation(registry, ministry):
    body = {"code": "K1", "name": "Khối 1", "organizer": "Bộ Nội vụ", "kind": "khoi"}
    headers = {**ministry, "Idempotency-Key": "abc-1"}
    first = await registry.client.post("/v1/clusters", headers=headers, json=body)
    again = await registry.client.post("/v1/clusters", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    body2 = problem(await registry.client.post("/v1/clusters", headers=headers, json={**body, "name": "Khác"}), 422)
    assert body2["errors"][0]["field"] == "Idempotency-Key"


async def test_a_lead_that_merged_away_hosts_through_its_successor(registry, ministry, issue_token):
    await _cluster(registry, ministry)
    await _period(registry, ministry, 2025, members=NORTH)
    await _lead(registry, ministry, 2025, method="election", lead="30", deputy="31")  # Hải Dương leads 2025
    await _period(registry, ministry, 2026, copy_from=2025)
    # Hải Dương (30) merged into the new Hải Phòng (31) on 2025-07-01: 31 hosts, 30 no longer exists.
    problem(await _lead(registry, registry.auth(issue_token("province", "30")), 2026, method="rotation"), 403)
    problem(await _lead(registry, registry.auth(issue_token("province", "22")), 2026, method="rotation"), 403)
    r = await _lead(registry, registry.auth(issue_token("province", "31")), 2026, method="rotation")
    assert r.status_code == 201, r.text
    assert r.json()["lead"]["name"] == "Quảng Ninh" and r.json()["decided_by"] == "province-31"


async def test_forged_cursors_and_unstorable_names_are_422_naming_the_field(registry, ministry):
    # Found by fuzzing: both reached PostgreSQL and came back as a 422 that named no field.
    import base64
    import json

    await _cluster(registry, ministry)
    body = problem(await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": "KHOI-02", "name": "Khối\x00", "organizer": "Bộ Nội vụ", "kind": "khoi"}), 422)
    assert body["errors"][0]["field"] == "name"
    problem(await registry.client.get("/v1/clusters/KHOI-02"), 404)
    for position in ("NV\x00", 7, ["NV-BAC"], "bad code!"):
        cursor = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
        body = problem(await registry.client.get("/v1/clusters", params={"cursor": cursor}), 422)
        assert body["errors"][0]["field"] == "cursor", position
