"""A province's emulation office runs its clusters' year without any ministry account, and nobody
else acts on them: the ministry reads them (national view) but changes nothing, another
organiser's office gets 403 on every route that takes one of its clusters, rounds, covenants,
proposals or decisions."""
from __future__ import annotations

import pytest

from tests.support import problem

QN = {"code": "UBND-QN", "name": "Ủy ban nhân dân tỉnh Quảng Ninh", "kind": "province", "province_code": "22"}
UNITS = [("QN-SNV", "Sở Nội vụ"), ("QN-STC", "Sở Tài chính"), ("QN-SYT", "Sở Y tế")]
CLUSTER, YEAR = "QN-KHOI-SO", 2024
CRITERIA = [{"code": "CM", "title": "Chuyên môn", "max_points": 60}, {"code": "CCHC", "title": "Cải cách", "max_points": 40}]


class Tokens:
    def __init__(self, registry, issue_token):
        self.registry, self.issue_token = registry, issue_token

    def _issue(self, subject: str, role: str, **claims) -> dict[str, str]:
        token, _ = self.registry.app.state.issuer.issue(subject=subject, role=role, province=None, **claims)
        return {"Authorization": f"Bearer {token}"}

    def staff(self, organiser: str) -> dict[str, str]:
        return self._issue(f"staff-{organiser.lower()}", "staff", organiser=organiser)

    def unit(self, code: str) -> dict[str, str]:
        return self._issue(f"unit-{code.lower()}", "unit", unit=code)

    @property
    def ministry(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issue_token('ministry')}"}


@pytest.fixture
async def qn(registry, issue_token):
    t = Tokens(registry, issue_token)
    assert (await registry.client.post("/v1/organisers", headers=t.ministry, json=QN)).status_code == 201
    office = t.staff("UBND-QN")
    for code, name in UNITS:
        assert (await registry.client.post("/v1/units", headers=office, json={
            "code": code, "name": name, "kind": "department", "organiser": "UBND-QN"})).status_code == 201
    assert (await registry.client.post("/v1/clusters", headers=office, json={
        "code": CLUSTER, "name": "Khối các sở, ban, ngành", "kind": "khoi", "organiser": "UBND-QN"})).status_code == 201
    assert (await registry.client.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR}", headers=office,
                                      json={"members": [c for c, _ in UNITS]})).status_code == 200
    assert (await registry.client.post(f"/v1/clusters/{CLUSTER}/periods/{YEAR}/leadership", headers=office, json={
        "method": "election", "lead": "QN-SNV", "deputy": "QN-STC"})).status_code == 201
    return t


