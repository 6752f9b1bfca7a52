"""The conference's other votes through the API, against real PostgreSQL: the election of next year's
lead and deputy (one name per ballot, a second round between the two best placed, the organiser's
tie rule) and motions (yes / no / abstain against units present or all members), on the rounds'
own ballots, receipts and bulletin."""
from __future__ import annotations

import asyncpg
import pytest

from tests.nominations.conferences.support import create, in_session
from tests.nominations.conftest import CLUSTER, NORTH
from tests.support import problem


async def test_the_lead_is_elected_by_default_the_next_in_rotation_and_the_result_is_final(vote):
    conf = await in_session(vote, NORTH[:7])
    lead = vote.province("34")
    election = await create(vote, kind="election", post="lead", conference_id=conf["id"], self_vote=False)
    assert election["candidates"] == ["33"] and election["award"] is None and election["elects_year"] == 2024
    assert election["award_label"] == "Bầu Cụm trưởng năm 2024" and election["self_vote"] is True
    assert election["rotation_order"] == ["33", "30", "31", "22", "36", "35", "37", "34"]
    assert election["tie_rule"] == "rotation_order"  # unless the organiser's rule says otherwise
    await vote.open(election["id"])
    receipts = await vote.cast_all(election["id"], {code: ["33"] for code in NORTH[:6]} | {"35": []})
    problem(await vote.cast(election["id"], "30", ["33"]), 409)  # once
    closed = await vote.close(election["id"])
    assert closed["state"] == "closed" and closed["result"]["proposed"] == ["33"]
    assert closed["result"]["votes"] == {"33": 6} and closed["result"]["blank_ballots"] == 1
    # The rounds' secrecy and checks hold as they are: the bulletin and each receipt.
    bulletin = (await vote.nominations.client.get(f"/v1/rounds/{election['id']}/bulletin",
                                                  headers=vote.province("37"))).json()
    assert sorted(b["choices"] for b in bulletin["ballots"]) == [[]] + [["33"]] * 6
    check = await vote.nominations.client.post(f"/v1/rounds/{election['id']}/verify", headers=vote.province("35"),
                                               json={"receipt": receipts["35"]["commitment"]})
    assert check.json() == {**check.json(), "counted": True, "choices": []}
    certified = await vote.post(election["id"], "certify", lead)
    assert certified.status_code == 200 and certified.json()["state"] == "certified"
    problem(await vote.post(election["id"], "approve", vote.ministry), 409)  # final, goes to no approval
    async with vote.nominations.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.rounds SET state = 'approved', decided_at = now(), "
                               "decided_by = 'x' WHERE id = $1::uuid", election["id"])
    # A second election of the same post is refused at its certification.
    again = await create(vote, kind="election", post="lead", conference_id=conf["id"])
    await vote.open(again["id"])
    await vote.cast_all(again["id"], {code: ["33"] for code in NORTH[:6]})
    await vote.close(again["id"])
    assert problem(await vote.post(again["id"], "certify", lead), 409)["type"].endswith("election-decided")


async def test_without_a_majority_a_second_round_and_then_the_tie_rule(vote):
    conf = await in_session(vote, NORTH)
    r = await vote.nominations.client.post("/v1/rounds", headers=vote.province("34"), json={
        "cluster_code": CLUSTER, "year": 2023, "kind": "motion", "title": "X", "tie_rule": "ranking"})
    assert problem(r, 422)["errors"][0]["field"] == "tie_rule"  # only an election has one
    election = await create(vote, kind="election", post="deputy", candidates=["31", "30", "22"],
                            conference_id=conf["id"], tie_rule="ranking")
    assert election["tie_rule"] == "ranking"
    await vote.open(election["id"])
    await vote.cast_all(election["id"], {"34": ["30"], "33": ["30"], "30": ["30"], "31": ["31"], "22": ["31"],
                                         "36": ["22"], "35": ["31"], "37": []})
    first = await vote.close(election["id"])
    assert first["state"] == "runoff_required"
    assert first["result"]["tied"] == ["30", "31"]  # 3 and 3 of 8 valid ballots: nobody has more than half
    runoff_id = first["result"]["runoff_round_id"]
    runoff = await vote.get(runoff_id)
    assert runoff["kind"] == "election" and runoff["post"] == "deputy" and runoff["candidates"] == ["30", "31"]
    assert runoff["state"] == "open"
    got = (await vote.nominations.client.get(f"/v1/conferences/{conf['id']}", headers=vote.province("34"))).json()
    assert runoff_id in got["rounds"]  # the second round belongs to the conference
    await vote.cast_all(runoff_id, {"34": ["30"], "33": ["31"], "30": ["30"], "31": ["31"], "22": ["31"],
                                    "36": ["30"], "35": []})
    second = await vote.close(runoff_id)
    # 3 and 3, and no ranking yet (both unranked): Hải Dương (30) comes before Hải Phòng (31) in the
    # rotation after Thái Bình.
    assert second["state"] == "closed" and second["result"]["proposed"] == ["30"]
    assert second["result"]["tie_broken_by"] == "ranking" and second["result"]["tied"] == ["30", "31"]
    assert second["result"]["runoff_round_id"] is None  # at most two rounds


