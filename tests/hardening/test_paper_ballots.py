"""Finding 7: a lead could vote for absent members in silence. Now the member is told at once
(inbox and e-mail) with the document reference, may dispute while the round is open, a disputed
round cannot be certified until the ministry rules, and the minutes record the disputes."""
from __future__ import annotations

import time
import uuid

import asyncpg
import pytest

from tests.support import problem

REF = "15/SNV-TĐKT"


async def _tell(vote, event_type: str) -> list[asyncpg.Record]:
    """Hand the nominations outbox event to the notifications consumer (what the relay and the
    worker do) and return the inbox rows and e-mail deliveries it made."""
    from services.notifications.service import consume as notifications

    [payload] = [e for e in await vote.outbox(event_type)]
    payload.pop("type")
    envelope = {"id": str(uuid.uuid4()), "type": event_type, "version": 1, "producer": "nominations",
                "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                "aggregate_id": payload["round_id"], "payload": payload}
    async with vote.nominations.app.state.db.transaction() as conn:
        await notifications.handle_event(conn, envelope)
        return await conn.fetch(
            """SELECT n.recipient, n.subject, n.body, d.kind, d.target FROM notifications.notifications n
                 LEFT JOIN notifications.deliveries d ON d.event_id = n.event_id AND d.recipient = n.recipient
                WHERE n.event_id = $1 ORDER BY n.recipient""", uuid.UUID(envelope["id"]))


async def test_the_member_is_told_can_dispute_and_certification_waits_for_the_ruling(vote):
    async with vote.nominations.app.state.db.transaction() as conn:
        await conn.execute(
            """INSERT INTO notifications.subscriptions (subject, address, channels, language)
               VALUES ('province-35', 'province:35', $1, 'vi')""",
            [{"type": "inbox"}, {"type": "email", "address": "vanthu@sonoivu.hanam.gov.vn"}])
    r = await vote.opened()
    rid, lead = r["id"], vote.province("34")
    recorded = await vote.post(rid, "paper-ballots", lead, {"voter": "35", "choices": ["34"], "document_ref": REF})
    assert recorded.status_code == 201, recorded.text
    told = await _tell(vote, "nominations.round.paper_ballot_recorded")
    assert [(row["recipient"], row["kind"]) for row in told] == [("province:35", "email")]
    assert REF in told[0]["body"] and told[0]["target"] == "vanthu@sonoivu.hanam.gov.vn"

    # Only the member the ballot was entered for disputes it, once, while the round is open.
    dispute = {"reason": "Sở Nội vụ Hà Nam không gửi văn bản này"}
    problem(await vote.post(rid, "paper-ballot-disputes", vote.ministry, dispute), 403)
    problem(await vote.post(rid, "paper-ballot-disputes", lead, dispute), 409)  # no paper ballot of its own
    problem(await vote.post(rid, "paper-ballot-disputes", vote.province("36"), dispute), 409)
    r35 = await vote.post(rid, "paper-ballot-disputes", vote.province("35"), dispute)
    assert r35.status_code == 201 and r35.json()["ruling"] is None, r35.text
    problem(await vote.post(rid, "paper-ballot-disputes", vote.province("35"), dispute), 409)
    to_ministry = await _tell(vote, "nominations.round.paper_ballot_disputed")
    assert {row["recipient"] for row in to_ministry} == {"ministry", "province:34"}

    await vote.cast_all(rid, {code: ["34"] for code in ("33", "30", "31", "22", "36")})
    await vote.close(rid)
    problem(await vote.post(rid, "paper-ballot-disputes", vote.province("35"), dispute), 409)
    assert problem(await vote.post(rid, "certify", lead), 409)["type"].endswith("dispute-pending")
    # The schema refuses it too.
    async with vote.nominations.app.state.db.transaction() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.rounds SET state = 'certified', certified_at = now(), "
                               "certified_by = 'x' WHERE id = $1", uuid.UUID(rid))

    ruling = {"ruling": "ballot_stands", "note": "Văn bản số 15 có chữ ký của Giám đốc Sở"}
    problem(await vote.post(rid, "paper-ballot-disputes/35/ruling", lead, ruling), 403)
    ruled = await vote.post(rid, "paper-ballot-disputes/35/ruling", vote.ministry, ruling)
    assert ruled.status_code == 200 and ruled.json()["ruling"] == "ballot_stands", ruled.text
    problem(await vote.post(rid, "paper-ballot-disputes/35/ruling", vote.ministry, ruling), 409)
    certified = await vote.post(rid, "certify", lead)
    assert certified.status_code == 200, certified.text
    minutes = (await vote.nominations.client.get(f"/v1/rounds/{rid}/minutes", headers=lead)).json()
    assert minutes["disputes"][0]["province_code"] == "35" and minutes["disputes"][0]["ruling"] == "ballot_stands"
    html = await vote.nominations.client.get(f"/v1/rounds/{rid}/minutes", headers={**lead, "Accept": "text/html"})
    assert "khiếu nại" in html.text and "giữ nguyên" in html.text


async def test_a_paper_ballot_ruled_void_blocks_certification(vote):
    r = await vote.opened(award="ministry_flag")
    rid, lead = r["id"], vote.province("34")
    assert (await vote.post(rid, "paper-ballots", lead, {"voter": "37", "choices": ["34"],
                                                         "document_ref": "9/VB"})).status_code == 201
    assert (await vote.post(rid, "paper-ballot-disputes", vote.province("37"),
                            {"reason": "không phải phiếu của Ninh Bình"})).status_code == 201
    await vote.cast_all(rid, {code: ["34"] for code in ("33", "30", "31", "22", "36")})
    await vote.close(rid)
    ruled = await vote.post(rid, "paper-ballot-disputes/37/ruling", vote.ministry,
                            {"ruling": "ballot_void", "note": "Không có văn bản gốc"})
    assert ruled.status_code == 200, ruled.text
    assert problem(await vote.post(rid, "certify", lead), 409)["type"].endswith("paper-ballot-void")
    listed = await vote.nominations.client.get(f"/v1/rounds/{rid}/paper-ballot-disputes", headers=vote.province("36"))
    assert listed.json()["items"] == []  # another member sees no one else's dispute
