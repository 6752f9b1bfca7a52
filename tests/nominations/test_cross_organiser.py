"""Another organiser's office and units get 403 on every route that takes one of a province's
clusters, rounds, covenants, proposals, decisions or conferences; the ministry reads them (its
national view) and changes none of them. Table-driven: one row per route, each tried by every
outsider against a year that has every kind of object in the state its owner would act on."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.nominations.commendations.conftest import PDF
from tests.nominations.test_organisers import CLUSTER, CRITERIA, UNITS, YEAR, Tokens
from tests.support import problem

QN = {"code": "UBND-QN", "name": "Ủy ban nhân dân tỉnh Quảng Ninh", "kind": "province", "province_code": "22"}
HN = {"code": "UBND-HN", "name": "Ủy ban nhân dân thành phố Hà Nội", "kind": "province", "province_code": "01"}
BASE = f"/v1/clusters/{CLUSTER}/periods/{YEAR}"
NOMINEE = {"kind": "collective", "name": "Phòng Ngân sách, Sở Tài chính", "summary": "Hoàn thành xuất sắc nhiệm vụ"}
PERSON = {"name": "Nguyễn Văn Mẫu", "position": "Giám đốc"}


@dataclass
class Year:
    """The ids of the province's objects the rows address."""

    certified_round: str
    open_round: str
    draft_proposal: str
    draft_nominee: str
    sent_nominee: str
    attachment: str
    decision: str
    conference: str
    delegate: str
    cluster_snapshot: str
    national_snapshot: str


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    body: Any = None
    content: bytes | None = None
    read: bool = False  # the ministry's national view reads it (200); writes are refused to it too
    outsiders: int = 403  # what another organiser's office and units get
    ministry: int | None = None  # what the ministry gets, when neither a read (200) nor a write (403)

    @property
    def for_ministry(self) -> int:
        return self.ministry if self.ministry is not None else (200 if self.read else 403)


