"""The ministry's council in a real browser: the office founds it and calls a session over the nominees
it received from its pages; the council secretary's session page (roster, check-in,
quorum, open, close, the result per nominee, the minutes) and a council member's ballot on a 375 px
phone, signed in with the member's own account: check in, agree with one nominee, the receipt."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
CLUSTER, YEAR, LEAD, MEMBER = "NOIVU-BAC", 2026, "22", "31"
PASSWORD = "Hoi-dong-Thi-dua-2026-xanh!"
ACCOUNTS = ["hd-chu-tich", "hd-pho-chu-tich", "hd-uy-vien"]


def member_auth(system: System, account: str) -> dict[str, str]:
    token, _ = system.registry.app.state.issuer.issue(subject=account, role="ministry", province=None)
    return {"Authorization": f"Bearer {token}"}


async def nominees_sent(system: System) -> list[str]:
    """Two of Hải Phòng's people, accepted by the lead and sent to the ministry."""
    api = system.nominations.client
    r = await api.post("/v1/commendations/proposals", headers=system.auth("province", MEMBER), json={
        "cluster_code": CLUSTER, "year": YEAR, "form": "minister_certificate"})
    assert r.status_code == 201, r.text
    pid, ids = r.json()["id"], []
    for name, born in (("Nguyễn Thị Lan", "1984-03-02"), ("Trần Văn Bình", "1979-09-12")):
        r = await api.post(f"/v1/commendations/proposals/{pid}/nominees", headers=system.auth("province", MEMBER),
                           json={"kind": "individual", "name": name, "position": "Chuyên viên", "birth_date": born,
                                 "unit": "Sở Nội vụ", "summary": f"Hoàn thành xuất sắc nhiệm vụ ({name})."})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assert (await api.post(f"/v1/commendations/proposals/{pid}/submit",
                           headers=system.auth("province", MEMBER))).status_code == 200
    for nid in ids:
        r = await api.post(f"/v1/commendations/nominees/{nid}/accept", headers=system.auth("province", LEAD))
        assert r.status_code == 200, r.text
    r = await api.post(f"/v1/commendations/lists/{CLUSTER}/{YEAR}/send", headers=system.auth("province", LEAD))
    assert r.status_code == 200, r.text
    return ids


