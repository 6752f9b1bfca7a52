"""Covenants through the API: drafting, publishing, who may write them, and amendments that reopen sheets."""
import unicodedata

from services.nominations.app import create_nominations_app
from services.nominations.scoring.domain.covenant import covenant_digest
from tests.nominations.conftest import CLUSTER
from tests.nominations.scoring_support import BASE, CRITERIA, LEAD, SHEETS
from tests.support import problem, serve


async def test_the_lead_drafts_then_publishes_a_covenant_every_member_can_read(scoring):
    nfd = [{**CRITERIA[0], "title": unicodedata.normalize("NFD", CRITERIA[0]["title"])}, *CRITERIA[1:]]
    r = await scoring.put_covenant(nfd, publish=False)
    assert r.status_code == 200, r.text
    draft = r.json()
    assert (draft["version"], draft["state"], draft["published_at"]) == (1, "draft", None)
    assert draft["criteria"][0]["title"] == "Thực hiện nhiệm vụ chuyên môn"  # stored in NFC
    assert draft["digest"] == covenant_digest(CRITERIA) and draft["max_total"] == 100
    # A draft is edited in place.
    r = await scoring.put_covenant(CRITERIA[:5], publish=False)
    assert (r.json()["version"], len(r.json()["criteria"])) == (1, 5)
    published = await scoring.published()
    assert (published["version"], published["state"], published["published_by"]) == (1, "published", "province-34")
    assert [v["state"] for v in published["versions"]] == ["published"]
    penalty = published["criteria"][5]
    assert penalty == {"code": "KL", "title": "Vi phạm kỷ luật", "group": "III", "max_points": 10.0, "kind": "penalty"}
    r = await scoring.client.get(f"{BASE}/covenant", headers=scoring.province("35"))
    assert r.status_code == 200 and r.json()["digest"] == published["digest"]
    # Publishing the same criteria again is a retry: nothing new.
    again = await scoring.published()
    assert again["version"] == 1 and again["published_at"] == published["published_at"]
    problem(await scoring.client.get(f"/v1/clusters/{CLUSTER}/periods/2024/covenant", headers=scoring.ministry), 404)
    problem(await scoring.client.get(f"{BASE}/covenant"), 401)


async def test_covenant_validation_names_every_field(scoring):
    bad = [
        {"code": "CM", "title": "Chuyên môn", "max_points": 0},
        {"code": "cm", "title": "Trùng mã", "max_points": 5},
        {"code": "X", "title": " ", "max_points": 5, "kind": "extra"},
        {"code": "Y", "title": "Ba chữ số thập phân", "max_points": 1.125},
    ]
    body = problem(await scoring.put_covenant(bad), 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"criteria[0].max_points", "criteria[1].code", "criteria[2].title", "criteria[2].kind",
                      "criteria[3].max_points"}
    body = problem(await scoring.put_covenant([{"code": "SK", "title": "Thưởng", "max_points": 5, "kind": "bonus"}]),
                   422)
    assert body["errors"][0]["field"] == "criteria"  # no regular criterion: no maximum
    problem(await scoring.put_covenant([]), 422)
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM nominations.covenants") == 0


async def test_who_may_write_the_covenant(scoring, nominations_settings):
    for headers, status in [(scoring.province("33"), 403),     # the deputy is not the lead
                            (scoring.province("01"), 403),     # not even a member
                            (scoring.vote.service, 403),
                            (scoring.ministry, 200)]:
        r = await scoring.put_covenant(headers=headers, publish=False)
        assert r.status_code == status, (headers, r.text)
    r = await scoring.client.put(f"/v1/clusters/{CLUSTER}/periods/2030/covenant", headers=scoring.ministry,
                                 json={"criteria": CRITERIA})
    assert problem(r, 404)["errors"][0]["field"] == "year"  # the registry has no such period
    # The registry unreachable: 503, nothing written.
    cut_off = nominations_settings.model_copy(update={"registry_url": "http://127.0.0.1:9", "run_outbox_relay": False})
    async with serve(create_nominations_app(cut_off)) as isolated:
        r = await isolated.client.put(f"{BASE}/covenant", headers=scoring.province(LEAD),
                                      json={"criteria": CRITERIA, "publish": True})
        problem(r, 503)
    r = await scoring.client.get(f"{BASE}/covenant", headers=scoring.ministry)
    assert r.json()["state"] == "draft"


