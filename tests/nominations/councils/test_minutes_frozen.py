"""The council's minutes are frozen once the chair (its own member account) and the secretary (the
office, another person) confirm them: from then on every read serves the minutes as confirmed, byte
for byte, and the schema refuses to change them or their confirmations."""
from __future__ import annotations

import io

import asyncpg
import pytest
from pypdf import PdfReader

from tests.nominations.commendations.conftest import person
from tests.nominations.councils.conftest import MEMBERS
from tests.support import problem


async def closed_session(council, c: dict) -> tuple[str, str]:
    comm = council.comm
    made = await comm.through_lead("37", [person("Đỗ Quang Đạt", born="1982-01-15")])
    ids = [n["id"] for n in made]
    members = {m["account"]: m["id"] for m in c["members"]}
    s = await council.session(c["id"], ids)
    base = f"/v1/councils/{c['id']}/sessions/{s['id']}"
    for account in [m["account"] for m in MEMBERS][:8]:
        await council.call("POST", f"{base}/check-ins", comm.ministry, json={"member_id": members[account]})
    await council.call("POST", f"{base}/open", comm.ministry)
    r = await council.ballot(c["id"], s["id"], "hd-tra", ids)
    assert r.status_code == 201, r.text
    return base, (await council.call("POST", f"{base}/close", comm.ministry))["state"]


async def test_the_chair_and_the_secretary_confirm_and_the_minutes_freeze(council):
    comm = council.comm
    made = await comm.through_lead("22", [person("Lê Thị Mai", born="1985-05-05")])
    c = await council.found()
    s = await council.session(c["id"], [made[0]["id"]])
    early = f"/v1/councils/{c['id']}/sessions/{s['id']}/minutes/confirmations"
    r = await comm.client.post(early, headers=council.member("hd-tra"), json={"role": "chair"})
    assert problem(r, 409)["type"].endswith("session-not-closed")  # a scheduled session has no minutes yet

    base, state = await closed_session(council, c)
    assert state == "closed"
    confirm = f"{base}/minutes/confirmations"
    # Only the chair's own account confirms as the chair; the chair is not also the secretary.
    problem(await comm.client.post(confirm, headers=council.member("hd-long"), json={"role": "chair"}), 403)
    problem(await comm.client.post(confirm, headers=council.member("hd-tra"),
                                   json={"role": "secretary", "name": "Phạm Thị Thanh Trà"}), 403)
    problem(await comm.client.post(confirm, headers=comm.province("22"), json={"role": "secretary", "name": "X"}),
            403)
    r = await comm.client.post(confirm, headers=comm.ministry, json={"role": "secretary"})
    assert problem(r, 422)  # the secretary's name signs the minutes

    done = await council.call("POST", confirm, council.member("hd-tra"), json={"role": "chair"})
    assert [(c["role"], c["signer_name"]) for c in done["confirmations"]] == [("chair", "Phạm Thị Thanh Trà")]
    assert done["frozen_at"] is None
    again = await council.call("POST", confirm, council.member("hd-tra"), json={"role": "chair"})
    assert again["confirmations"] == done["confirmations"]  # once
    live = await council.call("GET", f"{base}/minutes", comm.ministry)
    assert live["frozen_at"] is None and len(live["confirmations"]) == 1

    done = await council.call("POST", confirm, {**comm.ministry, "Idempotency-Key": "confirm-secretary-0123456789"},
                              json={"role": "secretary", "name": "Nguyễn Thư Ký"})
    assert done["frozen_at"] is not None and {c["role"] for c in done["confirmations"]} == {"chair", "secretary"}
    frozen = await council.call("GET", f"{base}/minutes", comm.ministry)
    assert frozen["frozen_at"] is not None and frozen["session"]["result"]["ballots"] == 1
    html = (await comm.client.get(f"{base}/minutes", params={"format": "html"}, headers=comm.ministry)).text
    assert "Nguyễn Thư Ký" in html and "THƯ KÝ" in html and "đã xác nhận biên bản" in html
    pdf = (await comm.client.get(f"{base}/minutes", params={"format": "pdf"}, headers=comm.ministry)).content
    assert pdf.startswith(b"%PDF")
    printed = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG", "Kết quả bỏ phiếu:",
                 "THƯ KÝ", "CHỦ TỊCH HỘI ĐỒNG", "Nguyễn Thư Ký"):
        assert text in printed, text

    # The schema keeps them: what was confirmed is what is read, and neither can change.
    db = comm.vote.nominations.app.state.db
    async with db.connection() as conn:
        row = await conn.fetchrow("SELECT html, pdf FROM nominations.council_minutes_frozen")
        assert row["html"] == html and bytes(row["pdf"]) == pdf
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.council_minutes_frozen SET html = 'x'")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("DELETE FROM nominations.council_minutes_confirmations")
    # Confirming again changes nothing.
    after = await council.call("POST", confirm, council.member("hd-tra"), json={"role": "chair"})
    assert after["frozen_at"] == done["frozen_at"]
