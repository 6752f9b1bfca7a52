"""A conference of the 2023 northern cluster through the API, against real PostgreSQL: scheduled by
the lead, delegates named by their units, checked in by themselves or by the secretary, the quorum
reached once, the roster final after the adjournment."""
from __future__ import annotations

import asyncpg
import pytest

from tests.nominations.conftest import CLUSTER, NORTH
from tests.support import problem

BODY = {"cluster_code": CLUSTER, "year": 2023, "held_on": "2023-12-15", "place": "Hội trường UBND tỉnh Thái Bình",
        "chair": {"name": "Nguyễn Văn A", "position": "Giám đốc Sở Nội vụ Thái Bình"},
        "secretary": {"name": "Trần Thị B", "position": "Trưởng ban Thi đua - Khen thưởng"},
        "agenda": ["Tổng kết năm 2023", "Bình xét thi đua", "Bầu Cụm trưởng, Cụm phó 2024"]}


async def test_check_ins_make_the_quorum_once_and_the_roster_closes(vote):
    client = vote.nominations.client
    r = await client.post("/v1/conferences", headers=vote.province("30"), json=BODY)
    problem(r, 403)  # a member, not the lead
    headers = {**vote.province("34"), "Idempotency-Key": "conf-1"}
    r = await client.post("/v1/conferences", headers=headers, json=BODY)
    assert r.status_code == 201, r.text
    conf = r.json()
    again = await client.post("/v1/conferences", headers=headers, json=BODY)
    assert again.json()["id"] == conf["id"]
    assert conf["host"] == {"code": "34", "name": "Thái Bình"} and conf["quorum"] == "2/3"
    assert [u["code"] for u in conf["member_units"]] == NORTH and conf["present_units"] == []
    assert conf["quorum_needed"] == 6 and conf["quorum_met"] is False
    cid = conf["id"]

    delegates = {}
    for code in NORTH:
        r = await client.post(f"/v1/conferences/{cid}/delegates", headers=vote.province(code), json={
            "unit_code": code, "name": f"Đại biểu {code}", "position": "Giám đốc Sở Nội vụ", "votes": True})
        assert r.status_code == 201, r.text
        delegates[code] = r.json()["id"]
    r = await client.post(f"/v1/conferences/{cid}/delegates", headers=vote.province("30"), json={
        "unit_code": "30", "name": "Phó đoàn", "position": "Phó Giám đốc", "votes": True})
    problem(r, 409)  # one voter per unit
    r = await client.post(f"/v1/conferences/{cid}/delegates", headers=vote.province("30"), json={
        "unit_code": "33", "name": "X", "position": "Y"})
    problem(r, 403)  # not its own unit
    r = await client.post(f"/v1/conferences/{cid}/delegates", headers=vote.province("34"), json={
        "organisation": "Bộ Nội vụ", "name": "Khách mời", "position": "Vụ trưởng", "votes": True})
    problem(r, 422)  # a guest does not vote
    r = await client.post(f"/v1/conferences/{cid}/delegates", headers=vote.province("34"), json={
        "organisation": "Ban Thi đua - Khen thưởng Trung ương", "name": "Khách mời", "position": "Vụ trưởng"})
    assert r.status_code == 201 and r.json()["kind"] == "guest"
    guest = r.json()["id"]

    r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province("30"),
                          json={"delegate_id": delegates["33"]})
    problem(r, 403)  # a unit checks in only its own delegates
    r = await client.post(f"/v1/conferences/{cid}/open", headers=vote.province("34"))
    assert r.status_code == 200 and r.json()["state"] == "in_session"
    for code in NORTH[:5]:  # five check themselves in
        r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province(code),
                              json={"delegate_id": delegates[code]})
        assert r.status_code == 200, r.text
        assert r.json()["delegate"]["check_in_method"] == "self"
    r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province("34"),
                          json={"delegate_id": guest})
    assert r.json()["conference"]["quorum_met"] is False  # a guest is no unit
    r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province("34"),
                          json={"delegate_id": delegates["36"]})
    body = r.json()
    assert body["delegate"]["check_in_method"] == "secretary"
    assert body["conference"]["quorum_met"] is True and len(body["conference"]["present_units"]) == 6
    assert body["conference"]["attendees_checked_in"] == 7
    r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province("36"),
                          json={"delegate_id": delegates["36"]})
    assert r.json()["delegate"]["check_in_method"] == "secretary"  # checked in once; the first record stands
    r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province("35"),
                          json={"delegate_id": delegates["35"]})
    assert r.json()["conference"]["quorum_met"] is True

    handing = {"from_unit": "34", "to_unit": "33"}
    problem(await client.post(f"/v1/conferences/{cid}/hand-over", headers=vote.province("30"), json=handing), 403)
    problem(await client.post(f"/v1/conferences/{cid}/hand-over", headers=vote.province("34"),
                              json={"from_unit": "34", "to_unit": "01"}), 422)
    r = await client.post(f"/v1/conferences/{cid}/hand-over", headers=vote.province("34"), json=handing)
    assert r.status_code == 200, r.text
    assert r.json()["hand_over"]["from"] == {"code": "34", "name": "Thái Bình"}
    assert r.json()["hand_over"]["to"] == {"code": "33", "name": "Hưng Yên"}
    r = await client.post(f"/v1/conferences/{cid}/hand-over", headers=vote.province("34"),
                          json={"from_unit": "34", "to_unit": "30"})
    assert r.json()["hand_over"]["to"]["code"] == "33"  # recorded once: the first stands

    r = await client.post(f"/v1/conferences/{cid}/adjourn", headers=vote.province("30"))
    problem(r, 403)
    r = await client.post(f"/v1/conferences/{cid}/adjourn", headers=vote.province("34"))
    assert r.status_code == 200 and r.json()["state"] == "adjourned"
    r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province("37"),
                          json={"delegate_id": delegates["37"]})
    problem(r, 409)
    r = await client.post(f"/v1/conferences/{cid}/open", headers=vote.province("34"))
    problem(r, 409)

    r = await client.get(f"/v1/conferences/{cid}", headers=vote.province("01"))
    final = r.json()
    assert [u["code"] for u in final["present_units"]] == NORTH[:7] and final["quorum_met"] is True
    roster = (await client.get(f"/v1/conferences/{cid}/delegates", headers=vote.ministry)).json()["items"]
    assert len(roster) == 9 and sum(1 for p in roster if p["checked_in_at"]) == 8
    listed = (await client.get("/v1/conferences", params={"cluster": CLUSTER, "year": 2023},
                               headers=vote.ministry)).json()["items"]
    assert [c["id"] for c in listed] == [cid]

    events = await vote.outbox()
    kinds = [e["type"] for e in events if e["type"].startswith("nominations.conference.")]
    assert kinds == ["nominations.conference.scheduled", "nominations.conference.opened",
                     "nominations.conference.quorum_reached", "nominations.conference.adjourned"]
    reached = next(e for e in events if e["type"] == "nominations.conference.quorum_reached")
    assert reached["present_units"] == NORTH[:6] and reached["quorum_needed"] == 6

    async with vote.nominations.app.state.db.connection() as conn:
        actions = {r["action"] for r in await conn.fetch(
            "SELECT action FROM nominations.audit_log WHERE target = $1", f"conference:{cid}")}
        assert actions == {"conference.schedule", "conference.open", "conference.attendee.add",
                           "conference.check_in", "conference.hand_over", "conference.adjourn"}
        # The schema is the last line of defence: a check-in is never undone, an adjourned roster is final.
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.conference_attendees SET checked_in_at = NULL, "
                               "checked_in_by = NULL, check_in_method = NULL WHERE id = $1::uuid", delegates["34"])
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.conferences SET state = 'scheduled' WHERE id = $1::uuid", cid)


