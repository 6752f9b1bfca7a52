"""Issue 18, finding 1: a former lead kept its powers. After the ministry corrected a cluster-year's
leadership (34 → 33 here), the old lead still read turnouts, entered paper ballots, closed and
certified its rounds, and read the proposals (with their nominees' personal data) and files of the
cluster, while the new lead was refused. The lead's powers now follow the registry's current
leadership in every context: each route below refuses the old lead (403) and lets the new one act."""
from __future__ import annotations

from services.nominations.voting import events
from tests.nominations.commendations.conftest import PDF, person
from tests.nominations.conferences.test_conference import BODY
from tests.nominations.conftest import CLUSTER
from tests.nominations.scoring_support import BASE, SHEETS, Scoring
from tests.support import eventually, problem

OLD, NEW = "34", "33"


async def _correct(vote) -> None:
    """The ministry corrects the 2023 leadership of the cluster in the registry: 33 leads, 30 deputises."""
    r = await vote.registry.client.put(f"/v1/clusters/{CLUSTER}/periods/2023/leadership",
                                       headers=vote.registry.auth(vote.issue_token("ministry")),
                                       json={"lead": NEW, "deputy": "30", "reason": "Sửa sai sót khi nhập kết quả bầu"})
    assert r.status_code == 200, r.text


async def _refused_then_allowed(call, old_headers, new_headers, expect: int = 200):
    problem(await call(old_headers), 403)
    answer = await call(new_headers)
    assert answer.status_code == expect, answer.text
    return answer


async def test_a_rounds_lead_powers_follow_the_corrected_leadership(vote):
    c = vote.nominations.client
    old, new = vote.province(OLD), vote.province(NEW)
    draft = await vote.create(OLD)
    rid = draft["id"]
    await _correct(vote)

    # The draft is the lead's alone to see: now the new lead's.
    await _refused_then_allowed(lambda h: c.get(f"/v1/rounds/{rid}", headers=h), old, new)
    listed = {code: [x["id"] for x in (await c.get("/v1/rounds", headers=h)).json()["items"]]
              for code, h in ((OLD, old), (NEW, new))}
    assert rid not in listed[OLD] and rid in listed[NEW]
    await _refused_then_allowed(lambda h: vote.post(rid, "open", h), old, new)
    await vote.cast_all(rid, {code: ["22"] for code in ("34", "33", "30", "31", "36")})
    paper = {"voter": "35", "choices": ["22"], "document_ref": "125/SNV-TĐKT"}
    await _refused_then_allowed(lambda h: vote.post(rid, "paper-ballots", h, paper), old, new, 201)
    turnout = await _refused_then_allowed(lambda h: c.get(f"/v1/rounds/{rid}/turnout", headers=h), old, new)
    assert turnout.json()["ballots_cast"] == 6
    await _refused_then_allowed(lambda h: vote.post(rid, "close", h), old, new)
    confirmed = await vote.post(rid, "paper-ballot-confirmations", vote.province("35"))
    assert confirmed.status_code == 201, confirmed.text
    certified = await _refused_then_allowed(lambda h: vote.post(rid, "certify", h), old, new)
    assert certified.json()["certified_by"] == f"province-{NEW}"


async def test_covenants_and_sheets_follow_the_corrected_leadership(vote):
    scoring = Scoring(vote)
    old, new = vote.province(OLD), vote.province(NEW)
    await _correct(vote)

    await _refused_then_allowed(lambda h: scoring.put_covenant(headers=h), old, new)
    await scoring.scored(SHEETS)
    # The cross-check of 22's sheet is the lead's.
    await _refused_then_allowed(lambda h: scoring.review("22", {"CM": (30, "Thiếu minh chứng")}, headers=h),
                                old, new)
    await _refused_then_allowed(lambda h: scoring.get_sheet("22", headers=h), old, new)
    # The old lead is still a member: it lists its own row only, the new lead every member's.
    rows = {code: (await vote.nominations.client.get(f"{BASE}/scores", headers=h)).json()["items"]
            for code, h in ((OLD, old), (NEW, new))}
    assert [row["province"] for row in rows[OLD]] == [OLD] and len(rows[NEW]) == len(SHEETS)
    await _refused_then_allowed(lambda h: scoring.lock(headers=h), old, new)