async def test_a_province_runs_its_year_and_no_one_else_acts_on_it(nominations, qn):
    c = nominations.client
    office, other, ministry = qn.staff("UBND-QN"), qn.staff("UBND-HN"), qn.ministry
    lead = qn.unit("QN-SNV")
    outsiders = [other, ministry]
    base = f"/v1/clusters/{CLUSTER}/periods/{YEAR}"

    # The organiser's forms: a province's, provisioned on first read; the ministry's stay as they were.
    forms = (await c.get("/v1/award-forms", headers=office, params={"organiser": "UBND-QN"})).json()
    assert [f["name"] for f in forms] == ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh Quảng Ninh",
                                          "Bằng khen của Chủ tịch UBND tỉnh Quảng Ninh", "Giấy khen"]
    assert all(f["organiser"] == "UBND-QN" for f in forms)
    assert "Cờ thi đua của Bộ Nội vụ" in [f["name"] for f in (await c.get("/v1/award-forms", headers=office)).json()]
    flag_form = next(f["code"] for f in forms if f["name"].startswith("Cờ thi đua của UBND"))
    merit_form = next(f["code"] for f in forms if f["name"].startswith("Bằng khen"))

    # The covenant: the organiser's office (or the lead), never another's or the ministry.
    covenant = {"criteria": CRITERIA, "publish": True}
    for headers in outsiders:
        problem(await c.put(f"{base}/covenant", headers=headers, json=covenant), 403)
    r = await c.put(f"{base}/covenant", headers=office, json=covenant)
    assert r.status_code == 200, r.text
    for code, points in (("QN-SNV", (58, 38)), ("QN-STC", (55, 35)), ("QN-SYT", (50, 30))):
        unit = qn.unit(code)
        assert (await c.put(f"{base}/scores/{code}", headers=unit,
                            json={"scores": {"CM": points[0], "CCHC": points[1]}})).status_code == 200
        assert (await c.post(f"{base}/scores/{code}/submit", headers=unit)).status_code == 200
    sheets = await c.get(f"{base}/scores", headers=office)
    assert sheets.status_code == 200 and len(sheets.json()["items"]) == 3
    problem(await c.get(f"{base}/scores", headers=other), 403)
    problem(await c.get(f"{base}/scores/QN-STC", headers=other), 403)
    assert (await c.get(f"{base}/scores", headers=ministry)).status_code == 200  # the national view reads
    problem(await c.post(f"/v1/rankings/{YEAR}/recompute", headers=other,
                         params={"cluster": CLUSTER, "inline": "true"}), 403)
    r = await c.post(f"/v1/rankings/{YEAR}/recompute", headers=office, params={"cluster": CLUSTER, "inline": "true"})
    assert r.status_code == 200 and r.json()["cluster"] == CLUSTER, r.text

    # The flag vote: the lead unit runs it, the organiser's office approves it.
    r = await c.post("/v1/rounds", headers=lead, json={"cluster_code": CLUSTER, "year": YEAR,
                                                       "award": "ministry_flag", "seats": 1})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert (await c.post(f"/v1/rounds/{rid}/open", headers=lead)).status_code == 200
    for code in ("QN-SNV", "QN-STC", "QN-SYT"):  # no unit votes for itself: the lead casts a blank ballot
        assert (await c.post(f"/v1/rounds/{rid}/ballots", headers=qn.unit(code),
                             json={"choices": [] if code == "QN-SNV" else ["QN-SNV"]})).status_code == 201
    assert (await c.post(f"/v1/rounds/{rid}/close", headers=lead)).status_code == 200
    assert (await c.post(f"/v1/rounds/{rid}/certify", headers=lead)).status_code == 200
    problem(await c.get(f"/v1/rounds/{rid}", headers=other), 403)
    assert (await c.get(f"/v1/rounds/{rid}", headers=ministry)).status_code == 200
    assert (await c.get(f"/v1/rounds/{rid}/turnout", headers=office)).status_code == 200
    problem(await c.get(f"/v1/rounds/{rid}/turnout", headers=other), 403)
    for headers in outsiders:
        problem(await c.post(f"/v1/rounds/{rid}/approve", headers=headers), 403)
        problem(await c.post(f"/v1/rounds/{rid}/return", headers=headers, json={"reason": "x"}), 403)
    r = await c.post(f"/v1/rounds/{rid}/approve", headers=office)
    assert r.status_code == 200, r.text
    listed = (await c.get("/v1/rounds", headers=other)).json()["items"]
    assert listed == []
    assert [x["id"] for x in (await c.get("/v1/rounds", headers=office)).json()["items"]] == [rid]

    # The approved vote carried the lead unit into the province's flag; a member proposes a merit.
    r = await c.post("/v1/commendations/proposals", headers=qn.unit("QN-STC"),
                     json={"cluster_code": CLUSTER, "year": YEAR, "form": merit_form})
    assert r.status_code == 201, r.text
    merit = r.json()["id"]
    # A ministry form is not one of the province's clusters' forms.
    body = problem(await c.post("/v1/commendations/proposals", headers=qn.unit("QN-STC"),
                                json={"cluster_code": CLUSTER, "year": YEAR, "form": "minister_certificate"}), 422)
    assert body["errors"][0]["field"] == "form"
    r = await c.post(f"/v1/commendations/proposals/{merit}/nominees", headers=qn.unit("QN-STC"), json={
        "kind": "collective", "name": "Phòng Ngân sách, Sở Tài chính", "summary": "Hoàn thành xuất sắc nhiệm vụ"})
    assert r.status_code == 201, r.text
    assert (await c.post(f"/v1/commendations/proposals/{merit}/submit", headers=qn.unit("QN-STC"))).status_code == 200
    problem(await c.get(f"/v1/commendations/proposals/{merit}", headers=other), 403)
    assert (await c.get(f"/v1/commendations/proposals/{merit}", headers=office)).status_code == 200
    lst = (await c.get(f"/v1/commendations/lists/{CLUSTER}/{YEAR}", headers=lead)).json()
    for p in lst["proposals"]:
        for n in p["nominees"]:
            if n["state"] == "submitted":
                assert (await c.post(f"/v1/commendations/nominees/{n['id']}/accept", headers=lead)).status_code == 200
    problem(await c.get(f"/v1/commendations/lists/{CLUSTER}/{YEAR}", headers=other), 403)
    assert (await c.post(f"/v1/commendations/lists/{CLUSTER}/{YEAR}/send", headers=lead)).status_code == 200
    queue = (await c.get("/v1/commendations/review", headers=office, params={"state": "sent"})).json()["items"]
    assert len(queue) == 2 and {q["form_name"] for q in queue} == {
        "Cờ thi đua của UBND tỉnh Quảng Ninh", "Bằng khen của Chủ tịch UBND tỉnh Quảng Ninh"}
    assert (await c.get("/v1/commendations/review", headers=other, params={"state": "sent"})).json()["items"] == []
    ids = [q["id"] for q in queue]
    for headers in outsiders:
        problem(await c.post(f"/v1/commendations/nominees/{ids[0]}/approve", headers=headers), 403)
        problem(await c.post(f"/v1/commendations/nominees/{ids[0]}/reject", headers=headers, json={"reason": "x"}),
                403)
    for nominee in ids:
        assert (await c.post(f"/v1/commendations/nominees/{nominee}/approve", headers=office)).status_code == 200

    # Its decision: numbered …/QĐ-UBND, signed by the chairman; nobody else drafts or issues it.
    decision = {"number": "15/QĐ-UBND", "year": YEAR, "summary": "Về việc tặng Cờ thi đua và Bằng khen năm 2024",
                "signed_on": "2025-01-15", "signer_name": "Nguyễn Văn Mẫu", "signer_title": "CHỦ TỊCH",
                "nominee_ids": ids}
    body = problem(await c.post("/v1/decisions", headers=ministry, json={**decision, "number": "16/QĐ-BNV"}), 422)
    assert body["errors"][0]["field"].startswith("nominee_ids")
    body = problem(await c.post("/v1/decisions", headers=office, json={**decision, "number": "15/QĐ-BNV"}), 422)
    assert body["errors"][0]["field"] == "number"
    r = await c.post("/v1/decisions", headers=office, json=decision)
    assert r.status_code == 201, r.text
    did = r.json()["id"]
    assert r.json()["organiser"] == "UBND-QN"
    for headers in outsiders:
        problem(await c.put(f"/v1/decisions/{did}", headers=headers, json=decision), 403)
        problem(await c.post(f"/v1/decisions/{did}/issue", headers=headers), 403)
    problem(await c.get(f"/v1/decisions/{did}", headers=other), 403)  # a draft is its organiser's
    assert (await c.get(f"/v1/decisions/{did}", headers=ministry)).status_code == 200
    assert (await c.post(f"/v1/decisions/{did}/issue", headers=office)).status_code == 200
    printed = (await c.get(f"/v1/decisions/{did}/print")).text
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in printed and "15/QĐ-UBND" in printed
    # The register finds it by its number, and the same number is free for another organiser.
    found = (await c.get("/v1/awards", params={"number": "15/QĐ-UBND"})).json()["items"]
    assert {a["name"] for a in found} == {"Sở Nội vụ", "Phòng Ngân sách, Sở Tài chính"}
    assert {a["form_code"] for a in found} == {flag_form, merit_form}

    # The year: the office sees its own clusters, the ministry every organiser's.
    own = (await c.get(f"/v1/years/{YEAR}/clusters", headers=office)).json()["items"]
    assert [(i["cluster_code"], i["organiser"]) for i in own] == [(CLUSTER, "UBND-QN")]
    assert (await c.get(f"/v1/years/{YEAR}/clusters", headers=other)).json()["items"] == []
    national = (await c.get(f"/v1/years/{YEAR}/clusters", headers=ministry)).json()["items"]
    assert CLUSTER in [i["cluster_code"] for i in national]