async def test_amending_a_covenant_after_submissions_needs_a_reason_and_reopens_the_sheets(scoring):
    v1 = await scoring.published()
    for province in ("30", "31"):
        assert (await scoring.save(province, SHEETS[province], notes={"CDS": "Đã kết nối 5/5 CSDL"})).status_code == 200
    assert (await scoring.submit("30")).status_code == 200
    r = await scoring.review("30", {"CM": (35, "Thiếu minh chứng báo cáo quý IV")})
    assert r.status_code == 200, r.text

    amended = [{**c, "max_points": 30} if c["code"] == "CM" else c for c in CRITERIA]
    amended = [c for c in amended if c["code"] != "TDKT"] + [
        {"code": "TDKT2", "title": "Công tác thi đua", "group": "I", "max_points": 25}]
    body = problem(await scoring.put_covenant(amended), 422)
    assert body["errors"][0]["field"] == "reason"
    r = await scoring.put_covenant(amended, reason="Hội nghị cụm điều chỉnh thang điểm")
    assert r.status_code == 200, r.text
    v2 = r.json()
    assert (v2["version"], v2["state"], v2["reason"]) == (2, "published", "Hội nghị cụm điều chỉnh thang điểm")
    assert v2["reopened"] == ["30"] and v2["drafts"] == ["31"]
    assert [(v["version"], v["state"]) for v in v2["versions"]] == [(1, "superseded"), (2, "published")]
    old = (await scoring.client.get(f"{BASE}/covenant", params={"version": 1}, headers=scoring.ministry)).json()
    assert old["state"] == "superseded" and old["digest"] == v1["digest"]

    # 30's sheet comes back reopened: scores that still fit are carried (CM 37 > 30 is not, TDKT is gone),
    # the old cross-check stays with version 1.
    sheet = (await scoring.get_sheet("30")).json()
    assert (sheet["state"], sheet["covenant_version"]) == ("reopened", 2)
    assert sheet["missing"] == ["CM", "TDKT2"] and sheet["scores"]["CCHC"]["self"] == 23
    assert sheet["adjustments"] == [] and sheet["notes"] == {"CDS": "Đã kết nối 5/5 CSDL"}
    problem(await scoring.submit("30"), 422)
    assert (await scoring.save("30", {**{k: v for k, v in SHEETS["30"].items() if k != "TDKT"},
                                      "CM": 29, "TDKT2": 20})).status_code == 200
    assert (await scoring.submit("30")).json()["state"] == "submitted"
    # The same amended criteria again change nothing; a third version needs a reason of its own.
    assert (await scoring.put_covenant(amended)).json()["version"] == 2
    problem(await scoring.put_covenant(CRITERIA), 422)


async def test_unstorable_titles_and_out_of_range_versions_are_422_naming_the_field(scoring):
    # Found by fuzzing: a NUL character and an int beyond the version column reached PostgreSQL and
    # came back as a 422 that named no field.
    bad = [{**CRITERIA[0], "title": "Chuyên\x00môn"}, {**CRITERIA[1], "group": "I\x00"}, *CRITERIA[2:]]
    body = problem(await scoring.put_covenant(bad), 422)
    assert {e["field"] for e in body["errors"]} == {"criteria[0].title", "criteria[1].group"}
    body = problem(await scoring.put_covenant(CRITERIA, reason="Sửa\x00đổi"), 422)
    assert body["errors"][0]["field"] == "reason"
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM nominations.covenants") == 0
    await scoring.published()
    r = await scoring.client.get(f"{BASE}/covenant", headers=scoring.ministry, params={"version": 2**31})
    assert problem(r, 422)["errors"][0]["field"] == "version"
    problem(await scoring.client.get(f"{BASE}/covenant", headers=scoring.ministry, params={"version": 2**31 - 1}), 404)


async def test_a_criterion_without_a_group_may_say_null(scoring):
    # The wire format since the first release: ``group`` is optional and null means none.
    criteria = [{**c, "group": None} if c["code"] == "KL" else c for c in CRITERIA]
    r = await scoring.put_covenant(criteria, publish=False)
    assert r.status_code == 200, r.text
    assert [c["group"] for c in r.json()["criteria"] if c["code"] == "KL"] == [""]