# Every route that takes one of the province's clusters, rounds, covenants, proposals, decisions
# or conferences ({…} are the Year's ids).
ROWS = [
    # covenants and score sheets
    Row("PUT", f"{BASE}/covenant", {"criteria": CRITERIA, "publish": True}),
    Row("GET", f"{BASE}/covenant", read=True),
    Row("GET", f"{BASE}/covenant/signatures", read=True),
    Row("POST", f"{BASE}/covenant/signatures", {"signer_name": "X", "signer_position": "Y"}),
    Row("GET", f"{BASE}/scores", read=True),
    Row("GET", f"{BASE}/scores/QN-STC", read=True),
    Row("PUT", f"{BASE}/scores/QN-SYT", {"scores": {"CM": 1, "CCHC": 1}}),
    Row("POST", f"{BASE}/scores/QN-SYT/submit"),
    Row("PUT", f"{BASE}/scores/QN-STC/review", {"adjustments": {}}),
    Row("POST", f"{BASE}/scores/lock"),
    # A recompute rewrites nothing anyone entered: the ministry may ask for one of any cluster.
    Row("POST", f"/v1/rankings/{YEAR}/recompute?cluster={CLUSTER}&inline=true", ministry=200),
    Row("GET", f"/v1/rankings/{YEAR}?cluster={CLUSTER}", read=True),
    Row("GET", f"/v1/rankings/{YEAR}/national?organiser=UBND-QN", read=True),
    Row("GET", f"/v1/rankings/{YEAR}/snapshots/{{cluster_snapshot}}", read=True),
    Row("GET", f"/v1/rankings/{YEAR}/snapshots/{{national_snapshot}}", read=True),
    # vote rounds
    Row("POST", "/v1/rounds", {"cluster_code": CLUSTER, "year": YEAR, "award": "ministry_flag", "seats": 1}),
    Row("GET", "/v1/rounds/{certified_round}", read=True),
    Row("GET", "/v1/rounds/{certified_round}/turnout", read=True),
    Row("GET", "/v1/rounds/{certified_round}/paper-ballot-disputes", read=True),
    Row("GET", "/v1/rounds/{certified_round}/minutes", read=True),
    Row("GET", "/v1/rounds/{certified_round}/bulletin", read=True),
    Row("POST", "/v1/rounds/{open_round}/open"),
    Row("POST", "/v1/rounds/{open_round}/ballots", {"choices": []}),
    Row("POST", "/v1/rounds/{open_round}/paper-ballots", {"voter": "QN-SYT", "document_ref": "01/PB",
                                                          "choices": []}),
    Row("POST", "/v1/rounds/{open_round}/close"),
    Row("POST", "/v1/rounds/{certified_round}/certify"),
    Row("POST", "/v1/rounds/{certified_round}/approve"),
    Row("POST", "/v1/rounds/{certified_round}/return", {"reason": "x"}),
    Row("POST", "/v1/rounds/{certified_round}/paper-ballot-disputes", {"reason": "x"}),
    Row("POST", "/v1/rounds/{certified_round}/paper-ballot-confirmations"),
    Row("POST", "/v1/rounds/{certified_round}/paper-ballot-disputes/QN-SYT/ruling",
        {"ruling": "ballot_stands", "note": "x"}),
    # proposals, nominees and the cluster's list
    Row("POST", "/v1/commendations/proposals", {"cluster_code": CLUSTER, "year": YEAR,
                                                "form": "ubnd_qn_chairman_certificate"}),
    Row("GET", "/v1/commendations/proposals/{draft_proposal}", read=True),
    Row("POST", "/v1/commendations/proposals/{draft_proposal}/nominees", NOMINEE),
    Row("POST", "/v1/commendations/proposals/{draft_proposal}/submit"),
    Row("POST", "/v1/commendations/proposals/{draft_proposal}/attachments?filename=x.pdf", content=PDF),
    Row("GET", "/v1/commendations/attachments/{attachment}", read=True),
    Row("DELETE", "/v1/commendations/attachments/{attachment}"),
    Row("PUT", "/v1/commendations/nominees/{draft_nominee}", NOMINEE),
    Row("DELETE", "/v1/commendations/nominees/{draft_nominee}"),
    Row("POST", "/v1/commendations/nominees/{sent_nominee}/accept"),
    Row("POST", "/v1/commendations/nominees/{sent_nominee}/return", {"reason": "x"}),
    Row("POST", "/v1/commendations/nominees/{sent_nominee}/approve"),
    Row("POST", "/v1/commendations/nominees/{sent_nominee}/reject", {"reason": "x"}),
    Row("GET", f"/v1/commendations/lists/{CLUSTER}/{YEAR}", read=True),
    Row("POST", f"/v1/commendations/lists/{CLUSTER}/{YEAR}/send"),
    # decisions and the organiser's configuration
    Row("GET", "/v1/decisions/{decision}", read=True),  # a draft: 403 outside its office (404 only to the public)
    Row("GET", "/v1/decisions/{decision}/print", read=True),
    Row("GET", "/v1/decisions/{decision}/council-minutes", read=True),
    Row("PUT", "/v1/decisions/{decision}", {"number": "15/QĐ-UBND", "year": YEAR, "summary": "x",
                                             "signed_on": "2025-01-15", "signer_name": "X", "signer_title": "CHỦ TỊCH",
                                             "nominee_ids": []}),
    Row("POST", "/v1/decisions/{decision}/issue"),
    Row("PUT", "/v1/organisers/UBND-QN/rules", {"valid_from_year": 2030, "issuer": "X", "decision_suffix": "QĐ-UBND",
                                                "signer_title": "CHỦ TỊCH", "government_flag_share": "1/5",
                                                "flags_per_cluster": 1}),
    # conferences
    Row("GET", "/v1/conferences/{conference}", read=True),
    Row("GET", "/v1/conferences/{conference}/delegates", read=True),
    Row("POST", "/v1/conferences", {"cluster_code": CLUSTER, "year": YEAR, "held_on": "2024-12-15", "place": "Hạ Long",
                                    "chair": PERSON, "secretary": PERSON}),
    Row("POST", "/v1/conferences/{conference}/delegates", {"unit_code": "QN-SYT", "name": "X", "position": "Y"}),
    Row("POST", "/v1/conferences/{conference}/open"),
    Row("POST", "/v1/conferences/{conference}/check-ins", {"delegate_id": "{delegate}"}),
    Row("POST", "/v1/conferences/{conference}/hand-over", {"from_unit": "QN-SNV", "to_unit": "QN-STC"}),
    Row("POST", "/v1/conferences/{conference}/adjourn"),
]


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


