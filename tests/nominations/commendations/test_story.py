"""The 2023 northern conference, replayed through the API: Thái Bình's cluster sends Ninh Bình's flag
(from the approved vote) and a list with collectives and individuals; the ministry issues one
decision; the register finds each of them, with and without diacritics; every province concerned
is notified (the notifications consumer reads the outbox)."""
from __future__ import annotations

import uuid

from services.nominations.commendations.domain.rules import search_text
from shared.events import row_to_envelope
from tests.nominations.commendations.conftest import PDF, collective, person
from tests.nominations.conftest import CLUSTER

INDIVIDUALS = {
    "34": [person("Nguyễn Văn An", position="Trưởng phòng"), person("Trần Thị Bình", born="1985-02-03")],
    "36": [person("Lê Đức Cường", born="1979-11-30"), person("Phạm Thị Dung", born="1990-07-07")],
    "22": [person("Đỗ Quang Đạt", born="1982-01-15", position="Phó Giám đốc Sở")],
}
COLLECTIVES = {"33": [collective("Phòng Công chức, viên chức")], "22": [collective("Văn phòng Sở Nội vụ")]}


async def test_the_2023_northern_conference_from_flag_vote_to_register(comm):
    vote = comm.vote
    # 1. The flag vote: Ninh Bình (37) for the ministry's flag, approved by the ministry.
    r = await vote.opened(award="ministry_flag", seats=1)
    await vote.cast_all(r["id"], {"34": ["37"], "33": ["37"], "30": ["37"], "31": ["37"], "22": ["37"],
                                  "36": ["37"], "35": ["37"], "37": ["22"]})
    await vote.close(r["id"])
    await vote.post(r["id"], "certify", vote.province("34"))
    approved = await vote.post(r["id"], "approve", vote.ministry)
    assert approved.status_code == 200, approved.text
    # The approval carried Ninh Bình's department into the cluster's list, accepted, in that transaction.
    lst = await comm.call("GET", f"/v1/commendations/lists/{CLUSTER}/2023", comm.province("34"))
    [flag] = lst["proposals"]
    assert (flag["origin"], flag["province_code"], flag["form_code"], flag["state"]) == (
        "vote", "37", "ministry_flag", "accepted")
    assert flag["round_id"] == r["id"] and flag["nominees"][0]["name"] == "Sở Nội vụ tỉnh Ninh Bình"

    # 2. The members propose collectives and individuals for the Minister's certificate of merit.
    made: dict[str, list[dict]] = {}
    for code in ("34", "36", "22", "33"):
        p = await comm.proposal(code)
        made[code] = [await comm.nominee(p["id"], code, n) for n in COLLECTIVES.get(code, []) +
                      INDIVIDUALS.get(code, [])]
        a = await comm.call("POST", f"/v1/commendations/proposals/{p['id']}/attachments?filename=bao-cao.pdf",
                            comm.province(code), 201, content=PDF)
        assert a["sha256"] and a["content_type"] == "application/pdf"
        assert (await comm.submit(p["id"], code))["state"] == "submitted"

    # 3. The lead returns one individual with a reason; the province fixes it and resubmits.
    dung = made["36"][1]
    returned = await comm.call("POST", f"/v1/commendations/nominees/{dung['id']}/return", comm.province("34"),
                               json={"reason": "Thiếu biên bản họp Hội đồng thi đua"})
    assert returned["state"] == "returned" and returned["return_reason"] == "Thiếu biên bản họp Hội đồng thi đua"
    for code, ns in made.items():
        for n in ns:
            if n["id"] != dung["id"]:
                await comm.accept(n["id"], province=code)  # the lead's own (34): the ministry's staff
    fixed = {**INDIVIDUALS["36"][1], "summary": "Hoàn thành xuất sắc nhiệm vụ; có biên bản Hội đồng."}
    await comm.call("PUT", f"/v1/commendations/nominees/{dung['id']}", comm.province("36"), json=fixed)
    assert (await comm.submit(dung["proposal_id"], "36"))["state"] == "submitted"
    await comm.accept(dung["id"])

    # 4. The lead sends the list: the flag and the four proposals.
    sent = await comm.send()
    assert sent["provinces"] == ["22", "33", "34", "36", "37"] and sent["nominees"] == 8

    # 5. The ministry approves every nominee and issues one decision.
    queue = await comm.call("GET", "/v1/commendations/review?year=2023", comm.ministry)
    assert len(queue["items"]) == 8 and queue["next"] is None
    for n in queue["items"]:
        await comm.approve(n["id"])
    decision = await comm.call("POST", "/v1/decisions", comm.ministry, 201, json={
        "number": "1234/QĐ-BNV", "year": 2023, "signed_on": "2024-01-05", "signer_name": "Trần Văn Minh",
        "signer_title": "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", "nominee_ids": [n["id"] for n in queue["items"]]})
    assert decision["state"] == "draft" and len(decision["entries"]) == 8
    issued = await comm.call("POST", f"/v1/decisions/{decision['id']}/issue", comm.ministry)
    assert issued["state"] == "issued" and issued["issued_by"] == "ministry"

    # 6. The register, open to anyone: each of them, with and without diacritics.
    everyone = [n["name"] for n in queue["items"]]
    for name in everyone:
        for q in (name, search_text(name)):
            found = (await comm.client.get("/v1/awards", params={"q": q, "year": 2023})).json()
            assert [a["name"] for a in found["items"]] == [name], (q, found)
            assert found["items"][0]["decision_number"] == "1234/QĐ-BNV"
            assert "birth_date" not in found["items"][0] and "summary" not in found["items"][0]
    an = (await comm.client.get("/v1/awards", params={"q": "Nguyen Van An"})).json()["items"][0]
    assert an["form_name"] == "Bằng khen của Bộ trưởng Bộ Nội vụ" and an["province_name"] == "Thái Bình"
    dat = (await comm.client.get("/v1/awards", params={"q": "do quang dat"})).json()["items"]
    assert [a["name"] for a in dat] == ["Đỗ Quang Đạt"]
    flags = (await comm.client.get("/v1/awards", params={"form": "ministry_flag", "year": 2023})).json()["items"]
    assert [(a["name"], a["province_code"]) for a in flags] == [("Sở Nội vụ tỉnh Ninh Bình", "37")]
    holder = (await comm.client.get(f"/v1/awards/holders/{an['holder_id']}")).json()
    assert [a["year"] for a in holder["awards"]] == [2023]
    # Every proposal followed its nominees to the end.
    for code in ("34", "36", "22", "33", "37"):
        mine = await comm.call("GET", f"/v1/commendations/proposals?province={code}", comm.province(code))
        assert {p["state"] for p in mine["items"]} == {"awarded"}

    # 7. Every province concerned is notified, in Vietnamese (the notifications consumer).
    from services.notifications.service import consume as notifications

    async with vote.nominations.app.state.db.connection() as conn:
        rows = await conn.fetch("SELECT * FROM nominations.outbox WHERE type LIKE 'nominations.commendation.%' "
                                "ORDER BY seq")
        types = [r["type"] for r in rows]
        assert [t for t in types if not t.endswith(".submitted")] == [
            "nominations.commendation.returned", "nominations.commendation.sent", "nominations.commendation.decided"]
        assert types[0] == "nominations.commendation.submitted"
        for row in rows:
            async with conn.transaction():
                await notifications.handle_event(conn, row_to_envelope(row))
        inbox = await conn.fetch("SELECT recipient, subject, body, event_type FROM notifications.notifications "
                                 "ORDER BY id")
    decided = {i["recipient"]: i for i in inbox if i["event_type"] == "nominations.commendation.decided"}
    for code in ("22", "33", "34", "36", "37"):
        assert f"province:{code}" in decided, decided.keys()
        assert "1234/QĐ-BNV" in decided[f"province:{code}"]["subject"] + decided[f"province:{code}"]["body"]
    assert "ministry" in decided
    returned_to = [i["recipient"] for i in inbox if i["event_type"] == "nominations.commendation.returned"]
    assert returned_to[0] == "province:36"
    assert any("Thiếu biên bản" in i["body"] for i in inbox if i["recipient"] == "province:36")
    # the lead (Thái Bình) learns of each member's proposal as it comes, with the province's name
    submitted = [i for i in inbox if i["event_type"] == "nominations.commendation.submitted"]
    assert submitted and {i["recipient"] for i in submitted} <= {"province:34", "ministry"}
    assert any(i["recipient"] == "province:34" and "gửi đề nghị" in i["subject"] for i in submitted)
    sent_to = {i["recipient"] for i in inbox if i["event_type"] == "nominations.commendation.sent"}
    assert {"ministry", "province:22", "province:33", "province:34", "province:36", "province:37"} <= sent_to

    # The printable decision, HTML and PDF, with its appendix.
    page = await comm.client.get(f"/v1/decisions/{decision['id']}/print")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 1234/QĐ-BNV",
                   "ngày 05 tháng 01 năm 2024", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Trần Văn Minh",
                   "Ban hành kèm theo Quyết định số: 1234/QĐ-BNV", "Nguyễn Văn An", "Sở Nội vụ tỉnh Ninh Bình",
                   "Nơi nhận:"):
        assert phrase in page.text, phrase
    pdf = await comm.client.get(f"/v1/decisions/{decision['id']}/print?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    uuid.UUID(issued["id"])
