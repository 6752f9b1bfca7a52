"""The review proposes commendations: a recognised model's owner joins the province's draft
commendation proposal with its achievements pre-filled from the model; a person (who needs a birth
date) and an owner already proposed are skipped with the reason."""
from __future__ import annotations

from tests.nominations.conftest import CLUSTER
from tests.support import problem


async def _recognised(m, mid: str, organiser: dict, **body) -> str:
    model = await m.call("POST", f"/v1/movements/{mid}/models", organiser, 201, json={
        "unit_code": "22001", "field": "social_security", "description": "Vận động xây 12 nhà cho hộ nghèo.",
        "figures": {"houses": 12}, **body})
    await m.call("POST", f"/v1/movement-models/{model['id']}/assess", organiser, json={})
    await m.call("POST", f"/v1/movement-models/{model['id']}/recognise", organiser, json={
        "level": "province", "decision_number": "125/QĐ-UBND", "decision_date": str(m.today)})
    return model["id"]


async def test_recognised_owners_reach_the_commendation_proposals(movements, vote):
    m, qn = movements, movements.province("22")
    mid = (await m.call("POST", "/v1/movements", qn, 201, json=m.body()))["id"]
    await m.call("POST", f"/v1/movements/{mid}/launch", qn, json={
        "document_number": "01/KH-UBND", "document_date": str(m.today), "document_signer": "Chủ tịch UBND tỉnh"})
    women = await _recognised(m, mid, qn, title="Mái ấm cho người nghèo", owner_kind="collective",
                              owner_name="Hội Liên hiệp Phụ nữ phường Hạ Long")
    person = await _recognised(m, mid, qn, title="Người tốt việc tốt", owner_kind="individual",
                               owner_name="Nguyễn Thị Hoa")
    body = {"cluster_code": CLUSTER, "year": 2023, "form": "minister_certificate", "models": [women, person]}

    problem(await m.client.post(f"/v1/movements/{mid}/proposals", headers=m.province("33"), json=body), 403)
    proposed = await m.call("POST", f"/v1/movements/{mid}/proposals", qn, 201, json=body)
    assert proposed["added"] == ["Hội Liên hiệp Phụ nữ phường Hạ Long"]
    assert [s["name"] for s in proposed["skipped"]] == ["Nguyễn Thị Hoa"]  # a person needs a birth date

    draft = await m.call("GET", f"/v1/commendations/proposals/{proposed['proposal_id']}", qn)
    assert draft["state"] == "draft" and draft["province_code"] == "22"
    [nominee] = draft["nominees"]
    assert nominee["kind"] == "collective" and nominee["unit"] == "Phường Hạ Long"
    assert "Mái ấm cho người nghèo" in nominee["summary"] and "Số nhà xây, sửa: 12" in nominee["summary"]
    assert "Quyết định số 125/QĐ-UBND" in nominee["summary"]

    # Again: the same draft proposal; the owner already proposed this year is skipped, not doubled.
    again = await m.call("POST", f"/v1/movements/{mid}/proposals", qn, 201, json={**body, "models": [women]})
    assert again["proposal_id"] == proposed["proposal_id"] and again["added"] == []
    assert again["skipped"][0]["name"] == "Hội Liên hiệp Phụ nữ phường Hạ Long"
    unrecognised = (await m.call("POST", f"/v1/movements/{mid}/models", qn, 201, json={
        "unit_code": "22002", "title": "Chưa thẩm định", "field": "economy", "owner_kind": "unit",
        "owner_name": "UBND phường Cẩm Phả", "description": "…"}))["id"]
    r = await m.client.post(f"/v1/movements/{mid}/proposals", headers=qn, json={**body, "models": [unrecognised]})
    assert problem(r, 422)["errors"][0]["field"] == "models.0"
