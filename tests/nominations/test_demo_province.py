"""`make run`'s demo holds a province as an organiser beside the ministry: its clusters of departments
and communes in the registry, their 2024 covenants signed, the flags of their leads and the
certificates of merit in one numbered QĐ-UBND decision that the register finds; the ministry's
northern cluster is as it was."""
from services.nominations import demo_province
from services.registry import demo as registry_demo


async def test_the_province_demo_seeds_once_beside_the_northern_cluster(registry, nominations):
    async with registry.app.state.db.connection() as conn:
        assert await registry_demo.seed(conn) is True
        assert await registry_demo.seed(conn) is False
    organisers = (await registry.client.get("/v1/organisers")).json()["items"]
    assert [o["code"] for o in organisers] == ["BNV", "UBND-22"]
    clusters = (await registry.client.get("/v1/clusters", params={"organiser": "UBND-22", "year": 2024})).json()
    assert {(c["code"], c["lead"]["code"]) for c in clusters["items"]} == {("QN-KHOI-SO", "QN-SNV"),
                                                                          ("QN-CUM-XA", "99103")}
    units = (await registry.client.get("/v1/units", params={"organiser": "UBND-22", "on": "2024-06-01"})).json()
    assert {u["kind"] for u in units["items"]} == {"department", "commune"} and len(units["items"]) == 8
    # The communes merged in pairs on 1 July 2025 into communes of the national list.
    merged = (await registry.client.get("/v1/units/07054", params={"on": "2025-07-01"})).json()
    assert merged["name"] == "Xã Quảng La" and merged["organiser"] == "UBND-22"
    assert {p["code"] for p in merged["predecessors"]} == {"99101", "99102"}
    northern = (await registry.client.get("/v1/clusters/NOIVU-BAC/periods/2024")).json()
    assert northern["organiser"] == "BNV" and northern["lead"]["code"] == "33" and len(northern["members"]) == 8

    async with nominations.app.state.db.connection() as conn:
        assert await demo_province.seed(conn) is True
        assert await demo_province.seed(conn) is False
    found = (await nominations.client.get("/v1/awards", params={"number": "15/QĐ-UBND"})).json()["items"]
    flags = sorted(a["name"] for a in found if a["form_name"].startswith("Cờ thi đua của UBND"))
    assert flags == ["Phường Mẫu Ba", "Sở Nội vụ"]
    merits = [a for a in found if a["form_name"] == "Bằng khen của Chủ tịch UBND tỉnh Quảng Ninh"]
    assert len(merits) == 4 and {a["decision_number"] for a in found} == {"15/QĐ-UBND"}
    office = nominations.auth(registry.app.state.issuer.issue(subject="staff-qn", role="staff", province=None,
                                                               organiser="UBND-22")[0])
    for cluster in ("QN-KHOI-SO", "QN-CUM-XA"):
        covenant = (await nominations.client.get(f"/v1/clusters/{cluster}/periods/2024/covenant",
                                                 headers=office)).json()
        assert covenant["state"] == "published"
        # Signed by every member unit: the covenant binds them all.
        signed = (await nominations.client.get(f"/v1/clusters/{cluster}/periods/2024/covenant/signatures",
                                               headers=office)).json()
        assert signed["in_force"] is True and signed["not_signed"] == [] and len(signed["signatures"]) == 4
    # The organiser's year at a glance: its two clusters, each with its flag and its lead.
    year = (await nominations.client.get("/v1/years/2024/clusters", headers=office)).json()["items"]
    assert {(i["cluster_code"], i["organiser"]) for i in year} == {("QN-KHOI-SO", "UBND-22"),
                                                                   ("QN-CUM-XA", "UBND-22")}