async def test_rules_are_versioned_per_organiser(nominations, qn):
    c = nominations.client
    office = qn.staff("UBND-QN")
    r = await c.get("/v1/organisers/UBND-QN/rules", headers=office, params={"year": 2024})
    assert r.status_code == 200, r.text
    assert r.json() == {"organiser": "UBND-QN", "version": 0, "valid_from_year": 2000,
                             "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "decision_suffix": "QĐ-UBND",
                             "signer_title": "CHỦ TỊCH", "government_flag_share": "1/5", "flags_per_cluster": 1,
                             "election_tie_rule": "rotation_order"}
    ministry_rules = (await c.get("/v1/organisers/BNV/rules", headers=office, params={"year": 2024})).json()
    assert ministry_rules["decision_suffix"] == "QĐ-BNV" and ministry_rules["issuer"] == "BỘ NỘI VỤ"
    new = {"valid_from_year": 2026, "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "decision_suffix": "QĐ-UBND",
           "signer_title": "CHỦ TỊCH", "government_flag_share": "1/4", "flags_per_cluster": 1}
    for headers in (qn.ministry, qn.staff("UBND-HN"), qn.unit("QN-SNV")):
        problem(await c.put("/v1/organisers/UBND-QN/rules", headers=headers, json=new), 403)
    r = await c.put("/v1/organisers/UBND-QN/rules", headers=office, json=new)
    assert r.status_code == 200 and r.json()["version"] == 1
    problem(await c.put("/v1/organisers/UBND-QN/rules", headers=office, json=new), 409)
    assert (await c.get("/v1/organisers/UBND-QN/rules", headers=office, params={"year": 2025})).json()["version"] == 0
    later = (await c.get("/v1/organisers/UBND-QN/rules", headers=office, params={"year": 2027})).json()
    assert later["version"] == 1 and later["government_flag_share"] == "1/4"
