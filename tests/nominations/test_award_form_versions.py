"""An organiser's award forms are versioned configuration: a change from a year on leaves the years
before reading what they read; only the organiser's office changes them; the ministry's forms carried
over from before versions as their version 1."""
from __future__ import annotations

from tests.nominations.test_organisers import qn  # noqa: F401  (the province's fixture)
from tests.support import problem

MERIT = "ubnd_qn_chairman_certificate"
OLD, NEW = "Bằng khen của Chủ tịch UBND tỉnh Quảng Ninh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ninh"


async def test_a_form_changes_from_a_year_and_earlier_years_keep_theirs(nominations, qn):  # noqa: F811
    c, office = nominations.client, qn.staff("UBND-QN")
    forms = (await c.get("/v1/award-forms", headers=office, params={"organiser": "UBND-QN", "year": 2024})).json()
    merit = next(f for f in forms if f["code"] == MERIT)
    assert (merit["name"], merit["version"], merit["valid_from_year"]) == (OLD, 1, 2000)
    body = {k: merit[k] for k in ("recipients", "from_vote_only", "round_award", "capped", "position", "active")}
    change = {**body, "name": NEW, "valid_from_year": 2026}
    for headers in (qn.ministry, qn.staff("UBND-HN"), qn.unit("QN-SNV")):
        problem(await c.put(f"/v1/award-forms/{MERIT}", headers=headers, json=change), 403)
    r = await c.put(f"/v1/award-forms/{MERIT}", headers=office, json=change)
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["version"], r.json()["valid_from_year"]) == (NEW, 2, 2026)
    body409 = problem(await c.put(f"/v1/award-forms/{MERIT}", headers=office,
                                  json={**change, "valid_from_year": 2025}), 409)
    assert body409["errors"][0]["field"] == "valid_from_year"

    async def name_in(year: int | None) -> str:
        params = {"organiser": "UBND-QN"} | ({"year": year} if year else {})
        listed = (await c.get("/v1/award-forms", headers=office, params=params)).json()
        return next(f["name"] for f in listed if f["code"] == MERIT)

    assert await name_in(2025) == OLD and await name_in(2026) == NEW and await name_in(2030) == NEW
    assert await name_in(None) == NEW  # as configured now
    # Without a year, the latest version is corrected in place (as before versions).
    r = await c.put(f"/v1/award-forms/{MERIT}", headers=office, json={**body, "name": NEW, "position": 31})
    assert r.status_code == 200 and r.json()["version"] == 2
    history = (await c.get(f"/v1/award-forms/{MERIT}/versions", headers=qn.unit("QN-SNV"))).json()
    assert [(v["version"], v["valid_from_year"], v["name"], v["position"]) for v in history] == [
        (1, 2000, OLD, 30), (2, 2026, NEW, 31)]
    problem(await c.get("/v1/award-forms/no_such_form/versions", headers=office), 404)


async def test_the_ministrys_forms_carried_over_as_version_one(nominations, qn):  # noqa: F811
    c = nominations.client
    forms = (await c.get("/v1/award-forms", headers=qn.ministry, params={"year": 2024})).json()
    now = (await c.get("/v1/award-forms", headers=qn.ministry)).json()
    assert [f["name"] for f in forms] == [f["name"] for f in now] and {f["version"] for f in forms} == {1}
    history = (await c.get(f"/v1/award-forms/{forms[0]['code']}/versions", headers=qn.ministry)).json()
    assert [(v["version"], v["valid_from_year"], v["created_by"]) for v in history] == [(1, 2000, "migration")]
