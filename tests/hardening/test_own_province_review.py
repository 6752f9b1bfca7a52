"""Issue 18, finding 7: a lead does not review its own province's nominees; the ministry's staff
(the organiser) do, and the lead still reviews every other member's (through the HTTP API)."""
from __future__ import annotations

from tests.nominations.commendations.conftest import person
from tests.support import problem


async def test_the_lead_does_not_accept_or_return_its_own_provinces_nominees(comm):
    # Thái Bình (34) leads the cluster-year; it proposes one of its own, and Nam Định (36) one too.
    _, [own] = await comm.submitted("34", [person("Phạm Văn Đức")])
    _, [other] = await comm.submitted("36", [person("Lê Thị Mai")])
    for verb, body in (("accept", None), ("return", {"reason": "Thiếu hồ sơ"})):
        refused = problem(await comm.client.post(f"/v1/commendations/nominees/{own['id']}/{verb}",
                                                 headers=comm.province("34"), json=body), 403)
        assert "does not review its own" in refused["detail"]
    problem(await comm.client.post(f"/v1/commendations/nominees/{other['id']}/accept", headers=comm.ministry), 403)
    accepted = await comm.call("POST", f"/v1/commendations/nominees/{own['id']}/accept", comm.ministry)
    assert accepted["state"] == "accepted" and accepted["reviewed_by"] == "ministry"
    assert (await comm.accept(other["id"]))["state"] == "accepted"  # the lead reviews the others
    sent = await comm.send()
    assert sent["nominees"] == 2 and sorted(sent["provinces"]) == ["34", "36"]
