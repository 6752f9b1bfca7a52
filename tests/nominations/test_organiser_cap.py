"""The Government-flag cap is counted per organiser: a province may propose at most its rules'
share of the collectives leading *its* clusters that year, whatever the ministry's clusters are."""
from __future__ import annotations

from tests.nominations.test_organisers import QN, Tokens
from tests.support import problem

YEAR = 2024
BLOCKS = {"QN-KHOI-1": ["QN-A1", "QN-A2", "QN-A3"], "QN-KHOI-2": ["QN-B1", "QN-B2", "QN-B3"]}


async def test_a_provinces_cap_counts_its_own_cluster_leaders(registry, nominations, issue_token):
    t = Tokens(registry, issue_token)
    r, c = registry.client, nominations.client
    assert (await r.post("/v1/organisers", headers=t.ministry, json=QN)).status_code == 201
    office = t.staff("UBND-QN")
    for block, units in BLOCKS.items():
        for code in units:
            assert (await r.post("/v1/units", headers=office, json={
                "code": code, "name": f"Sở {code}", "kind": "department", "organiser": "UBND-QN"})).status_code == 201
        assert (await r.post("/v1/clusters", headers=office, json={
            "code": block, "name": f"Khối {block}", "kind": "khoi", "organiser": "UBND-QN"})).status_code == 201
        assert (await r.put(f"/v1/clusters/{block}/periods/{YEAR}", headers=office,
                            json={"members": units})).status_code == 200
        assert (await r.post(f"/v1/clusters/{block}/periods/{YEAR}/leadership", headers=office, json={
            "method": "election", "lead": units[0], "deputy": units[1]})).status_code == 201
    # Four clusters of the ministry's the same year: counted nationally they would allow two flags.
    for i, members in enumerate((["01", "02"], ["04", "06"], ["08", "10"], ["11", "12"])):
        assert (await r.post("/v1/clusters", headers=t.ministry, json={
            "code": f"NV-{i}", "name": f"Cụm {i}", "organizer": "Bộ Nội vụ", "kind": "cum"})).status_code == 201
        assert (await r.put(f"/v1/clusters/NV-{i}/periods/{YEAR}", headers=t.ministry,
                            json={"members": members})).status_code == 200
    # The province's rules from 2024: half of its cluster leaders (2 clusters: 1 flag).
    rules = {"valid_from_year": YEAR, "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "decision_suffix": "QĐ-UBND",
             "signer_title": "CHỦ TỊCH", "government_flag_share": "1/2", "flags_per_cluster": 1}
    assert (await c.put("/v1/organisers/UBND-QN/rules", headers=office, json=rules)).status_code == 200

    certified = []
    for block, units in BLOCKS.items():
        lead = t.unit(units[0])
        made = await c.post("/v1/rounds", headers=lead, json={"cluster_code": block, "year": YEAR,
                                                               "award": "government_flag", "seats": 1})
        assert made.status_code == 201, made.text
        rid = made.json()["id"]
        assert (await c.post(f"/v1/rounds/{rid}/open", headers=lead)).status_code == 200
        for code in units:
            assert (await c.post(f"/v1/rounds/{rid}/ballots", headers=t.unit(code),
                                 json={"choices": [] if code == units[0] else [units[0]]})).status_code == 201
        assert (await c.post(f"/v1/rounds/{rid}/close", headers=lead)).status_code == 200
        assert (await c.post(f"/v1/rounds/{rid}/certify", headers=lead)).status_code == 200
        certified.append(rid)

    assert (await c.post(f"/v1/rounds/{certified[0]}/approve", headers=office)).status_code == 200
    body = problem(await c.post(f"/v1/rounds/{certified[1]}/approve", headers=office), 409)
    assert body["type"].endswith("government-flag-cap") and body["cap"] == 1 and body["active_clusters"] == 2
