"""A commune merged on 1 July 2025 is not a member (so not a candidate, a voter or a proposer) of
any year after its end: a year copied from before the merger takes its successor instead, and a
year that names it is refused, as with the provinces' mergers. Against the demo's Quảng Ninh, whose
demo communes merged into two communes of the national list (07054 Xã Quảng La, 06685 Phường Hồng Gai)."""
from services.registry import demo as registry_demo
from tests.support import problem


async def test_a_merged_commune_gives_way_to_its_successor(registry):
    async with registry.app.state.db.connection() as conn:
        assert await registry_demo.seed(conn) is True
    token, _ = registry.app.state.issuer.issue(subject="staff-qn", role="staff", province=None, organiser="UBND-22")
    office = registry.auth(token)
    base = "/v1/clusters/QN-CUM-XA/periods"
    r = await registry.client.put(f"{base}/2026", headers=office, json={"copy_from": 2024})
    assert r.status_code == 200, r.text
    assert sorted(m["code"] for m in r.json()["members"]) == ["06685", "07054"]
    replaced = {(c["from"]["code"], c["to"]["code"]) for c in r.json()["changes"]["replaced"]}
    assert replaced == {("99101", "07054"), ("99102", "07054"), ("99103", "06685"), ("99104", "06685")}
    body = problem(await registry.client.put(f"{base}/2027", headers=office, json={"members": ["99101", "06685"]}),
                   422)
    assert body["errors"][0]["field"] == "members"
    # The communes in force on a day after the merger are the national list's (Quảng Ninh's 54, the
    # successors among them) and none of the demo's; history stays readable.
    listed = (await registry.client.get("/v1/units", params={"organiser": "UBND-22", "kind": "commune",
                                                            "on": "2025-07-01"})).json()["items"]
    codes = [u["code"] for u in listed]
    assert len(codes) == 54 and {"06685", "07054"} <= set(codes) and not any(c.startswith("991") for c in codes)
    old = (await registry.client.get("/v1/units/99103", params={"on": "2025-06-30"})).json()
    assert old["valid_to"] == "2025-06-30" and old["successor"]["code"] == "06685"
