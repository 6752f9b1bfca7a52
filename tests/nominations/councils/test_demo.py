"""`make run`'s demo holds the ministry's council for its term with named members, each with an
account of its own, and its closed session on the northern cluster's 2024 list: one nominee one vote
short of the threshold, not in the decision that lists the others, the minutes in its file."""
from services.nominations import demo_council as demo
from services.registry import demo as registry_demo


async def test_the_demo_council_voted_and_its_decision_follows(registry, nominations):
    async with registry.app.state.db.connection() as conn:
        assert await registry_demo.seed(conn) is True
    for _, _, _, account in demo.COUNCIL_MEMBERS:  # each member signs in with its own demo account
        r = await registry.client.post("/v1/auth/token", data={"username": account, "password": "demo"})
        assert r.status_code == 200, r.text
    async with nominations.app.state.db.connection() as conn:
        assert await demo.seed(conn) is True
        assert await demo.seed(conn) is False  # idempotent
    ministry = nominations.auth(registry.app.state.issuer.issue(subject="ministry", role="ministry",
                                                                 province=None)[0])
    [council] = (await nominations.client.get("/v1/councils", params={"organiser": "BNV", "on": "2025-01-08"},
                                              headers=ministry)).json()["items"]
    assert council["decision_number"] == "850/QĐ-BNV" and len(council["members"]) == 7
    assert [m["role"] for m in council["members"]][:2] == ["chair", "vice_chair"]
    assert all("dữ liệu mẫu" in m["position"] for m in council["members"])
    [session] = (await nominations.client.get(f"/v1/councils/{council['id']}/sessions",
                                              headers=ministry)).json()["items"]
    assert (session["state"], session["present_members"], session["year"]) == ("closed", 6, 2024)
    result = {n["name"]: n for n in session["result"]["nominees"]}
    assert (session["result"]["ballots"], session["result"]["written"]) == (7, 1)
    short = result[demo.SHORT]
    assert (short["yes"], short["needed"], short["outcome"]) == (5, 6, "below_threshold")
    assert {n["outcome"] for name, n in result.items() if name != demo.SHORT} == {"approved"}

    awards = (await nominations.client.get("/v1/awards", params={"number": "56/QĐ-BNV"})).json()["items"]
    assert sorted(a["name"] for a in awards) == sorted(name for name in result if name != demo.SHORT)
    decision_id = awards[0]["decision_id"]
    filed = (await nominations.client.get(f"/v1/decisions/{decision_id}/council-minutes",
                                          headers=ministry)).json()
    assert [m["session_id"] for m in filed["items"]] == [session["id"]]
