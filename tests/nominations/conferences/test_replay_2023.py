"""The 2023 northern conference replayed through the APIs, from check-in to minutes, against real
PostgreSQL and the system's real Celery worker: seven units check in and the quorum shows, the
Ministry-flag vote proposes Ninh Bình, the election makes Hưng Yên the 2024 lead and Hải Dương its
deputy (the registry's 2024 leadership comes from it), the 2024 covenant is adopted by motion and
signed by every member, the flag is handed over, and the minutes (JSON, HTML, PDF) hold it all,
frozen once the chair and the secretary confirm them."""
from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from tests.nominations.conferences.support import create, in_session
from tests.nominations.conftest import CLUSTER, NORTH
from tests.nominations.scoring_support import CRITERIA, celery_worker
from tests.support import problem

PRESENT = [c for c in NORTH if c != "22"]  # Quảng Ninh sends nobody
COVENANT_2024 = f"/v1/clusters/{CLUSTER}/periods/2024/covenant"


async def vote_through(vote, round_id: str, ballots: dict[str, list[str]]) -> dict:
    await vote.open(round_id)
    await vote.cast_all(round_id, ballots)
    await vote.close(round_id)
    r = await vote.post(round_id, "certify", vote.province("34"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_2023_northern_conference_from_check_in_to_minutes(vote, database_url, redis_url, tmp_path: Path):
    client, lead = vote.nominations.client, vote.province("34")
    await vote.cluster_year(year=2024, lead=None)
    conf = await in_session(vote, PRESENT)
    cid = conf["id"]
    assert conf["quorum_met"] is True and len(conf["present_units"]) == 7 and conf["quorum_needed"] == 6

    flag = await create(vote, award="ministry_flag", seats=1, conference_id=cid)
    flag = await vote_through(vote, flag["id"], {c: ["37"] for c in PRESENT if c != "37"} | {"37": ["31"]})
    assert flag["result"]["proposed"] == ["37"]

    with celery_worker(database_url=database_url, redis_url=redis_url, log_path=tmp_path / "worker.log",
                       queues="registry"):
        lead_round = await create(vote, kind="election", post="lead", conference_id=cid)
        deputy_round = await create(vote, kind="election", post="deputy", conference_id=cid)
        assert (lead_round["candidates"], deputy_round["candidates"]) == (["33"], ["30"])
        await vote_through(vote, lead_round["id"], {c: ["33"] for c in PRESENT})
        await vote_through(vote, deputy_round["id"], {c: ["30"] for c in PRESENT[:6]} | {"37": []})
        for _ in range(120):
            period = (await vote.registry.client.get(f"/v1/clusters/{CLUSTER}/periods/2024")).json()
            if period["lead"] is not None:
                break
            await asyncio.sleep(0.25)
        else:
            raise AssertionError((tmp_path / "worker.log").read_text()[-3000:])
    assert (period["lead"]["code"], period["deputy"]["code"], period["leadership_method"]) == ("33", "30", "election")

    report = await create(vote, kind="motion", subject="year_report", conference_id=cid,
                          title="Thông qua Báo cáo tổng kết công tác thi đua, khen thưởng năm 2023")
    await vote_through(vote, report["id"], {c: ["yes"] for c in PRESENT})
    covenant_motion = await create(vote, kind="motion", subject="covenant", conference_id=cid,
                                   denominator="members", threshold="2/3", threshold_comparison="at_least",
                                   title="Thông qua Giao ước thi đua năm 2024")
    adopted = await vote_through(vote, covenant_motion["id"], {c: ["yes"] for c in PRESENT[:6]} | {"37": ["abstain"]})
    assert adopted["result"]["adopted"] is True  # 6 of 8 members reach two thirds

    # Next year's lead (as the registry now says) publishes the adopted covenant; every member signs it.
    r = await client.put(COVENANT_2024, headers=vote.province("33"), json={"criteria": CRITERIA, "publish": True})
    assert r.status_code == 200, r.text
    for code in NORTH:
        r = await client.post(f"{COVENANT_2024}/signatures", headers=vote.province(code),
                              json={"signer_name": f"Giám đốc Sở Nội vụ {code}", "signer_position": "Giám đốc"})
        assert r.status_code == 201, r.text
    assert r.json()["in_force"] is True

    r = await client.post(f"/v1/conferences/{cid}/hand-over", headers=lead, json={"from_unit": "34", "to_unit": "33"})
    assert r.status_code == 200, r.text
    problem(await client.post(f"/v1/conferences/{cid}/minutes/confirmations", headers=lead, json={"role": "chair"}),
            409)  # not before the adjournment
    assert (await client.post(f"/v1/conferences/{cid}/adjourn", headers=lead)).status_code == 200

    draft = (await client.get(f"/v1/conferences/{cid}/minutes", headers=vote.province("30"))).json()
    assert draft["frozen"] is False
    attendance = draft["attendance"]
    assert (attendance["present"], attendance["members"], attendance["quorum_met"]) == (7, 8, True)
    assert [u["code"] for u in attendance["member_units"] if not u["present"]] == ["22"]
    flag_vote = draft["votes"][0]
    assert flag_vote["label"] == "Cờ thi đua của Bộ Nội vụ" and flag_vote["proposed"][0]["name"] == "Ninh Bình"
    assert (flag_vote["ballots_issued"], flag_vote["ballots_returned"], flag_vote["ballots_valid"],
            flag_vote["ballots_invalid"]) == (8, 7, 7, 0)
    assert {"code": "37", "name": "Ninh Bình", "votes": 6} in flag_vote["candidates"]
    assert draft["election"]["year"] == 2024
    assert draft["election"]["lead"]["name"] == "Hưng Yên" and draft["election"]["deputy"]["name"] == "Hải Dương"
    assert [(m["subject"], m["yes"], m["adopted"]) for m in draft["motions"]] == [
        ("year_report", 7, True), ("covenant", 6, True)]
    assert draft["covenant"]["adopted_by"]["round_id"] == covenant_motion["id"]
    assert draft["covenant"]["in_force"] is True and len(draft["covenant"]["signatures"]) == 8
    assert draft["hand_over"]["to"]["name"] == "Hưng Yên"

    problem(await client.post(f"/v1/conferences/{cid}/minutes/confirmations", headers=vote.province("30"),
                              json={"role": "chair"}), 403)  # the secretary's desk confirms
    r = await client.post(f"/v1/conferences/{cid}/minutes/confirmations", headers=lead, json={"role": "secretary"})
    assert r.status_code == 200, r.text
    assert r.json()["frozen"] is False
    r = await client.post(f"/v1/conferences/{cid}/minutes/confirmations", headers=lead, json={"role": "chair"})
    assert r.status_code == 200, r.text
    frozen = r.json()
    assert frozen["frozen"] is True and frozen["confirmation"]["chair_confirmed_by"]
    assert {k: v for k, v in frozen.items() if k not in ("frozen", "confirmation")} == {
        k: v for k, v in draft.items() if k not in ("frozen", "confirmation")}

    html = await client.get(f"/v1/conferences/{cid}/minutes", headers={**lead, "Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    for text in ("BIÊN BẢN HỘI NGHỊ TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2023", "Ninh Bình",
                 "Cụm trưởng năm 2024: Hưng Yên", "Cụm phó năm 2024: Hải Dương", "Thông qua Giao ước thi đua năm 2024",
                 "Số phiếu phát ra: 8; số phiếu thu về: 7; hợp lệ: 7; không hợp lệ: 0",
                 "Có mặt 7/8 đơn vị thành viên", "Thái Bình bàn giao cho Hưng Yên", "ngày 15/12/2023",
                 "Giao ước có hiệu lực", "Nguyễn Văn A", "Trần Thị B", "Biên bản đã được Chủ trì xác nhận"):
        assert text in html.text, text
    pdf = await client.get(f"/v1/conferences/{cid}/minutes", headers={**lead, "Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    text = pdf_text(pdf.content)
    for line in ("Ninh Bình", "Hưng Yên", "Hải Dương", "Giao ước thi đua năm 2024", "7/8"):
        assert line in text, line

    async with vote.nominations.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):  # frozen for good
            await conn.execute("UPDATE nominations.conference_minutes SET content = '{}' WHERE conference_id = $1::uuid",
                               cid)
        actions = [r["action"] for r in await conn.fetch(
            "SELECT action FROM nominations.audit_log WHERE target = $1 AND action LIKE 'conference.minutes%'",
            f"conference:{cid}")]
        assert actions == ["conference.minutes.confirm", "conference.minutes.confirm"]


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