async def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
async def province_year(registry, nominations, issue_token):
    """The province's 2024 with a published covenant, sheets, a certified and an open round, a draft
    proposal with a file, a sent nominee, a draft decision and a scheduled conference; and another
    province's office with a unit of its own."""
    t = Tokens(registry, issue_token)
    r, c = registry.client, nominations.client
    for organiser in (QN, HN):
        await _ok(await r.post("/v1/organisers", headers=t.ministry, json=organiser), 201)
    office = t.staff("UBND-QN")
    for code, name in UNITS:
        await _ok(await r.post("/v1/units", headers=office, json={
            "code": code, "name": name, "kind": "department", "organiser": "UBND-QN"}), 201)
    await _ok(await r.post("/v1/units", headers=t.staff("UBND-HN"), json={
        "code": "HN-SNV", "name": "Sở Nội vụ", "kind": "department", "organiser": "UBND-HN"}), 201)
    await _ok(await r.post("/v1/clusters", headers=office, json={
        "code": CLUSTER, "name": "Khối các sở, ban, ngành", "kind": "khoi", "organiser": "UBND-QN"}), 201)
    await _ok(await r.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR}", headers=office,
                          json={"members": [c for c, _ in UNITS]}))
    await _ok(await r.post(f"/v1/clusters/{CLUSTER}/periods/{YEAR}/leadership", headers=office, json={
        "method": "election", "lead": "QN-SNV", "deputy": "QN-STC"}), 201)

    lead = t.unit("QN-SNV")
    forms = await _ok(await c.get("/v1/award-forms", headers=office, params={"organiser": "UBND-QN"}))
    merit = next(f["code"] for f in forms if f["name"].startswith("Bằng khen"))
    assert merit == "ubnd_qn_chairman_certificate"
    await _ok(await c.put(f"{BASE}/covenant", headers=office, json={"criteria": CRITERIA, "publish": True}))
    await _ok(await c.put(f"{BASE}/scores/QN-STC", headers=t.unit("QN-STC"), json={"scores": {"CM": 50, "CCHC": 30}}))
    await _ok(await c.post(f"{BASE}/scores/QN-STC/submit", headers=t.unit("QN-STC")))
    ranked = await _ok(await c.post(f"/v1/rankings/{YEAR}/recompute", headers=office,
                                    params={"cluster": CLUSTER, "inline": "true"}))
    snapshots = {w["scope"]: str(w["snapshot_id"]) for w in ranked["written"]}

    async def round_() -> str:
        made = await _ok(await c.post("/v1/rounds", headers=lead, json={
            "cluster_code": CLUSTER, "year": YEAR, "award": "ministry_flag", "seats": 1}), 201)
        await _ok(await c.post(f"/v1/rounds/{made['id']}/open", headers=lead))
        return made["id"]

    certified = await round_()
    for code, _ in UNITS:
        await _ok(await c.post(f"/v1/rounds/{certified}/ballots", headers=t.unit(code),
                               json={"choices": [] if code == "QN-SNV" else ["QN-SNV"]}), 201)
    await _ok(await c.post(f"/v1/rounds/{certified}/close", headers=lead))
    await _ok(await c.post(f"/v1/rounds/{certified}/certify", headers=lead))
    opened = await round_()

    member = t.unit("QN-STC")
    sent = await _ok(await c.post("/v1/commendations/proposals", headers=member, json={
        "cluster_code": CLUSTER, "year": YEAR, "form": merit}), 201)
    sent_nominee = await _ok(await c.post(f"/v1/commendations/proposals/{sent['id']}/nominees", headers=member,
                                          json=NOMINEE), 201)
    await _ok(await c.post(f"/v1/commendations/proposals/{sent['id']}/submit", headers=member))
    await _ok(await c.post(f"/v1/commendations/nominees/{sent_nominee['id']}/accept", headers=lead))
    await _ok(await c.post(f"/v1/commendations/lists/{CLUSTER}/{YEAR}/send", headers=lead))
    other = t.unit("QN-SYT")
    draft = await _ok(await c.post("/v1/commendations/proposals", headers=other, json={
        "cluster_code": CLUSTER, "year": YEAR, "form": merit}), 201)
    draft_nominee = await _ok(await c.post(f"/v1/commendations/proposals/{draft['id']}/nominees", headers=other,
                                           json={**NOMINEE, "name": "Phòng Nghiệp vụ Y, Sở Y tế"}), 201)
    attachment = await _ok(await c.post(f"/v1/commendations/proposals/{draft['id']}/attachments",
                                        params={"filename": "bao-cao.pdf"}, headers=other, content=PDF), 201)
    approved = await _ok(await c.post("/v1/commendations/proposals", headers=lead, json={
        "cluster_code": CLUSTER, "year": YEAR, "form": merit}), 201)
    del approved  # the lead's own nominees are the office's to review: not needed here
    decision = await _ok(await c.post("/v1/decisions", headers=office, json={
        "number": "15/QĐ-UBND", "year": YEAR, "summary": "Về việc tặng Bằng khen năm 2024",
        "signed_on": "2025-01-15", "signer_name": "Nguyễn Văn Mẫu", "signer_title": "CHỦ TỊCH", "nominee_ids": []}),
        201)
    conference = await _ok(await c.post("/v1/conferences", headers=lead, json={
        "cluster_code": CLUSTER, "year": YEAR, "held_on": "2024-12-15", "place": "Hạ Long", "chair": PERSON,
        "secretary": PERSON}), 201)
    delegate = await _ok(await c.post(f"/v1/conferences/{conference['id']}/delegates", headers=lead, json={
        "unit_code": "QN-SNV", "name": "Đại biểu", "position": "Giám đốc", "votes": True}), 201)
    ids = Year(certified_round=certified, open_round=opened, draft_proposal=draft["id"],
               draft_nominee=draft_nominee["id"], sent_nominee=sent_nominee["id"], attachment=attachment["id"],
               decision=decision["id"], conference=conference["id"], delegate=delegate["id"],
               cluster_snapshot=snapshots[CLUSTER], national_snapshot=snapshots["national:UBND-QN"])
    return t, vars(ids)


