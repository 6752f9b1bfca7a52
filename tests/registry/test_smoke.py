async def test_provinces_timeline_counts(registry):
    r = await registry.client.get("/v1/provinces", params={"on": "2024-06-01"})
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 63