async def test_motions_count_yes_against_the_units_present_or_all_members(vote):
    conf = await in_session(vote, NORTH[:7])
    r = await vote.nominations.client.post("/v1/rounds", headers=vote.province("34"), json={
        "cluster_code": CLUSTER, "year": 2023, "kind": "motion"})
    assert problem(r, 422)["errors"][0]["field"] == "title"
    r = await vote.nominations.client.post("/v1/rounds", headers=vote.province("34"), json={
        "cluster_code": CLUSTER, "year": 2023, "kind": "motion", "title": "X", "award": "ministry_flag"})
    assert problem(r, 422)["errors"][0]["field"] == "award"
    r = await vote.nominations.client.post("/v1/rounds", headers=vote.province("34"), json={
        "cluster_code": CLUSTER, "year": 2023, "award": "ministry_flag"})
    assert problem(r, 422)["errors"][0]["field"] == "seats"

    report = await create(vote, kind="motion", title="Thông qua Báo cáo tổng kết năm 2023", conference_id=conf["id"])
    assert report["candidates"] == ["abstain", "no", "yes"] and report["denominator"] == "present"
    opened = await vote.open(report["id"])
    assert opened["present_at_open"] == 7 and opened["electorate"] == sorted(NORTH)
    for bad, reason in (([], "ballot-no-choice"), (["yes", "no"], "ballot-too-many-choices"),
                        (["33"], "ballot-unknown-candidate")):
        assert problem(await vote.cast(report["id"], "34", bad), 422)["type"].endswith(reason)
    await vote.cast_all(report["id"], {"34": ["yes"], "33": ["yes"], "30": ["yes"], "31": ["yes"], "22": ["no"],
                                       "36": ["abstain"], "35": ["no"]})
    closed = await vote.close(report["id"])
    result = closed["result"]
    assert result["votes"] == {"abstain": 1, "no": 2, "yes": 4} and result["ballots_cast"] == 7
    assert result["adopted"] is True and result["denominator_size"] == 7 and result["bar"] == "7/2"
    assert closed["threshold_rule"] == "Được thông qua khi có trên 50% số đơn vị thành viên có mặt tán thành"

    covenant = await create(vote, kind="motion", title="Thông qua Giao ước thi đua năm 2024", denominator="members",
                            threshold="2/3", threshold_comparison="at_least", conference_id=conf["id"])
    await vote.open(covenant["id"])
    await vote.cast_all(covenant["id"], {code: ["yes"] for code in NORTH[:5]} | {"36": ["no"], "35": ["abstain"]})
    closed = (await vote.close(covenant["id"]))["result"]
    assert closed["adopted"] is False and closed["denominator_size"] == 8 and closed["bar"] == "16/3"  # 5 < 16/3
    problem(await vote.post(covenant["id"], "certify", vote.province("30")), 403)
    certified = await vote.post(covenant["id"], "certify", vote.province("34"))
    assert certified.json()["state"] == "certified"
    problem(await vote.post(covenant["id"], "return", vote.ministry, json={"reason": "x"}), 409)

    async with vote.nominations.app.state.db.connection() as conn:
        # Who voted and what was voted stay apart: the audit says who, never what.
        details = await conn.fetch("SELECT details FROM nominations.audit_log WHERE action = 'ballot.cast' "
                                   "AND target = $1", f"round:{report['id']}")
        assert len(details) == 7 and all(set(d["details"]) == {"voter", "channel"} for d in details)
        with pytest.raises(asyncpg.CheckViolationError):  # a motion's choices are the schema's too
            await conn.execute("UPDATE nominations.rounds SET candidates = '{yes,no}' WHERE id = $1::uuid",
                               report["id"])
    events = await vote.outbox("nominations.round.opened")
    kinds = {e["round_id"]: e["kind"] for e in events}
    assert kinds[report["id"]] == "motion" and all(e["award"] is None for e in events)


async def test_an_election_takes_its_tie_rule_from_the_organisers_rules_in_force(vote):
    """An election that states no rule for a tie takes the one of its organiser's rules in force in
    its year (versioned: a new version from 2023 on); one that states its own keeps it."""
    conf = await in_session(vote, NORTH)
    r = await vote.nominations.client.put("/v1/organisers/BNV/rules", headers=vote.ministry, json={
        "valid_from_year": 2023, "issuer": "BỘ NỘI VỤ", "decision_suffix": "QĐ-BNV", "signer_title": "BỘ TRƯỞNG",
        "election_tie_rule": "ranking"})
    assert r.status_code == 200, r.text
    assert r.json()["election_tie_rule"] == "ranking"
    rules_2022 = (await vote.nominations.client.get("/v1/organisers/BNV/rules", headers=vote.ministry,
                                                    params={"year": 2022})).json()
    assert rules_2022["election_tie_rule"] == "rotation_order"  # earlier years keep the default
    election = await create(vote, kind="election", post="lead", conference_id=conf["id"])
    assert election["tie_rule"] == "ranking"
    own = await create(vote, kind="election", post="deputy", conference_id=conf["id"], tie_rule="rotation_order")
    assert own["tie_rule"] == "rotation_order"
    r = await vote.nominations.client.put("/v1/organisers/BNV/rules", headers=vote.ministry, json={
        "valid_from_year": 2024, "issuer": "BỘ NỘI VỤ", "decision_suffix": "QĐ-BNV", "signer_title": "BỘ TRƯỞNG",
        "election_tie_rule": "coin"})
    assert problem(r, 422)["errors"][0]["field"].endswith("election_tie_rule")
