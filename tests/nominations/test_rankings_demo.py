"""The demo seed: `make run` shows a real ranking table for the northern cluster in 2025."""
import unicodedata

from services.nominations import demo
from shared.db import connect


async def test_the_demo_seed_ranks_the_northern_cluster_once(database_url, nominations, issue_token):
    conn = await connect(database_url)
    try:
        assert await demo.seed(conn) is True
        assert await demo.seed(conn) is False  # idempotent
        assert await conn.fetchval("SELECT count(*) FROM nominations.ranking_snapshots") == 2  # cluster, national
    finally:
        await conn.close()
    headers = nominations.auth(issue_token("province", "36"))
    r = await nominations.client.get("/v1/rankings/2025", params={"cluster": "NOIVU-BAC"}, headers=headers)
    assert r.status_code == 200, r.text
    table = r.json()
    assert table["covenant_version"] == 1 and table["max_total"] == 100
    assert [(row["name"], row["rank"], row["band"]) for row in table["rows"]] == [
        ("Hải Dương", 1, "Xuất sắc"), ("Quảng Ninh", 2, "Xuất sắc"), ("Hải Phòng", 3, "Tốt"), ("Hưng Yên", 4, "Tốt"),
        ("Thái Bình", 4, "Tốt"), ("Nam Định", 6, "Khá"), ("Ninh Bình", 7, "Khá"), ("Hà Nam", 8, "Khá")]
    assert all(unicodedata.is_normalized("NFC", row["name"]) for row in table["rows"])
    sheet = (await nominations.client.get("/v1/clusters/NOIVU-BAC/periods/2025/scores/36", headers=headers)).json()
    [adjustment] = sheet["adjustments"]
    assert (adjustment["criterion"], adjustment["points"], adjustment["previous"]) == ("CDS", 15, 18)
    assert adjustment["adjusted_for_name"] == "Hải Dương" and adjustment["reason"].startswith("Mới kết nối")
    covenant = (await nominations.client.get("/v1/clusters/NOIVU-BAC/periods/2025/covenant", headers=headers)).json()
    assert [c["title"] for c in covenant["criteria"]][:3] == [
        "Thực hiện nhiệm vụ chuyên môn", "Cải cách hành chính", "Chuyển đổi số"]


async def test_snapshot_ids_and_cursors_beyond_bigint_are_422_naming_the_field(nominations, issue_token):
    # Found by fuzzing: they reached asyncpg ("value out of int64 range"), a 422 that named no field.
    import base64
    import json

    from tests.support import problem

    headers = nominations.auth(issue_token("ministry"))
    r = await nominations.client.get(f"/v1/rankings/2025/snapshots/{2**63}", headers=headers)
    assert problem(r, 422)["errors"][0]["field"] == "snapshot_id"
    problem(await nominations.client.get(f"/v1/rankings/2025/snapshots/{2**63 - 1}", headers=headers), 404)
    for position in (2**63, 0, True, "12"):
        cursor = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
        r = await nominations.client.get("/v1/rankings/2025/snapshots", headers=headers, params={"cursor": cursor})
        assert problem(r, 422)["errors"][0]["field"] == "cursor", position
