"""The province timeline across the 2025 reform, and mergers through the API."""
from datetime import datetime, timezone

import pytest

from tests.support import problem


@pytest.fixture
def registry_settings(registry_settings):
    # Mergers take effect within a window around today: these tests merge in 2030 and 2031.
    return registry_settings.model_copy(update={"clock_fixed_at": datetime(2029, 10, 1, 9, 0, tzinfo=timezone.utc)})


async def _codes(registry, on):
    r = await registry.client.get("/v1/provinces", params={"on": on})
    assert r.status_code == 200, r.text
    return {p["code"]: p for p in r.json()["items"]}


async def test_63_units_before_and_34_after_the_reform(registry):
    before = await _codes(registry, "2024-06-01")
    after = await _codes(registry, "2025-07-01")
    assert len(before) == 63
    assert len(after) == 34
    assert before["46"]["name"] == "Thừa Thiên Huế"
    eve = await _codes(registry, "2025-06-30")
    assert len(eve) == 63 and eve["46"]["name"] == "Huế"
    assert "34" not in after and "30" not in after  # Thái Bình and Hải Dương merged away


async def test_code_52_names_two_units_on_either_side_of_the_merger(registry):
    old = (await registry.client.get("/v1/provinces/52", params={"on": "2025-06-30"})).json()
    new = (await registry.client.get("/v1/provinces/52", params={"on": "2025-07-01"})).json()
    assert old["name"] == "Bình Định" and old["valid_to"] == "2025-06-30"
    assert old["successor_code"] == "52" and old["successor"]["name"] == "Gia Lai"
    assert new["name"] == "Gia Lai" and new["valid_from"] == "2025-07-01" and new["valid_to"] is None
    assert {(p["code"], p["name"]) for p in new["predecessors"]} == {("52", "Bình Định"), ("64", "Gia Lai")}
    history = (await registry.client.get("/v1/provinces/52/history")).json()["items"]
    assert [p["name"] for p in history] == ["Bình Định", "Gia Lai"]


async def test_huế_became_a_city_on_2025_01_01(registry):
    r = (await registry.client.get("/v1/provinces/46", params={"on": "2025-01-01"})).json()
    assert r["name"] == "Huế" and r["kind"] == "city"
    assert [p["name"] for p in r["predecessors"]] == ["Thừa Thiên Huế"]


async def test_unknown_code_or_date_without_meaning_is_404(registry):
    problem(await registry.client.get("/v1/provinces/03"), 404)
    body = problem(await registry.client.get("/v1/provinces/34", params={"on": "2025-07-01"}), 404)
    assert "34" in body["detail"]
    body = problem(await registry.client.get("/v1/provinces/99x"), 422)
    assert body["errors"][0]["field"] == "code"
    body = problem(await registry.client.get("/v1/provinces", params={"on": "not-a-date"}), 422)
    assert body["errors"][0]["field"] == "on"


async def test_merger_through_the_api(registry, issue_token):
    ministry = registry.auth(issue_token("ministry"))
    body = {"sources": ["01", "04"], "successor": {"code": "01", "name": "Thủ đô Hà Nội", "kind": "city"},
            "effective_date": "2031-01-01"}
    r = await registry.client.post("/v1/provinces/mergers", json=body, headers=ministry)
    assert r.status_code == 201, r.text
    merged = r.json()
    assert merged["name"] == "Thủ đô Hà Nội" and merged["valid_from"] == "2031-01-01"
    assert {p["name"] for p in merged["predecessors"]} == {"Hà Nội", "Cao Bằng"}
    # History stays readable: before the date the old units are there, after it the successor.
    assert (await registry.client.get("/v1/provinces/04", params={"on": "2030-12-31"})).json()["name"] == "Cao Bằng"
    problem(await registry.client.get("/v1/provinces/04", params={"on": "2031-01-01"}), 404)
    assert len(await _codes(registry, "2031-01-01")) == 33
    # The event left through the outbox in the same transaction.
    async with registry.app.state.db.connection() as conn:
        event = await conn.fetchrow("SELECT type, payload FROM registry.outbox WHERE type = 'registry.province.merged'")
        audit = await conn.fetchval("SELECT count(*) FROM registry.audit_log WHERE action = 'province.merge'")
    assert event["payload"]["successor"] == {"code": "01", "name": "Thủ đô Hà Nội"}
    assert audit == 1


async def test_merger_validation(registry, issue_token):
    ministry = registry.auth(issue_token("ministry"))

    async def merge(**body):
        return await registry.client.post("/v1/provinces/mergers", json=body, headers=ministry)

    # A source not in force (Thái Bình ended in 2025).
    body = problem(await merge(sources=["34"], successor={"code": "34", "name": "Tỉnh Mới"}, effective_date="2030-01-01"), 422)
    assert body["errors"][0]["field"] == "sources"
    # The successor code is used by another unit in force.
    body = problem(await merge(sources=["04"], successor={"code": "01", "name": "Tỉnh Mới"}, effective_date="2030-01-01"), 422)
    assert body["errors"][0]["field"] == "successor.code"
    # Dates inconsistent: a source that only starts later.
    body = problem(await merge(sources=["52"], successor={"code": "52", "name": "Tỉnh Mới"}, effective_date="2025-07-01"), 422)
    assert body["errors"][0]["field"] == "sources"
    problem(await merge(sources=[], successor={"code": "52", "name": "Tỉnh Mới"}, effective_date="2030-01-01"), 422)
    problem(await merge(sources=["04", "04"], successor={"code": "04", "name": "Tỉnh Mới"}, effective_date="2030-01-01"), 422)
    # Nothing changed.
    assert len(await _codes(registry, "2030-06-01")) == 34


async def test_only_ministry_merges(registry, issue_token):
    body = {"sources": ["04"], "successor": {"code": "04", "name": "Cao Bằng mới"}, "effective_date": "2030-01-01"}
    problem(await registry.client.post("/v1/provinces/mergers", json=body), 401)
    province = registry.auth(issue_token("province", "04"))
    problem(await registry.client.post("/v1/provinces/mergers", json=body, headers=province), 403)
    assert (await registry.client.get("/v1/provinces/04", params={"on": "2030-06-01"})).json()["name"] == "Cao Bằng"


async def test_a_merger_on_the_first_day_of_the_calendar_is_a_422_not_a_500(registry, issue_token):
    # Found by fuzzing: the sources' last day (the day before) fell off the calendar (OverflowError).
    from datetime import date

    from services.registry.domain.provinces import eve_of
    from shared.errors import Unprocessable

    ministry = registry.auth(issue_token("ministry"))
    body = {"sources": ["04"], "successor": {"code": "04", "name": "Tỉnh Mới"}, "effective_date": "0001-01-01"}
    r = await registry.client.post("/v1/provinces/mergers", json=body, headers=ministry)
    assert problem(r, 422)["errors"][0]["field"] == "effective_date"
    assert (await registry.client.get("/v1/provinces/04")).json()["name"] == "Cao Bằng"
    with pytest.raises(Unprocessable) as caught:  # the rule itself, for callers other than the API
        eve_of(date.min)
    assert caught.value.field == "effective_date"
    assert eve_of(date(2025, 7, 1)) == date(2025, 6, 30)