async def _call(client, row: Row, headers: dict[str, str], ids: dict[str, str]):
    kwargs: dict[str, Any] = {"headers": headers}
    if row.content is not None:
        kwargs["content"] = row.content
    elif row.body is not None:
        kwargs["json"] = _fill(row.body, ids)
    return await client.request(row.method, _fill(row.path, ids), **kwargs)


async def test_every_route_refuses_another_organiser(nominations, province_year):
    t, ids = province_year
    outsiders = {"another province's office": t.staff("UBND-HN"), "another province's unit": t.unit("HN-SNV"),
                 "a province of the ministry's clusters": nominations.auth(t.issue_token("province", "22"))}
    leaks = []
    for row in ROWS:
        for who, headers in outsiders.items():
            r = await _call(nominations.client, row, headers, ids)
            if r.status_code != row.outsiders:
                leaks.append(f"{row.method} {row.path} by {who}: {r.status_code} {r.text[:120]}")
            else:
                problem(r, row.outsiders)
    assert leaks == [], "\n".join(leaks)


async def test_the_ministry_reads_the_province_and_changes_nothing(nominations, province_year):
    t, ids = province_year
    wrong = []
    for row in ROWS:
        r = await _call(nominations.client, row, t.ministry, ids)
        if r.status_code != row.for_ministry:
            wrong.append(f"{row.method} {row.path}: {r.status_code} {r.text[:120]}")
    assert wrong == [], "\n".join(wrong)