async def test_the_commendation_list_follows_the_corrected_leadership(comm):
    vote, c = comm.vote, comm.client
    old, new = comm.province(OLD), comm.province(NEW)
    p = await comm.proposal("36")
    n = await comm.nominee(p["id"], "36", person("Lê Văn Hùng"))
    url = f"/v1/commendations/proposals/{p['id']}/attachments?filename=Báo cáo.pdf"
    a = await comm.call("POST", url, comm.province("36"), 201, content=PDF)
    await comm.submit(p["id"], "36")
    # Before the correction the old lead reads them (the list cached it as the lead).
    assert (await c.get(f"/v1/commendations/proposals/{p['id']}", headers=old)).status_code == 200
    await _correct(vote)

    got = await _refused_then_allowed(lambda h: c.get(f"/v1/commendations/proposals/{p['id']}", headers=h), old, new)
    assert got.json()["nominees"][0]["birth_date"] == "1980-05-17"
    await _refused_then_allowed(lambda h: c.get(f"/v1/commendations/attachments/{a['id']}", headers=h), old, new)
    listed = {code: [x["id"] for x in (await c.get("/v1/commendations/proposals", headers=h)).json()["items"]]
              for code, h in ((OLD, old), (NEW, new))}
    assert p["id"] not in listed[OLD] and p["id"] in listed[NEW]
    await _refused_then_allowed(lambda h: c.get(f"/v1/commendations/lists/{CLUSTER}/2023", headers=h), old, new)
    await _refused_then_allowed(lambda h: c.post(f"/v1/commendations/nominees/{n['id']}/accept", headers=h), old, new)
    sent = await _refused_then_allowed(lambda h: c.post(f"/v1/commendations/lists/{CLUSTER}/2023/send", headers=h),
                                       old, new)
    assert sent.json()["nominees"] == 1


async def test_the_conference_desk_follows_the_corrected_leadership(vote):
    """The host of a cluster-year's conference is its lead: after the correction the old lead's
    account no longer keeps the secretary's desk (open, guests, check-ins, the flag's hand-over,
    adjourn), the new lead's does; the old lead still names and checks in its own delegate."""
    c = vote.nominations.client
    old, new = vote.province(OLD), vote.province(NEW)
    r = await c.post("/v1/conferences", headers=old, json=BODY)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    await _correct(vote)

    await _refused_then_allowed(lambda h: c.post(f"/v1/conferences/{cid}/open", headers=h), old, new)
    guest = {"organisation": "Bộ Nội vụ", "name": "Khách mời", "position": "Vụ trưởng"}
    await _refused_then_allowed(lambda h: c.post(f"/v1/conferences/{cid}/delegates", headers=h, json=guest),
                                old, new, 201)
    delegates = {}
    for code in ("36", OLD):
        r = await c.post(f"/v1/conferences/{cid}/delegates", headers=vote.province(code), json={
            "unit_code": code, "name": f"Đại biểu {code}", "position": "Giám đốc Sở Nội vụ", "votes": True})
        assert r.status_code == 201, r.text  # a member names its own delegate, lead or not
        delegates[code] = r.json()["id"]
    checked = await _refused_then_allowed(
        lambda h: c.post(f"/v1/conferences/{cid}/check-ins", headers=h, json={"delegate_id": delegates["36"]}),
        old, new)
    assert checked.json()["delegate"]["check_in_method"] == "secretary"
    own = await c.post(f"/v1/conferences/{cid}/check-ins", headers=old, json={"delegate_id": delegates[OLD]})
    assert own.status_code == 200 and own.json()["delegate"]["check_in_method"] == "self"
    handing = {"from_unit": OLD, "to_unit": NEW}
    await _refused_then_allowed(lambda h: c.post(f"/v1/conferences/{cid}/hand-over", headers=h, json=handing),
                                old, new)
    adjourned = await _refused_then_allowed(lambda h: c.post(f"/v1/conferences/{cid}/adjourn", headers=h), old, new)
    assert adjourned.json()["state"] == "adjourned"


async def test_the_rounds_notices_reach_the_corrected_lead(vote):
    """The notices of a round (a member's dispute, the close, the ruling, the certification, the
    ministry's return) name the lead the registry names now, so the new lead learns why its round
    waits and the former one no longer reads its disputes; the events carry who is told."""
    rid = (await vote.opened(OLD))["id"]
    await vote.cast_all(rid, {code: ["22"] for code in ("34", "33", "30", "31", "36")})
    paper = {"voter": "35", "choices": ["22"], "document_ref": "125/SNV-TĐKT"}
    assert (await vote.post(rid, "paper-ballots", vote.province(OLD), paper)).status_code == 201
    await _correct(vote)

    disputed = await vote.post(rid, "paper-ballot-disputes", vote.province("35"), {"reason": "Không ủy quyền"})
    assert disputed.status_code == 201, disputed.text
    await vote.close(rid, NEW)
    ruled = await vote.post(rid, "paper-ballot-disputes/35/ruling", vote.ministry,
                            {"ruling": "ballot_stands", "note": "Có văn bản ủy quyền"})
    assert ruled.status_code == 200, ruled.text

    async def certified() -> bool:
        return (await vote.post(rid, "certify", vote.province(NEW))).status_code == 200

    await eventually(certified, message="the new lead certifies once the member's window has passed")
    returned = await vote.post(rid, "return", vote.ministry, {"reason": "Bổ sung biên bản"})
    assert returned.status_code == 200, returned.text
    for type_ in (events.PAPER_BALLOT_DISPUTED, events.ROUND_CLOSED, events.PAPER_BALLOT_RULED,
                  events.ROUND_CERTIFIED, events.ROUND_RETURNED):
        told = [e["lead_code"] for e in await vote.outbox(type_) if e["round_id"] == rid]
        assert told == [NEW], (type_, told)
