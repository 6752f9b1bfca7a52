"""The covenant signed by every member unit of the cluster-year, through the API against real
PostgreSQL: each unit's own account signs, once; the list shows who has not; the schema keeps a
signature final."""
from __future__ import annotations

import asyncpg
import pytest

from tests.nominations.conftest import CLUSTER, NORTH
from tests.support import problem

URL = f"/v1/clusters/{CLUSTER}/periods/2023/covenant/signatures"


def signer(code: str) -> dict[str, str]:
    return {"signer_name": f"Giám đốc {code}", "signer_position": "Giám đốc Sở Nội vụ"}


async def test_every_member_signs_the_covenant_in_force_once(scoring):
    vote, client = scoring.vote, scoring.client
    problem(await client.post(URL, headers=vote.province("30"), json=signer("30")), 409)  # nothing published yet
    covenant = await scoring.published()
    problem(await client.post(URL, headers=vote.province("01"), json=signer("01")), 403)  # not a member
    problem(await client.post(URL, headers=vote.ministry, json=signer("BNV")), 403)  # a unit signs for itself

    headers = {**vote.province("30"), "Idempotency-Key": "sign-30"}
    r = await client.post(URL, headers=headers, json=signer("30"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["version"] == covenant["version"] and body["in_force"] is False
    assert body["signatures"][0]["unit"] == {"code": "30", "name": "Hải Dương"}
    assert body["signatures"][0]["signer"] == {"name": "Giám đốc 30", "position": "Giám đốc Sở Nội vụ"}
    assert [u["code"] for u in body["not_signed"]] == [c for c in NORTH if c != "30"]
    r = await client.post(URL, headers=vote.province("30"), json={"signer_name": "Người khác",
                                                                   "signer_position": "Phó Giám đốc"})
    assert r.json()["signatures"][0]["signer"]["name"] == "Giám đốc 30"  # the first signature stands

    for code in NORTH:
        if code != "30":
            assert (await client.post(URL, headers=vote.province(code), json=signer(code))).status_code == 201
    listed = (await client.get(URL, headers=vote.ministry)).json()
    assert listed["in_force"] is True and listed["not_signed"] == [] and len(listed["signatures"]) == 8

    signed = await vote.outbox("nominations.covenant.signed")
    assert len(signed) == 8 and signed[0]["unit_code"] == "30" and signed[-1]["in_force"] is True
    async with vote.nominations.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("DELETE FROM nominations.covenant_signatures WHERE unit_code = '30'")
