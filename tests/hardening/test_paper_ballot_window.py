"""Issue 18, finding 2: a paper ballot could silence its member. The lead entered a paper ballot for
an absent member and closed the round milliseconds later; the member's dispute was refused (the
round was no longer open) and the round was certified. Now disputes are taken until certification,
and certification waits ``paper_ballot_dispute_window_seconds`` after the member's notice left the
service, unless the member confirmed the paper ballot; the minutes show each window."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from tests.support import eventually, problem

REF = "15/SNV-TĐKT"
OTHERS = ("33", "30", "31", "22", "36")  # with the paper ballot of 35: 6 of 8, the quorum


def _window(vote, seconds: float) -> None:
    vote.nominations.app.state.settings.paper_ballot_dispute_window_seconds = seconds


async def _closed_with_paper_ballot(vote) -> str:
    """A round where the lead enters 35's paper ballot and closes at once."""
    r = await vote.opened()
    await vote.cast_all(r["id"], {code: ["34"] for code in OTHERS})
    recorded = await vote.post(r["id"], "paper-ballots", vote.province("34"),
                               {"voter": "35", "choices": ["34"], "document_ref": REF})
    assert recorded.status_code == 201, recorded.text
    await vote.close(r["id"])
    return r["id"]


async def _notice_sent(vote, round_id: str) -> datetime:
    async def sent():
        async with vote.nominations.app.state.db.connection() as conn:
            return await conn.fetchval(
                """SELECT o.published_at FROM nominations.paper_ballot_notices n
                     JOIN nominations.outbox o ON o.id = n.notice_event_id WHERE n.round_id = $1""",
                uuid.UUID(round_id))
    return await eventually(sent, message="the member's notice to leave the service")


async def test_the_member_disputes_after_a_close_and_certification_waits_for_its_window(vote):
    _window(vote, 3600)
    rid = await _closed_with_paper_ballot(vote)
    lead, member = vote.province("34"), vote.province("35")
    sent = await _notice_sent(vote, rid)

    # The window is open: the lead cannot certify, and says until when.
    body = problem(await vote.post(rid, "certify", lead), 409)
    assert body["type"].endswith("paper-ballot-dispute-window") and body["province"] == "35"
    assert datetime.fromisoformat(body["until"]) == sent + timedelta(hours=1)

    # The round is closed, yet the member is heard: its dispute is taken, the ministry rules.
    disputed = await vote.post(rid, "paper-ballot-disputes", member, {"reason": "Không phải văn bản của Sở"})
    assert disputed.status_code == 201, disputed.text
    assert problem(await vote.post(rid, "certify", lead), 409)["type"].endswith("dispute-pending")
    ruled = await vote.post(rid, "paper-ballot-disputes/35/ruling", vote.ministry,
                            {"ruling": "ballot_stands", "note": "Văn bản có chữ ký của Giám đốc Sở"})
    assert ruled.status_code == 200, ruled.text
    assert (await vote.post(rid, "certify", lead)).status_code == 200

    # Once certified, the count is final: no dispute, no confirmation.
    problem(await vote.post(rid, "paper-ballot-disputes", member, {"reason": "x"}), 409)
    problem(await vote.post(rid, "paper-ballot-confirmations", member), 409)


async def test_the_members_confirmation_ends_the_wait_and_the_minutes_show_the_window(vote):
    _window(vote, 3600)
    rid = await _closed_with_paper_ballot(vote)
    lead = vote.province("34")
    sent = await _notice_sent(vote, rid)
    assert problem(await vote.post(rid, "certify", lead), 409)["type"].endswith("paper-ballot-dispute-window")

    # Only the member the ballot was entered for confirms it, once.
    problem(await vote.post(rid, "paper-ballot-confirmations", lead), 409)  # no paper ballot of its own
    problem(await vote.post(rid, "paper-ballot-confirmations", vote.ministry), 403)
    confirmed = await vote.post(rid, "paper-ballot-confirmations", vote.province("35"))
    assert confirmed.status_code == 201 and confirmed.json()["province_code"] == "35", confirmed.text
    problem(await vote.post(rid, "paper-ballot-confirmations", vote.province("35")), 409)
    assert (await vote.post(rid, "certify", lead)).status_code == 200

    minutes = (await vote.nominations.client.get(f"/v1/rounds/{rid}/minutes", headers=vote.ministry)).json()
    [window] = minutes["paper_ballot_windows"]
    assert (window["code"], window["document_ref"], window["disputed"]) == ("35", REF, False)
    assert datetime.fromisoformat(window["notice_sent_at"]) == sent
    assert datetime.fromisoformat(window["disputes_until"]) == sent + timedelta(hours=1)
    assert window["confirmed_at"] is not None and window["disputes_until"].endswith("+07:00")
    html = await vote.nominations.client.get(f"/v1/rounds/{rid}/minutes", headers={**lead, "Accept": "text/html"})
    assert "thời hạn khiếu nại đến" in html.text and "đã xác nhận phiếu" in html.text


async def test_a_round_is_certified_once_the_window_has_passed(vote):
    _window(vote, 1)
    rid = await _closed_with_paper_ballot(vote)
    sent = await _notice_sent(vote, rid)
    async with vote.nominations.app.state.db.connection() as conn:
        wait = (sent + timedelta(seconds=1) - await conn.fetchval("SELECT clock_timestamp()")).total_seconds()
    await asyncio.sleep(max(wait, 0) + 0.05)
    certified = await vote.post(rid, "certify", vote.province("34"))
    assert certified.status_code == 200, certified.text