async def test_a_round_of_the_conference_opens_only_while_its_quorum_holds(vote):
    client = vote.nominations.client
    lead = vote.province("34")
    conf = (await client.post("/v1/conferences", headers=lead, json=BODY)).json()
    cid = conf["id"]
    await vote.cluster_year(year=2024)
    r = await client.post("/v1/rounds", headers=lead, json={"cluster_code": CLUSTER, "year": 2024,
                                                            "award": "ministry_flag", "seats": 1,
                                                            "conference_id": cid})
    assert problem(r, 422)["errors"][0]["field"] == "conference_id"  # another year's round
    flag = await vote.create(award="ministry_flag", conference_id=cid)
    plain = await vote.create(award="certificate_of_merit")  # no conference: opens as today
    await vote.open(plain["id"])
    later = await vote.create(award="government_flag", conference_id=cid)

    problem(await vote.post(flag["id"], "open", lead), 409)  # the conference is not in session
    await client.post(f"/v1/conferences/{cid}/open", headers=lead)
    ids = {}
    for code in NORTH:
        r = await client.post(f"/v1/conferences/{cid}/delegates", headers=lead, json={
            "unit_code": code, "name": f"Trưởng đoàn {code}", "position": "Giám đốc", "votes": True})
        ids[code] = r.json()["id"]
    for code in NORTH[:5]:
        await client.post(f"/v1/conferences/{cid}/check-ins", headers=lead, json={"delegate_id": ids[code]})
    body = problem(await vote.post(flag["id"], "open", lead), 409)
    assert "5 of 8" in body["detail"]
    holds = "SELECT nominations.conference_quorum_holds($1::uuid)"  # the schema's guard says the same
    async with vote.nominations.app.state.db.connection() as conn:
        assert await conn.fetchval(holds, cid) is False
    await client.post(f"/v1/conferences/{cid}/check-ins", headers=lead, json={"delegate_id": ids[NORTH[5]]})
    async with vote.nominations.app.state.db.connection() as conn:
        assert await conn.fetchval(holds, cid) is True
    opened = await vote.open(flag["id"])
    assert opened["state"] == "open" and "conference_id" not in opened  # a round's answer is as it was
    got = (await client.get(f"/v1/conferences/{cid}", headers=lead)).json()
    assert got["rounds"] == [flag["id"], later["id"]]

    await client.post(f"/v1/conferences/{cid}/adjourn", headers=lead)
    r = await client.post("/v1/rounds", headers=lead, json={"cluster_code": CLUSTER, "year": 2023,
                                                            "award": "certificate_of_merit", "seats": 1,
                                                            "conference_id": cid})
    problem(r, 409)  # an adjourned conference holds no more votes
    problem(await vote.post(later["id"], "open", lead), 409)
    async with vote.nominations.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):  # the schema holds it too
            await conn.execute("UPDATE nominations.rounds SET state = 'open', opened_at = now() WHERE id = $1::uuid",
                               later["id"])
