"""A vote from start to approval: the 2023 northern cluster, a runoff, a failed quorum, the minutes."""
import uuid
from collections import Counter

from services.nominations.voting.domain.receipts import verify as verify_commitment
from tests.nominations.conftest import CLUSTER, CLUSTER_NAME, NORTH, NORTH_NAMES
from tests.support import problem

# Every round event says its kind (an election's post, a motion's title: null for a flag round).
KIND_KEYS = {"kind", "post", "title"}
OPENED_KEYS = {"round_id", "cluster_code", "cluster_name", "year", "award", "seats", "closes_at", "lead_code",
               "electorate"} | KIND_KEYS
DECIDED_KEYS = {"round_id", "cluster_code", "cluster_name", "year", "award", "lead_code", "proposed",
                "electorate"} | KIND_KEYS


async def other_clusters_active_in(vote, year, count):
    """Clusters with a period in ``year`` besides the northern one (the base of the 20% cap)."""
    for i in range(count):
        await vote.cluster_year(code=f"K{i}", name=f"Khối thi đua {i}", year=year, members=["01", "04"], lead=None)


async def test_the_2023_northern_cluster_votes_for_the_government_flag(vote):
    await other_clusters_active_in(vote, 2023, 4)  # 5 clusters active: the cap allows one flag
    lead = vote.province("34")
    draft = await vote.create(seats=1)
    assert draft["state"] == "draft" and draft["electorate"] is None
    assert draft["candidates"] == sorted(NORTH) and draft["max_choices"] == 1
    assert (draft["threshold"], draft["quorum"], draft["self_vote"]) == ("1/2", "2/3", False)
    assert draft["cluster_name"] == CLUSTER_NAME and draft["award_label"] == "Cờ thi đua của Chính phủ"

    opened = await vote.open(draft["id"])
    round_id = opened["id"]
    assert opened["state"] == "open" and opened["electorate"] == sorted(NORTH)
    assert opened["names"]["34"] == "Thái Bình" and opened["names"]["22"] == "Quảng Ninh"

    # Seven members vote at the conference; Hà Nam (35) is absent and sends a written ballot.
    online = {"34": ["22"], "33": ["22"], "30": ["22"], "31": ["22"], "22": ["31"], "36": ["22"], "37": []}
    receipts = await vote.cast_all(round_id, online)
    r = await vote.post(round_id, "paper-ballots", lead, {"voter": "35", "choices": ["22"],
                                                         "document_ref": "125/SNV-TĐKT"})
    assert r.status_code == 201, r.text
    receipts["35"] = r.json()["receipt"]
    assert all(rc["round_id"] == round_id and len(rc["secret"]) == 64 for rc in receipts.values())

    turnout = (await vote.nominations.client.get(f"/v1/rounds/{round_id}/turnout", headers=lead)).json()
    assert turnout["ballots_cast"] == 8 and turnout["not_voted"] == []
    assert {v["code"]: v["channel"] for v in turnout["voted"]}["35"] == "paper"
    assert "choices" not in str(turnout)
    # Nothing about the ballots is public before the close.
    problem(await vote.nominations.client.get(f"/v1/rounds/{round_id}/bulletin", headers=lead), 409)

    closed = await vote.close(round_id)
    assert closed["state"] == "closed"
    result = closed["result"]
    assert result["outcome"] == "proposed" and result["proposed"] == ["22"]
    assert (result["ballots_cast"], result["blank_ballots"], result["quorum_met"]) == (8, 1, True)
    assert result["votes"]["22"] == 6 and result["votes"]["31"] == 1 and result["votes"]["34"] == 0

    # The bulletin: anyone recounts it, every voter finds its ballot as cast.
    board = (await vote.nominations.client.get(f"/v1/rounds/{round_id}/bulletin", headers=vote.province("33"))).json()
    commitments = [b["commitment"] for b in board["ballots"]]
    assert board["ballots_cast"] == 8 and commitments == sorted(commitments)
    recount = Counter(code for b in board["ballots"] for code in b["choices"])
    assert dict(recount) == {k: v for k, v in result["votes"].items() if v}
    cast = {**online, "35": ["22"]}
    for voter, receipt in receipts.items():
        answer = (await vote.nominations.client.post(f"/v1/rounds/{round_id}/verify", headers=vote.province(voter),
                                                     json={"receipt": receipt["commitment"]})).json()
        assert answer["counted"] is True and answer["choices"] == cast[voter]
        # The voter can check the commitment itself, without trusting the service.
        assert verify_commitment(round_id=round_id, choices=answer["choices"], secret=receipt["secret"],
                                 commitment=receipt["commitment"])

    certified = (await vote.post(round_id, "certify", lead)).json()
    assert certified["state"] == "certified" and certified["certified_by"] == "province-34"

    minutes = (await vote.nominations.client.get(f"/v1/rounds/{round_id}/minutes", headers=vote.ministry)).json()
    assert minutes["cluster"] == {"code": CLUSTER, "name": CLUSTER_NAME} and minutes["year"] == 2023
    assert minutes["proposed"] == [{"code": "22", "name": "Quảng Ninh"}]
    assert minutes["votes"][0] == {"code": "22", "name": "Quảng Ninh", "votes": 6}
    assert minutes["paper_ballots"] == [{"code": "35", "name": "Hà Nam", "document_ref": "125/SNV-TĐKT"}]
    assert minutes["certified_at"].endswith("+07:00")
    page = await vote.nominations.client.get(f"/v1/rounds/{round_id}/minutes",
                                             headers={**lead, "Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    for phrase in ("BIÊN BẢN KIỂM PHIẾU", CLUSTER_NAME, "Cờ thi đua của Chính phủ", "Quảng Ninh", "Thái Bình",
                   "Hà Nam", "125/SNV-TĐKT", "giờ Việt Nam", "Ký, ghi rõ họ tên", "8 / 8"):
        assert phrase in text, phrase
    assert "province-34" not in text                      # a person signs, never an account's name
    assert all(NORTH_NAMES[c] in text for c in NORTH)

    approved = (await vote.post(round_id, "approve", vote.ministry)).json()
    assert approved["state"] == "approved" and approved["decided_by"] == "ministry"
    assert (await vote.get(round_id, vote.province("37")))["state"] == "approved"

    # Every transition went out through the outbox with its exact payload; ballots say who, never how.
    events = await vote.outbox()
    assert [e["type"] for e in events if e["type"] != "nominations.round.ballot_cast"] == [
        "nominations.round.opened", "nominations.round.paper_ballot_recorded", "nominations.round.closed",
        "nominations.round.certified", "nominations.round.approved"]
    # The absent member is told of the paper ballot entered for it (and may dispute it).
    [paper] = [e for e in events if e["type"] == "nominations.round.paper_ballot_recorded"]
    assert paper["voter_code"] == "35" and paper["document_ref"] == "125/SNV-TĐKT" and paper["lead_code"] == "34"
    by_type = {e["type"]: e for e in events}
    assert set(by_type["nominations.round.opened"]) - {"type"} == OPENED_KEYS
    assert by_type["nominations.round.opened"]["electorate"] == sorted(NORTH)
    assert by_type["nominations.round.opened"]["closes_at"] is None
    cast_events = [e for e in events if e["type"] == "nominations.round.ballot_cast"]
    assert sorted(e["voter_code"] for e in cast_events) == sorted(NORTH)
    assert all(set(e) == {"type", "round_id", "cluster_code", "year", "voter_code"} for e in cast_events)
    assert set(by_type["nominations.round.closed"]) - {"type"} == {
        "round_id", "cluster_code", "cluster_name", "year", "award", "lead_code", "outcome", "state",
        "electorate"} | KIND_KEYS
    assert by_type["nominations.round.closed"]["outcome"] == "proposed"
    assert by_type["nominations.round.closed"]["state"] == "closed"
    for kind in ("certified", "approved"):
        event = by_type[f"nominations.round.{kind}"]
        assert set(event) - {"type"} == DECIDED_KEYS and event["proposed"] == ["22"] and event["lead_code"] == "34"

    async with vote.nominations.app.state.db.connection() as conn:
        audit = await conn.fetch("SELECT actor, action, details::text AS details FROM nominations.audit_log "
                                 "WHERE target = $1 ORDER BY id", f"round:{round_id}")
    actions = [a["action"] for a in audit]
    assert actions[:2] == ["round.create", "round.open"] and actions[-3:] == ["round.close", "round.certify",
                                                                              "round.approve"]
    assert actions.count("ballot.cast") == 7 and actions.count("ballot.paper_recorded") == 1
    paper = next(a for a in audit if a["action"] == "ballot.paper_recorded")
    assert paper["actor"] == "province-34" and "125/SNV-TĐKT" in paper["details"]
    assert not any("choices" in a["details"] for a in audit)


async def test_a_tie_across_the_last_seat_goes_to_a_runoff_among_the_tied(vote):
    parent = await vote.opened(award="ministry_flag", seats=2)
    await vote.cast_all(parent["id"], {
        "34": ["22", "31"], "33": ["22", "31"], "30": ["22", "33"], "31": ["22", "33"],
        "22": ["31", "33"], "36": ["22", "31"], "35": ["22", "33"], "37": ["31", "33"]})
    closed = await vote.close(parent["id"])
    result = closed["result"]
    assert closed["state"] == "runoff_required" and result["outcome"] == "runoff_required"
    assert (result["proposed"], result["tied"], result["remaining_seats"]) == (["22"], ["31", "33"], 1)
    runoff_id = result["runoff_round_id"]

    runoff = await vote.get(runoff_id)
    assert runoff["state"] == "open" and runoff["parent_round_id"] == parent["id"]
    assert (runoff["candidates"], runoff["seats"], runoff["max_choices"]) == (["31", "33"], 1, 1)
    assert runoff["electorate"] == parent["electorate"] and runoff["carried_over"] == ["22"]
    created = await vote.outbox("nominations.round.runoff_created")
    assert created == [{"type": "nominations.round.runoff_created", "round_id": parent["id"],
                        "runoff_round_id": runoff_id, "cluster_code": CLUSTER, "cluster_name": CLUSTER_NAME,
                        "year": 2023, "award": "ministry_flag", "lead_code": "34", "tied": ["31", "33"],
                        "electorate": sorted(NORTH), "closes_at": None, "kind": "nomination", "post": None,
                        "title": None}]
    # The tied round is final: it is never certified; the runoff carries its outright winner.
    problem(await vote.post(parent["id"], "certify", vote.province("34")), 409)

    await vote.cast_all(runoff_id, {"34": ["31"], "33": ["31"], "30": ["31"], "31": ["33"], "22": ["31"],
                                    "36": ["33"], "35": ["33"], "37": ["31"]})
    problem(await vote.cast(runoff_id, "34", ["33"]), 409)  # already voted in the runoff
    done = await vote.close(runoff_id)
    assert done["state"] == "closed" and done["result"]["proposed"] == ["22", "31"]
    assert done["result"]["votes"] == {"31": 5, "33": 3}
    await vote.post(runoff_id, "certify", vote.province("34"))
    approved = (await vote.post(runoff_id, "approve", vote.ministry)).json()
    assert approved["state"] == "approved"
    assert (await vote.outbox("nominations.round.approved"))[0]["proposed"] == ["22", "31"]
    minutes = (await vote.nominations.client.get(f"/v1/rounds/{runoff_id}/minutes", headers=vote.ministry)).json()
    assert [u["code"] for u in minutes["carried_over"]] == ["22"] and minutes["parent_round_id"] == parent["id"]


WITHHELD = ("votes", "ranking", "blank_ballots", "valid_ballots")


async def _ballot_rows(vote, round_id):
    async with vote.nominations.app.state.db.connection() as conn:
        return await conn.fetchval("SELECT count(*) FROM nominations.ballots WHERE round_id = $1", uuid.UUID(round_id))


async def test_a_vote_without_quorum_fails_and_publishes_how_many_voted_never_what(vote):
    r = await vote.opened(award="certificate_of_merit", seats=2)
    # Five of eight is under two thirds (6 needed).
    receipts = await vote.cast_all(r["id"], {"34": ["22"], "33": ["22"], "30": ["22"], "31": ["22"], "22": ["31"]})
    closed = await vote.close(r["id"])
    assert closed["state"] == "failed_quorum"
    result = closed["result"]
    assert result["outcome"] == "failed_quorum" and result["quorum_met"] is False and result["proposed"] == []
    assert (result["ballots_cast"], result["electorate_size"], result["turnout"]) == (5, 8, 5 / 8)
    assert all(result[k] is None for k in WITHHELD), result  # no count of any kind
    assert (await vote.get(r["id"], vote.province("37")))["result"] == result
    assert (await vote.outbox("nominations.round.closed"))[0]["outcome"] == "failed_quorum"
    body = problem(await vote.post(r["id"], "certify", vote.province("34")), 409)
    assert body["state"] == "failed_quorum"
    problem(await vote.cast(r["id"], "36", []), 409)
    # No bulletin, no receipt check: nothing will ever count these ballots, and they are gone.
    for path, query in (("bulletin", None), ("verify", {"receipt": receipts["33"]["commitment"]})):
        answer = await vote.nominations.client.request("POST" if query else "GET", f"/v1/rounds/{r['id']}/{path}",
                                                       headers=vote.ministry, json=query)
        body = problem(answer, 409)
        assert body["type"].endswith("not-published") and "failed its quorum" in body["detail"]
    assert await _ballot_rows(vote, r["id"]) == 0
    # Who voted is still known (the turnout is the lead's and the ministry's by design).
    turnout = (await vote.nominations.client.get(f"/v1/rounds/{r['id']}/turnout", headers=vote.province("34"))).json()
    assert [v["code"] for v in turnout["voted"]] == ["22", "30", "31", "33", "34"]


async def test_a_runoff_that_misses_its_quorum_still_proposes_the_parents_outright_winner(vote):
    # Two seats: Quảng Ninh (22) wins one outright with 6 of 8; Hải Phòng (31) and Hưng Yên (33) tie
    # for the other with 5 each.
    parent = await vote.opened(award="ministry_flag", seats=2)
    await vote.cast_all(parent["id"], {
        "34": ["22", "31"], "33": ["22", "31"], "30": ["22", "33"], "31": ["22", "33"],
        "22": ["31", "33"], "36": ["22", "31"], "35": ["22", "33"], "37": ["31", "33"]})
    tied = (await vote.close(parent["id"]))["result"]
    assert (tied["votes"]["22"], tied["proposed"], tied["tied"]) == (6, ["22"], ["31", "33"])
    runoff_id = tied["runoff_round_id"]

    # Three of eight vote in the runoff: under the 2/3 quorum.
    receipt = (await vote.cast_all(runoff_id, {"34": ["31"], "33": ["31"], "30": ["33"]}))["34"]
    closed = await vote.close(runoff_id)
    result = closed["result"]
    # The runoff's own seat stays empty, but 22 was decided by a vote that met its quorum: the
    # runoff proposes it, and can be certified and approved like any decided count.
    assert closed["state"] == "closed"
    assert (result["outcome"], result["quorum_met"], result["ballots_cast"]) == ("failed_quorum", False, 3)
    assert (result["proposed"], result["carried_over"]) == (["22"], ["22"])
    assert all(result[k] is None for k in WITHHELD), result
    closed_event = (await vote.outbox("nominations.round.closed"))[-1]
    assert (closed_event["outcome"], closed_event["state"]) == ("failed_quorum", "closed")  # the lead certifies
    assert await _ballot_rows(vote, runoff_id) == 0
    for path, query in (("bulletin", None), ("verify", {"receipt": receipt["commitment"]})):
        body = problem(await vote.nominations.client.request("POST" if query else "GET",
                                                             f"/v1/rounds/{runoff_id}/{path}", headers=vote.ministry,
                                                             json=query), 409)
        assert body["type"].endswith("not-published")
    # The parent's bulletin (a vote that met its quorum) is still there.
    board = await vote.nominations.client.get(f"/v1/rounds/{parent['id']}/bulletin", headers=vote.ministry)
    assert board.status_code == 200 and board.json()["ballots_cast"] == 8

    certified = await vote.post(runoff_id, "certify", vote.province("34"))
    assert certified.status_code == 200, certified.text
    assert certified.json()["state"] == "certified"
    minutes = (await vote.nominations.client.get(f"/v1/rounds/{runoff_id}/minutes", headers=vote.ministry)).json()
    assert (minutes["ballots_cast"], minutes["electorate_size"], minutes["quorum_met"]) == (3, 8, False)
    assert minutes["votes"] is None and minutes["blank_ballots"] is None
    assert [u["code"] for u in minutes["proposed"]] == ["22"] and [u["code"] for u in minutes["carried_over"]] == ["22"]
    page = (await vote.nominations.client.get(f"/v1/rounds/{runoff_id}/minutes", headers=vote.ministry,
                                              params={"format": "html"})).text
    assert "Không đủ số phiếu tối thiểu" in page and "3 / 8" in page and "Quảng Ninh" in page
    assert "Số phiếu đồng ý" not in page and "Phiếu trắng" not in page

    approved = await vote.post(runoff_id, "approve", vote.ministry)
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved" and approved.json()["result"]["proposed"] == ["22"]
    assert (await vote.outbox("nominations.round.approved"))[0]["proposed"] == ["22"]
    assert (await vote.get(parent["id"]))["state"] == "runoff_required"  # the parent stays final


async def test_a_runoff_that_misses_its_quorum_with_nothing_carried_over_is_final(vote):
    # One seat, three units tied at 2 votes each (threshold 0): nobody won outright.
    parent = await vote.opened(award="ministry_flag", seats=1, threshold=0, candidates=["22", "31", "33"])
    await vote.cast_all(parent["id"], {"34": ["22"], "33": ["22"], "30": ["31"], "31": ["33"], "22": ["31"],
                                       "36": ["33"]})
    tied = (await vote.close(parent["id"]))["result"]
    assert (tied["outcome"], tied["proposed"], tied["tied"]) == ("runoff_required", [], ["22", "31", "33"])
    await vote.cast_ok(tied["runoff_round_id"], "34", ["22"])
    closed = await vote.close(tied["runoff_round_id"])
    assert closed["state"] == "failed_quorum" and closed["result"]["proposed"] == []
    assert problem(await vote.post(tied["runoff_round_id"], "certify", vote.province("34")), 409)["state"] == \
        "failed_quorum"


async def _certified(vote, award="ministry_flag"):
    r = await vote.opened(award=award)
    await vote.cast_all(r["id"], {c: (["22"] if c != "22" else ["34"]) for c in NORTH})
    await vote.close(r["id"])
    assert (await vote.post(r["id"], "certify", vote.province("34"))).status_code == 200
    return r


async def test_returned_with_a_reason_then_one_approval_per_cluster_year_and_award(vote):
    r = await _certified(vote)
    problem(await vote.post(r["id"], "return", vote.ministry, {"reason": ""}), 422)
    returned = await vote.post(r["id"], "return", vote.ministry, {"reason": "Thiếu hồ sơ <kèm theo>"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    event = (await vote.outbox("nominations.round.returned"))[0]
    assert event["reason"] == "Thiếu hồ sơ <kèm theo>" and event["proposed"] == ["22"]
    problem(await vote.post(r["id"], "approve", vote.ministry), 409)
    page = await vote.nominations.client.get(f"/v1/rounds/{r['id']}/minutes", headers=vote.ministry,
                                             params={"format": "html"})
    assert "Thiếu hồ sơ &lt;kèm theo&gt;" in page.text and "<kèm theo>" not in page.text
    # A returned proposal blocks nothing: the cluster votes again and that one is approved, once.
    again = await _certified(vote)
    assert (await vote.post(again["id"], "approve", vote.ministry)).status_code == 200
    third = await _certified(vote)
    assert problem(await vote.post(third["id"], "approve", vote.ministry), 409)["type"].endswith("already-approved")


async def test_listing_is_paginated_and_shows_a_province_only_its_rounds(vote):
    await vote.cluster_year(code="NV-NAM", name="Cụm phía Nam", members=["79", "80", "82"], lead="79", deputy="80")
    drafts = [await vote.create(award=a) for a in ("government_flag", "ministry_flag")]
    opened = await vote.open(drafts[1]["id"])
    south = await vote.create(lead="79", cluster_code="NV-NAM")

    async def listing(headers, **params):
        r = await vote.nominations.client.get("/v1/rounds", headers=headers, params=params)
        assert r.status_code == 200, r.text
        return r.json()

    everything = await listing(vote.ministry)
    assert [i["id"] for i in everything["items"]] == [drafts[0]["id"], drafts[1]["id"], south["id"]]
    first = await listing(vote.ministry, limit=2)
    second = await listing(vote.ministry, limit=2, cursor=first["next"])
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in everything["items"]]
    assert second["next"] is None
    assert [i["id"] for i in (await listing(vote.ministry, cluster="NV-NAM"))["items"]] == [south["id"]]
    assert [i["id"] for i in (await listing(vote.ministry, state="open", year=2023))["items"]] == [opened["id"]]
    # The lead sees its drafts; a member sees the rounds it votes in (opened ones); others nothing.
    assert len((await listing(vote.province("34")))["items"]) == 2
    assert [i["id"] for i in (await listing(vote.province("33")))["items"]] == [opened["id"]]
    assert [i["id"] for i in (await listing(vote.province("80")))["items"]] == []
    assert (await listing(vote.province("01")))["items"] == []
    problem(await vote.nominations.client.get("/v1/rounds", headers=vote.ministry, params={"state": "nope"}), 422)
    problem(await vote.nominations.client.get("/v1/rounds", headers=vote.ministry, params={"cursor": "!!"}), 422)
    problem(await vote.nominations.client.get("/v1/rounds"), 401)
