"""The ministry's council votes on the northern cluster's nominees, end to end through the API:
nine members, seven check in (the quorum is six), one absent member votes in writing, one not at
all; the secret ballots are counted against all nine; one nominee falls short of its threshold and
cannot be put in the decision, which lists the others."""
from __future__ import annotations

from tests.nominations.commendations.conftest import collective, person
from tests.nominations.conftest import CLUSTER
from tests.support import problem

PRESENT = ["hd-tra", "hd-long", "hd-thang", "hd-hung", "hd-hoa", "hd-khanh", "hd-tam"]


async def test_the_council_decides_the_northern_nominees_and_the_decision_follows(council):
    comm = council.comm
    # The cluster's list reaches the ministry: four nominees for the Minister's certificate of merit.
    made = await comm.through_lead("22", [person("Đỗ Quang Đạt", born="1982-01-15"), person("Vũ Thị Én"),
                                          collective("Văn phòng Sở Nội vụ"), person("Lý Văn Phúc", born="1975-03-04")])
    ids = [n["id"] for n in made]
    short = ids[3]  # Lý Văn Phúc: seven of nine agree, eight are needed

    c = await council.found()
    assert [m["role"] for m in c["members"]][:3] == ["chair", "vice_chair", "vice_chair"] and len(c["members"]) == 9
    members = {m["account"]: m["id"] for m in c["members"]}
    cid = c["id"]
    s = await council.session(cid, ids)
    sid = s["id"]
    assert (s["state"], s["members_total"], s["quorum_needed"], s["quorum_met"]) == ("scheduled", 9, 6, False)
    assert {n["threshold"] for n in s["nominees"]} == {"4/5"} and {n["votes_needed"] for n in s["nominees"]} == {8}
    assert s["nominees"][0]["threshold_basis"] == "Nghị định số 98/2023/NĐ-CP"

    # While its council has not voted, the ministry's click cannot decide a nominee.
    r = await comm.client.post(f"/v1/commendations/nominees/{short}/approve", headers=comm.ministry)
    problem(r, 409)
    assert r.json()["type"].endswith("nominee-awaits-council")

    # No quorum yet: the vote does not open.
    base = f"/v1/councils/{cid}/sessions/{sid}"
    r = await comm.client.post(f"{base}/open", headers=comm.ministry)
    assert problem(r, 409)["type"].endswith("council-quorum-not-met")
    for account in PRESENT[:5]:  # each member with its own account
        await council.call("POST", f"{base}/check-ins", council.member(account), json={"member_id": members[account]})
    for account in PRESENT[5:]:  # the secretary's desk
        s = await council.call("POST", f"{base}/check-ins", comm.ministry, json={"member_id": members[account]})
    assert (s["present_members"], s["quorum_met"]) == (7, True)
    r = await comm.client.post(f"{base}/check-ins", headers=comm.province("22"), json={"member_id": members["hd-manh"]})
    problem(r, 403)
    # Voting before the session opens is refused.
    r = await council.ballot(cid, sid, "hd-tra", ids)
    assert problem(r, 409)["type"].endswith("session-not-open")
    s = await council.call("POST", f"{base}/open", comm.ministry)
    assert s["state"] == "open"

    # Seven members present vote in person; one absent member in writing; the ninth does not vote.
    receipts = {}
    for i, account in enumerate(PRESENT):
        approve = ids if i < 6 else ids[:3]  # the seventh does not agree with Lý Văn Phúc
        r = await council.ballot(cid, sid, account, approve, key=f"ballot-key-{account}-0123456789abcdef")
        assert r.status_code == 201, r.text
        receipts[account] = r.json()["receipt"]
    # A retry with the same key answers the same receipt; another ballot is refused (one per member).
    again = await council.ballot(cid, sid, "hd-tra", ids, key="ballot-key-hd-tra-0123456789abcdef")
    assert again.status_code == 201 and again.json()["receipt"] == receipts["hd-tra"]
    assert again.headers["Idempotent-Replayed"] == "true"
    r = await council.ballot(cid, sid, "hd-tra", ids[:1])
    assert problem(r, 409)["type"].endswith("member-already-voted")
    # Not a member: no ballot. A member absent votes in writing only, entered by the desk.
    r = await council.ballot(cid, sid, "ministry", ids)
    problem(r, 403)
    r = await council.ballot(cid, sid, "hd-trang", ids)
    assert problem(r, 409)["type"].endswith("member-not-checked-in")
    r = await comm.client.post(f"{base}/written-ballots", headers={**comm.ministry, "Idempotency-Key": "w" * 30},
                               json={"member_id": members["hd-tra"], "document_ref": "Phiếu số 1", "approve": ids})
    assert problem(r, 409)["type"].endswith("member-present")
    w = await council.call("POST", f"{base}/written-ballots", {**comm.ministry, "Idempotency-Key": "x" * 30}, 201,
                           json={"member_id": members["hd-trang"], "document_ref": "Phiếu bầu bằng văn bản số 12",
                                 "approve": ids})
    assert w["channel"] == "written" and w["receipt"] is None

    roster = await council.call("GET", f"{base}/roster", comm.ministry)
    voted = {line["member_id"]: line["voted"] for line in roster["items"]}
    assert voted[members["hd-trang"]] == "written" and voted[members["hd-manh"]] is None
    assert sum(1 for v in voted.values() if v == "in_person") == 7
    r = await comm.client.get(f"{base}/bulletin", headers=comm.ministry)
    assert problem(r, 409)["type"].endswith("session-not-closed")
    r = await comm.client.get(f"{base}/minutes", headers=comm.ministry)
    assert problem(r, 409)["type"].endswith("session-not-closed")

    # The close counts against all nine members: Lý Văn Phúc has 7, 8 needed.
    s = await council.call("POST", f"{base}/close", comm.ministry)
    result = s["result"]
    assert (s["state"], result["members"], result["ballots"], result["in_person"], result["written"]) == (
        "closed", 9, 8, 7, 1)
    by_id = {line["nominee_id"]: line for line in result["nominees"]}
    assert [(by_id[i]["yes"], by_id[i]["no"], by_id[i]["needed"], by_id[i]["outcome"]) for i in ids] == [
        (8, 0, 8, "approved"), (8, 0, 8, "approved"), (8, 0, 8, "approved"), (7, 1, 8, "below_threshold")]

    # The verdict is the nominees' state: three approved, one rejected with the figures as reason.
    lst = await comm.call("GET", f"/v1/commendations/lists/{CLUSTER}/2023", comm.ministry)
    states = {n["id"]: (n["state"], n["reject_reason"]) for p in lst["proposals"] for n in p["nominees"]}
    assert [states[i][0] for i in ids] == ["approved", "approved", "approved", "rejected"]
    assert "7/9" in states[short][1] and "cần 8" in states[short][1]

    # The bulletin: every receipt finds its ballot.
    board = await council.call("GET", f"{base}/bulletin", comm.ministry)
    assert len(board["items"]) == 8
    commitments = {b["commitment"]: sorted(b["approve"]) for b in board["items"]}
    assert commitments[receipts["hd-tam"]["commitment"]] == sorted(ids[:3])

    # The decision lists exactly those the council approved: the one that fell short cannot be put in.
    body = {"number": "15/QĐ-BNV", "year": 2023, "signed_on": "2024-01-05", "signer_name": "Trương Hải Long",
            "signer_title": "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", "nominee_ids": ids}
    r = await comm.client.post("/v1/decisions", headers={**comm.ministry, "Idempotency-Key": "d" * 30}, json=body)
    err = problem(r, 422)
    assert err["type"].endswith("nominee-not-approved") and "7/9" in err["detail"]
    decision = await comm.call("POST", "/v1/decisions", comm.ministry, 201, json={**body, "nominee_ids": ids[:3]})
    assert sorted(e["nominee_id"] for e in decision["entries"]) == sorted(ids[:3])
    issued = await comm.call("POST", f"/v1/decisions/{decision['id']}/issue", comm.ministry)
    assert issued["state"] == "issued"

    # The session's minutes, with the figures per nominee, are in the decision's file.
    [filed] = (await council.call("GET", f"/v1/decisions/{decision['id']}/council-minutes", comm.ministry))["items"]
    assert filed["session_id"] == sid and sorted(filed["nominees_in_decision"]) == sorted(ids[:3])
    page = await comm.client.get(filed["html"], headers=comm.ministry)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG" in page.text and "Lý Văn Phúc" in page.text
    assert "7/9" in page.text and "Không đạt tỷ lệ phiếu" in page.text and "03/01/2024" in page.text
    assert "Hoàng Thu Trang" in page.text and "phiếu bầu bằng văn bản" in page.text
    printed = await comm.client.get(filed["pdf"], headers=comm.ministry)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    as_json = await council.call("GET", f"{base}/minutes", comm.ministry)
    assert as_json["session"]["result"]["ballots"] == 8 and len(as_json["roster"]) == 9

    # The events left through the outbox; the session is final.
    # Each names the members' accounts, so that every member is told personally (notifications).
    [scheduled] = await comm.outbox("nominations.council.session_scheduled")
    assert (scheduled["present_members"], scheduled["nominees"], scheduled["members"]) == (0, 4, list(members))
    opened = await comm.outbox("nominations.council.session_opened")
    assert [(e["present_members"], e["quorum_needed"]) for e in opened] == [(7, 6)]
    assert opened[0]["members"] == list(members)
    [res] = await comm.outbox("nominations.council.result")
    assert (res["approved"], res["refused"], res["provinces"], res["organiser"]) == (3, 1, ["22"], "BNV")
    assert res["members"] == list(members)
    assert len(await comm.outbox("nominations.council.session_closed")) == 1
    r = await council.ballot(cid, sid, "hd-manh", ids)
    problem(r, 409)
