"""The Government-flag cap is one rule spent by two approvals: a flag vote round's (voting) and a
capped form's nominee (commendations). Racing for the last flag, exactly one of them gets it."""
from __future__ import annotations

import asyncio

from tests.nominations.commendations.conftest import collective
from tests.nominations.conftest import NORTH
from tests.support import problem


async def test_the_last_flag_goes_to_one_approval_when_a_round_and_a_nominee_race(comm):
    vote = comm.vote
    # The ministry counts the Prime Minister's certificate against the cap.
    forms = {f["code"]: f for f in await comm.call("GET", "/v1/award-forms", comm.ministry)}
    pm = {k: v for k, v in forms["pm_certificate"].items() if k != "code"}
    await comm.call("PUT", "/v1/award-forms/pm_certificate", comm.ministry, json={**pm, "capped": True})
    for i, members in enumerate((["01", "02"], ["04", "06"], ["08", "10"], ["11", "12"])):  # five active: one flag
        await vote.cluster_year(code=f"K{i}", name=f"Khối {i}", members=members, lead=None)

    # A Government-flag round proposing one unit, certified and waiting for the ministry...
    r = await vote.opened(lead="34", award="government_flag")
    await vote.cast_all(r["id"], {c: (["22"] if c != "22" else ["34"]) for c in NORTH})
    await vote.close(r["id"], lead="34")
    certified = await vote.post(r["id"], "certify", vote.province("34"))
    assert certified.status_code == 200 and certified.json()["result"]["proposed"] == ["22"], certified.text
    # ...and a nominee of the capped form, sent by the lead and waiting for the ministry too.
    _, [n] = await comm.submitted("36", [collective("Phòng Công chức")], form="pm_certificate")
    await comm.accept(n["id"])
    await comm.send()

    by_round, by_nominee = await asyncio.gather(
        vote.post(r["id"], "approve", vote.ministry),
        comm.client.post(f"/v1/commendations/nominees/{n['id']}/approve", headers=comm.ministry))
    assert sorted([by_round.status_code, by_nominee.status_code]) == [200, 409], (by_round.text, by_nominee.text)
    loser = by_round if by_round.status_code == 409 else by_nominee
    body = problem(loser, 409)
    assert body["type"].endswith("government-flag-cap") and body["cap"] == 1
    assert (body["approved_so_far"], body["proposing"], body["active_clusters"]) == (1, 1, 5)
    # The refusal changed nothing on the losing side.
    if loser is by_round:
        assert (await vote.get(r["id"]))["state"] == "certified"
    else:
        got = await comm.call("GET", f"/v1/commendations/proposals/{n['proposal_id']}", comm.ministry)
        assert got["nominees"][0]["state"] == "sent"
