"""The council's rules through the API and the schema: who founds it, its members, the thresholds
versioned by date, secrecy of the ballots (who and what never joined), one ballot per member."""
from __future__ import annotations

import asyncpg
import pytest

from tests.nominations.commendations.conftest import person
from tests.nominations.councils.conftest import MEMBERS
from tests.support import problem


async def test_only_the_organisers_office_founds_its_council_with_one_chair(council):
    comm = council.comm
    body = {"name": "Hội đồng", "term_from": "2021-08-01", "decision_number": "850/QĐ-BNV",
            "decision_date": "2021-08-01", "members": MEMBERS}
    problem(await comm.client.post("/v1/councils", headers=comm.province("22"), json=body), 403)
    two_chairs = [*MEMBERS, {**MEMBERS[0], "account": "hd-other"}]
    problem(await comm.client.post("/v1/councils", headers=comm.ministry, json={**body, "members": two_chairs}), 422)
    same_account = [*MEMBERS, {**MEMBERS[1], "role": "member"}]
    problem(await comm.client.post("/v1/councils", headers=comm.ministry, json={**body, "members": same_account}), 422)
    c = await council.found()
    r = await comm.client.post("/v1/councils", headers=comm.ministry, json={**body, "term_from": "2021-08-01"})
    assert problem(r, 409)["type"].endswith("council-term-taken")
    listed = await council.call("GET", "/v1/councils?organiser=BNV&on=2024-01-03", comm.ministry)
    assert [x["id"] for x in listed["items"]] == [c["id"]]
    assert (await council.call("GET", "/v1/councils?on=2027-01-01", comm.ministry))["items"] == []
    members = await council.call("GET", f"/v1/councils/{c['id']}/members", comm.province("22"))
    assert members["items"][0]["role_label"] == "Chủ tịch Hội đồng"
    # The members are the founding decision's: the schema refuses to change one.
    async with comm.vote.nominations.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.council_members SET role = 'member' WHERE council_id = $1",
                               c["id"])


async def test_a_configured_threshold_applies_from_its_date(council):
    comm = council.comm
    made = await comm.through_lead("22", [person("Đỗ Quang Đạt", born="1982-01-15")])
    t = await council.call("POST", "/v1/council-thresholds", comm.ministry, 201, json={
        "form_code": "minister_certificate", "effective_from": "2024-01-01", "share": "2/3",
        "basis": "Nghị định số 152/2025/NĐ-CP"})
    assert (t["organiser"], t["share"]) == ("BNV", "2/3")
    r = await comm.client.post("/v1/council-thresholds", headers={**comm.ministry, "Idempotency-Key": "t" * 30},
                               json={"form_code": "minister_certificate", "effective_from": "2024-01-01",
                                     "share": "3/4", "basis": "x"})
    assert problem(r, 409)["type"].endswith("threshold-version-exists")
    problem(await comm.client.post("/v1/council-thresholds", headers=comm.province("22"), json={
        "form_code": "minister_certificate", "effective_from": "2024-01-01", "share": "1/2", "basis": "x"}), 403)
    c = await council.found()
    s = await council.session(c["id"], [made[0]["id"]], held_on="2024-01-03")
    [n] = s["nominees"]
    assert (n["threshold"], n["threshold_basis"], n["votes_needed"]) == ("2/3", "Nghị định số 152/2025/NĐ-CP", 6)
    # A nominee is put to its council once; one not sent to the ministry is refused.
    r = await comm.client.post(f"/v1/councils/{c['id']}/sessions", headers=comm.ministry, json={
        "year": 2023, "held_on": "2024-01-04", "place": "P", "title": "T", "nominee_ids": [made[0]["id"]]})
    assert problem(r, 409)["type"].endswith("nominee-on-a-session")
    _, drafts = await comm.submitted("33", [person("Vũ Thị Én")])
    r = await comm.client.post(f"/v1/councils/{c['id']}/sessions", headers=comm.ministry, json={
        "year": 2023, "held_on": "2024-01-04", "place": "P", "title": "T", "nominee_ids": [drafts[0]["id"]]})
    assert problem(r, 422)["type"].endswith("nominee-not-sent")


