"""`make run`'s demo seed: Quảng Ninh's 2024 movement in two phases with registrations, and the
"Dân vận khéo" movement with 479 models, many recognised, and a book of 100."""
from services.nominations.movements import demo


async def test_the_demo_seed_holds_both_movements_once(nominations):
    async with nominations.app.state.db.connection() as conn:
        assert await demo.seed(conn) is True
        assert await demo.seed(conn) is False  # idempotent
    listed = (await nominations.client.get("/v1/movements")).json()["items"]
    by_kind = {m["kind"]: m for m in listed}
    year, dvk = by_kind["regular"], by_kind["thematic"]
    assert [p["state"] for p in year["phases"]] == ["reviewed", "ended"]  # the calendar has moved on since
    assert year["units"] == 15 and dvk["units"] == 37
    public = (await nominations.client.get(f"/v1/movements/{dvk['id']}/models", params={"limit": 200})).json()
    assert len(public["items"]) == 200 and all(m["state"] == "recognised" for m in public["items"])
    found = (await nominations.client.get(f"/v1/movements/{dvk['id']}/models",
                                          params={"q": "mai am cho nguoi ngheo", "limit": 200})).json()["items"]
    assert found and all("Mái ấm cho người nghèo" in m["title"] for m in found)
    books = (await nominations.client.get(f"/v1/movements/{dvk['id']}/publications")).json()
    assert len(books) == 1 and len(books[0]["models"]) == 100
