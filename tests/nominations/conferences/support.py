"""A conference of the 2023 northern cluster in session, for the tests of its votes."""
from __future__ import annotations

from typing import Any

from tests.nominations.conftest import CLUSTER, NORTH

BODY = {"cluster_code": CLUSTER, "year": 2023, "held_on": "2023-12-15", "place": "Hội trường UBND tỉnh Thái Bình",
        "chair": {"name": "Nguyễn Văn A", "position": "Giám đốc Sở Nội vụ Thái Bình"},
        "secretary": {"name": "Trần Thị B", "position": "Trưởng ban Thi đua - Khen thưởng"},
        "agenda": ["Tổng kết năm 2023", "Bình xét thi đua", "Bầu Cụm trưởng, Cụm phó 2024"]}


async def in_session(vote: Any, present: list[str]) -> dict[str, Any]:
    """Scheduled by the lead (34), every member's voting delegate named, ``present`` checked in."""
    client, lead = vote.nominations.client, vote.province("34")
    r = await client.post("/v1/conferences", headers=lead, json=BODY)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    delegates = {}
    for code in NORTH:
        r = await client.post(f"/v1/conferences/{cid}/delegates", headers=vote.province(code), json={
            "unit_code": code, "name": f"Trưởng đoàn {code}", "position": "Giám đốc Sở Nội vụ", "votes": True})
        assert r.status_code == 201, r.text
        delegates[code] = r.json()["id"]
    assert (await client.post(f"/v1/conferences/{cid}/open", headers=lead)).status_code == 200
    for code in present:
        r = await client.post(f"/v1/conferences/{cid}/check-ins", headers=vote.province(code),
                              json={"delegate_id": delegates[code]})
        assert r.status_code == 200, r.text
    got = (await client.get(f"/v1/conferences/{cid}", headers=lead)).json()
    return {**got, "delegates": delegates}


async def create(vote: Any, **body: Any) -> dict[str, Any]:
    r = await vote.nominations.client.post("/v1/rounds", headers=vote.province("34"),
                                           json={"cluster_code": CLUSTER, "year": 2023, **body})
    assert r.status_code == 201, r.text
    return r.json()