async def test_who_voted_and_what_was_voted_are_never_joined(council):
    comm = council.comm
    made = await comm.through_lead("22", [person("Đỗ Quang Đạt", born="1982-01-15"), person("Vũ Thị Én")])
    ids = [n["id"] for n in made]
    c = await council.found()
    members = {m["account"]: m["id"] for m in c["members"]}
    s = await council.session(c["id"], ids)
    base = f"/v1/councils/{c['id']}/sessions/{s['id']}"
    for account in list(members)[:6]:
        await council.call("POST", f"{base}/check-ins", council.member(account), json={"member_id": members[account]})
    await council.call("POST", f"{base}/open", comm.ministry)
    for account in list(members)[:6]:
        r = await council.ballot(c["id"], s["id"], account, ids[:1], key=f"key-{account}-abcdefghijklmnopqrstuv")
        assert r.status_code == 201, r.text
    db = comm.vote.nominations.app.state.db
    async with db.connection() as conn:
        columns = {t: {r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'nominations' "
            "AND table_name = $1", t)} for t in ("council_voters", "council_ballots", "council_ballot_idempotency")}
        before = {r["id"] for r in await conn.fetch("SELECT id FROM nominations.council_ballots")}
        # The stored answers, the audit log and the plain idempotency table name no choice.
        sealed = await conn.fetch("SELECT * FROM nominations.council_ballot_idempotency")
        audit = await conn.fetch("SELECT details FROM nominations.audit_log WHERE action = 'council.ballot.cast'")
        plain = await conn.fetch("SELECT scope FROM nominations.idempotency_keys WHERE scope LIKE '%ballot%'")
    assert columns["council_voters"] & columns["council_ballots"] == {"session_id"}
    assert not any("member" in col or col.endswith("_at") for col in columns["council_ballots"])
    assert not any(col.endswith("_at") for col in columns["council_voters"] | columns["council_ballot_idempotency"])
    assert len(sealed) == 6 and all(ids[0] not in str(dict(r)) for r in sealed)
    assert len(audit) == 6 and all(ids[0] not in str(r["details"]) for r in audit)
    assert plain == []
    await council.call("POST", f"{base}/close", comm.ministry)
    async with db.connection() as conn:
        after = {r["id"] for r in await conn.fetch("SELECT id FROM nominations.council_ballots")}
        # One ballot per member per session, in the schema; nothing enters a closed session.
        with pytest.raises(asyncpg.PostgresError):
            await conn.execute("INSERT INTO nominations.council_voters (session_id, member_id, channel) "
                               "VALUES ($1, $2, 'in_person')", s["id"], members["hd-manh"])
        with pytest.raises(asyncpg.PostgresError):
            await conn.execute("DELETE FROM nominations.council_ballots")
    assert len(after) == 6 and not (after & before)  # rewritten in random order with fresh ids at the close
    session = await council.call("GET", base, comm.ministry)
    outcomes = [n["outcome"] for n in session["result"]["nominees"]]
    assert outcomes == ["below_threshold", "below_threshold"]  # 6 of 9 is under four fifths


async def test_one_ballot_per_member_is_held_by_the_schema(council):
    comm = council.comm
    made = await comm.through_lead("22", [person("Đỗ Quang Đạt", born="1982-01-15")])
    c = await council.found()
    members = {m["account"]: m["id"] for m in c["members"]}
    s = await council.session(c["id"], [made[0]["id"]])
    base = f"/v1/councils/{c['id']}/sessions/{s['id']}"
    for account in list(members)[:6]:
        await council.call("POST", f"{base}/check-ins", comm.ministry, json={"member_id": members[account]})
    await council.call("POST", f"{base}/open", comm.ministry)
    async with comm.vote.nominations.app.state.db.connection() as conn:
        await conn.execute("INSERT INTO nominations.council_voters (session_id, member_id, channel) "
                           "VALUES ($1, $2, 'in_person')", s["id"], members["hd-tra"])
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute("INSERT INTO nominations.council_voters (session_id, member_id, channel) "
                               "VALUES ($1, $2, 'in_person')", s["id"], members["hd-tra"])
        with pytest.raises(asyncpg.CheckViolationError):  # a ballot agrees only with the session's nominees
            await conn.execute("INSERT INTO nominations.council_ballots (session_id, approve, commitment) "
                               "VALUES ($1, ARRAY[$2], $3)", s["id"], "00000000-0000-0000-0000-000000000001",
                               "a" * 64)


async def test_over_a_quota_the_close_approves_the_most_voted_and_another_office_cannot_act(council):
    comm = council.comm
    made = await comm.through_lead("22", [person("Đỗ Quang Đạt", born="1982-01-15"), person("Vũ Thị Én"),
                                          person("Lý Văn Phúc", born="1975-03-04")])
    ids = [n["id"] for n in made]
    c = await council.found()
    accounts = [m["account"] for m in c["members"]]
    members = {m["account"]: m["id"] for m in c["members"]}
    s = await council.session(c["id"], ids, quotas={"minister_certificate": 1})
    base = f"/v1/councils/{c['id']}/sessions/{s['id']}"
    registry = comm.vote.registry.app.state.issuer
    other, _ = registry.issue(subject="qn-office", role="staff", province=None, organiser="UBND-22")
    other_office = comm.vote.nominations.auth(other)
    r = await comm.client.post(f"{base}/check-ins", headers=other_office, json={"member_id": members[accounts[0]]})
    problem(r, 403)
    for account in accounts:
        await council.call("POST", f"{base}/check-ins", comm.ministry, json={"member_id": members[account]})
    problem(await comm.client.post(f"{base}/open", headers=other_office), 403)
    await council.call("POST", f"{base}/open", comm.ministry)
    # Đạt 9, Én 8 (both reach 8 of 9, the quota takes the most voted), Phúc 7 (short).
    for i, account in enumerate(accounts):
        approve = {0: ids[:1], 1: ids[:2]}.get(i, ids)
        r = await council.ballot(c["id"], s["id"], account, approve)
        assert r.status_code == 201, r.text
    problem(await comm.client.post(f"{base}/close", headers=other_office), 403)
    closed = await council.call("POST", f"{base}/close", comm.ministry)
    lines = {line["nominee_id"]: line for line in closed["result"]["nominees"]}
    assert [(lines[i]["yes"], lines[i]["rank"], lines[i]["outcome"]) for i in ids] == [
        (9, 1, "approved"), (8, 2, "over_quota"), (7, None, "below_threshold")]
    again = await council.call("POST", f"{base}/close", comm.ministry)  # a repeat answers the closed session
    assert again["result"] == closed["result"]
    lst = await comm.call("GET", "/v1/commendations/lists/NV-BAC/2023", comm.ministry)
    states = {n["id"]: n["state"] for p in lst["proposals"] for n in p["nominees"]}
    assert [states[i] for i in ids] == ["approved", "rejected", "rejected"]
