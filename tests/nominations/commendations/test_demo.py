"""`make run`'s demo seed holds the 2023 decision of the northern cluster, so the register shows it."""
from services.nominations.commendations import demo


async def test_the_demo_seed_issues_the_2023_northern_decision_once(nominations):
    async with nominations.app.state.db.connection() as conn:
        assert await demo.seed(conn) is True
        assert await demo.seed(conn) is False  # idempotent
    items = (await nominations.client.get("/v1/awards", params={"year": 2023, "limit": 200})).json()["items"]
    assert len(items) == 14 and {a["decision_number"] for a in items} == {"1234/QĐ-BNV"}
    kinds = [(a["form_code"], a["kind"]) for a in items]
    assert kinds.count(("minister_certificate", "collective")) == 2
    assert kinds.count(("minister_certificate", "individual")) == 11
    assert [(a["name"], a["province_code"]) for a in items if a["form_code"] == "ministry_flag"] == [
        ("Sở Nội vụ tỉnh Ninh Bình", "37")]
    found = (await nominations.client.get("/v1/awards", params={"q": "Dang Van H"})).json()["items"]
    assert [a["name"] for a in found] == ["Đặng Văn H"]