async def test_the_province_reads_its_own_and_lists_leave_it_out_for_others(nominations, province_year):
    t, ids = province_year
    c = nominations.client
    member, office = t.unit("QN-SYT"), t.staff("UBND-QN")
    for headers in (member, office):
        for path in (f"{BASE}/covenant", f"{BASE}/covenant/signatures", f"/v1/rankings/{YEAR}?cluster={CLUSTER}",
                     f"/v1/conferences/{ids['conference']}", f"/v1/conferences/{ids['conference']}/delegates",
                     f"/v1/rounds/{ids['certified_round']}/bulletin",
                     f"/v1/rankings/{YEAR}/snapshots/{ids['cluster_snapshot']}",
                     f"/v1/rankings/{YEAR}/snapshots/{ids['national_snapshot']}"):
            assert (await c.get(path, headers=headers)).status_code == 200, path
    for headers, seen in ((office, True), (member, True), (t.ministry, True), (t.staff("UBND-HN"), False),
                          (t.unit("HN-SNV"), False)):
        listed = (await c.get("/v1/conferences", headers=headers, params={"year": YEAR})).json()["items"]
        assert ([x["id"] for x in listed] == [ids["conference"]]) is seen


async def test_national_rankings_and_snapshots_are_per_organiser(nominations, province_year):
    """The province's national ranking holds its own cluster only, and the ministry's none of it;
    the snapshot list shows an organiser's snapshots to those who may read them, and nobody else."""
    t, _ = province_year
    c = nominations.client
    office, member = t.staff("UBND-QN"), t.unit("QN-SYT")
    for headers in (office, member, t.ministry):
        national = await _ok(await c.get(f"/v1/rankings/{YEAR}/national", headers=headers,
                                         params={"organiser": "UBND-QN"}))
        assert national["organiser"] == "UBND-QN" and national["cluster_code"] is None
        assert {row["cluster"] for row in national["rows"]} == {CLUSTER}
    # The ministry's national view (the default) has no ranking this year: none of its clusters ranked.
    problem(await c.get(f"/v1/rankings/{YEAR}/national", headers=office), 404)
    problem(await c.get(f"/v1/rankings/{YEAR}/national", headers=t.staff("UBND-HN"),
                        params={"organiser": "UBND-QN"}), 403)

    async def listed(headers, **params) -> list[tuple[str, str]]:
        page = await _ok(await c.get(f"/v1/rankings/{YEAR}/snapshots", headers=headers, params=params))
        return sorted((item["scope"], item["cluster_code"] or "") for item in page["items"])

    own = [("cluster", CLUSTER), ("national", "")]
    assert await listed(office, organiser="UBND-QN") == own
    assert await listed(member, organiser="UBND-QN") == own
    assert await listed(t.ministry, organiser="UBND-QN") == own
    assert await listed(office, cluster=CLUSTER) == [("cluster", CLUSTER)]  # the cluster's organiser
    assert await listed(office, organiser="UBND-QN", cluster="*") == [("national", "")]
    for outsider in (t.staff("UBND-HN"), t.unit("HN-SNV"), nominations.auth(t.issue_token("province", "22"))):
        assert await listed(outsider, organiser="UBND-QN") == []
        assert await listed(outsider, cluster=CLUSTER) == []
    assert await listed(t.ministry) == []  # the ministry's own (the default): none this year