async def test_the_secretary_s_session_page_and_the_member_s_ballot_on_a_phone(pages: Pages, system: System) -> None:
    ids = await nominees_sent(system)
    for account in ACCOUNTS:
        r = await system.registry.client.post("/v1/accounts", headers=system.auth("ministry"), json={
            "username": account, "password": PASSWORD, "role": "ministry"})
        assert r.status_code == 201, r.text
    api = system.nominations.client
    # The ministry's office founds its council from the office's pages: the founding decision and the
    # members, each with the account it signs in with.
    desk = await pages.new(user="ministry")
    await desk.goto("/office")
    await desk.get_by_role("link", name="Hội đồng thi đua, khen thưởng").click()
    await expect(desk.locator("h1")).to_have_text("Hội đồng thi đua, khen thưởng")
    found = desk.locator("form[data-found]")
    await found.get_by_label("Số quyết định thành lập").fill("12/QĐ-BNV")
    await found.get_by_label("Ngày quyết định").fill("01/01/2026")
    await found.get_by_label("Nhiệm kỳ từ ngày").fill("01/01/2026")
    for i, (name, position, role, account) in enumerate((
            ("Lê Văn Chủ", "Bộ trưởng", "chair", ACCOUNTS[0]), ("Phạm Thị Phó", "Thứ trưởng", "vice_chair", ACCOUNTS[1]),
            ("Đỗ Minh Ủy", "Vụ trưởng", "member", ACCOUNTS[2])), start=1):
        await found.get_by_label(f"Họ và tên thành viên {i}", exact=True).fill(name)
        await found.get_by_label(f"Chức vụ thành viên {i}", exact=True).fill(position)
        await found.get_by_label(f"Chức danh trong Hội đồng của thành viên {i}", exact=True).select_option(role)
        await found.get_by_label(f"Tài khoản thành viên {i}", exact=True).fill(account)
    await found.get_by_role("button", name="Thành lập Hội đồng").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã thành lập Hội đồng.")
    await expect(desk.locator("table[data-members] tr[data-account]")).to_have_count(3)
    council_id = desk.url.rstrip("/").rsplit("/", 1)[-1]
    council = (await api.get(f"/v1/councils/{council_id}", headers=system.auth("ministry"))).json()
    assert council["decision_number"] == "12/QĐ-BNV" and council["term_from"] == "2026-01-01"
    assert [(m["role"], m["account"]) for m in council["members"]] == [
        ("chair", ACCOUNTS[0]), ("vice_chair", ACCOUNTS[1]), ("member", ACCOUNTS[2])]
    members = {m["account"]: m["id"] for m in council["members"]}

    # ...and calls a session over the two nominees the cluster sent it.
    schedule = desk.locator("form[data-schedule]")
    await schedule.get_by_label("Tên phiên họp").fill("Phiên họp xét khen thưởng năm 2026")
    await schedule.get_by_label("Năm khen thưởng").fill(str(YEAR))
    await schedule.get_by_label("Ngày họp").fill("05/01/2027")
    await schedule.get_by_label("Địa điểm").fill("Phòng họp số 1")
    for name in ("Nguyễn Thị Lan", "Trần Văn Bình"):
        await schedule.get_by_label(f"Đưa ra Hội đồng: {name}").check()
    await schedule.get_by_role("button", name="Triệu tập phiên họp").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã triệu tập phiên họp; các thành viên được thông báo.")
    await expect(desk).to_have_url(re.compile(r"/councils/[0-9a-f-]+/sessions/[0-9a-f-]+/desk$"))
    base = desk.url.removeprefix(system.url).removesuffix("/desk")
    api_base = f"/v1{base}"
    s = (await api.get(api_base, headers=system.auth("ministry"))).json()
    assert (s["held_on"], sorted(n["nominee_id"] for n in s["nominees"])) == ("2027-01-05", sorted(ids))

    await desk.goto(f"{base}/desk")
    await expect(desk.locator("[data-quorum]")).to_contain_text("Chưa đủ số thành viên dự họp: 0/3 (cần 2)")
    await desk.get_by_role("button", name="Điểm danh Phạm Thị Phó").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã điểm danh.")

    # The chair, on its phone, with its own account: checks in, waits for the vote.
    phone = await pages.new(phone=True)
    await sign_in(phone, ACCOUNTS[0], PASSWORD)
    await phone.goto(f"{base}/ballot")
    await phone.get_by_role("button", name="Tôi có mặt: điểm danh").click()
    await expect(phone.locator(FLASH)).to_have_text("Đã điểm danh.")
    await expect(phone.locator("[data-waiting]")).to_have_text("Chờ Thư ký Hội đồng bắt đầu bỏ phiếu.")

    await desk.reload()
    await expect(desk.locator("[data-quorum]")).to_contain_text("Đủ số thành viên dự họp: 2/3 (cần 2)")
    await desk.get_by_role("button", name="Bắt đầu bỏ phiếu").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã bắt đầu bỏ phiếu.")
    await expect(desk.locator("[data-session-state]")).to_have_text("Đang bỏ phiếu")

    await phone.reload()
    await phone.get_by_label("Đồng ý: Nguyễn Thị Lan").check()
    await no_horizontal_scroll(phone)
    await phone.get_by_role("button", name="Bỏ phiếu").click()
    await expect(phone.locator("[role=status]")).to_contain_text("Phiếu của bạn đã được ghi nhận.")
    await expect(phone.locator("[data-agreed]")).to_have_text("Nguyễn Thị Lan")
    await expect(phone.locator("[data-receipt-secret]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await no_horizontal_scroll(phone)
    await phone.reload()
    await expect(phone.locator("[data-voted]")).to_have_text("Bạn đã bỏ phiếu trong phiên họp này.")

    # The vice-chair votes on its own phone; the absent member in writing, at the desk (the API here).
    r = await api.post(f"{api_base}/ballots", headers={**member_auth(system, ACCOUNTS[1]),
                                                      "Idempotency-Key": "vice-chair-ballot-0123456789"},
                       json={"approve": ids})
    assert r.status_code == 201, r.text
    r = await api.post(f"{api_base}/written-ballots", headers={**system.auth("ministry"),
                                                              "Idempotency-Key": "written-ballot-0123456789abc"},
                       json={"member_id": members[ACCOUNTS[2]], "document_ref": "Phiếu số 3", "approve": ids})
    assert r.status_code == 201, r.text

    await desk.reload()
    await expect(desk.locator("[data-turnout]")).to_have_text("Đã bỏ phiếu: 3/3 thành viên.")
    await desk.get_by_role("button", name="Kết thúc bỏ phiếu và kiểm phiếu").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã kết thúc bỏ phiếu; kết quả đã được ghi nhận.")
    await expect(desk.locator(f"[data-nominee='{ids[0]}'] [data-outcome]")).to_have_text("Đạt")
    await expect(desk.locator(f"[data-nominee='{ids[1]}'] [data-outcome]")).to_have_text("Không đạt tỷ lệ phiếu")
    await desk.get_by_role("link", name="Biên bản họp").click()
    await expect(desk.locator("h1")).to_have_text("BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG")
    await expect(desk.locator("table.votes")).to_contain_text("2/3")

    # The secretary confirms the minutes at the desk, the chair on its phone: then they are frozen.
    await desk.goto(f"{base}/desk")
    await expect(desk.locator("[data-minutes-confirmations]")).to_contain_text("chưa xác nhận biên bản")
    await desk.get_by_label("Họ và tên Thư ký").fill("Trần Thư Ký")
    await desk.get_by_role("button", name="Thư ký xác nhận biên bản").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã xác nhận biên bản.")
    await expect(desk.locator("[data-confirmed=secretary]")).to_contain_text("Thư ký Trần Thư Ký đã xác nhận")
    await phone.goto(f"{base}/ballot")
    await phone.get_by_role("button", name="Chủ tịch xác nhận biên bản").click()
    await expect(phone.locator(FLASH)).to_have_text("Đã xác nhận biên bản; biên bản đã được khóa nội dung.")
    await expect(phone.locator("[data-minutes-frozen]")).to_be_visible()
    await no_horizontal_scroll(phone)
    await desk.reload()
    await expect(desk.locator("[data-minutes-frozen]")).to_be_visible()
    await expect(desk.locator("form[data-confirm-secretary]")).to_have_count(0)
    frozen = (await api.get(f"{api_base}/minutes", params={"format": "html"}, headers=system.auth("ministry"))).text
    assert "Trần Thư Ký" in frozen and "Lê Văn Chủ" in frozen
