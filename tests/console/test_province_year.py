"""A province's emulation office runs a whole year of its own block of departments in a real browser,
with no ministry account: the office sets the 2025 members and the elected lead, the lead publishes
the covenant, the members sign and score it, vote for the province's flag, the office approves the
vote, a member proposes the chairman's certificate of merit, the lead sends the list, the office
approves both and issues one decision numbered …/QĐ-UBND (its rules' signer), and the register
finds it. The ministry's national view shows the province's year, read-only."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System
from tests.console.test_year_story import vote

pytestmark = pytest.mark.asyncio(loop_scope="session")

FLASH = "main > [role=status].notice-ok"
BLOCK, YEAR, ORGANISER = "QN-KHOI-SO", 2025, "UBND-22"
BASE = f"/v1/clusters/{BLOCK}/periods/{YEAR}"
DEPARTMENTS = {"QN-SNV": "Sở Nội vụ", "QN-STC": "Sở Tài chính", "QN-SYT": "Sở Y tế",
               "QN-SGDDT": "Sở Giáo dục và Đào tạo"}
LEAD, DEPUTY = "QN-STC", "QN-SYT"


def unit_auth(system: System, code: str) -> dict[str, str]:
    token, _ = system.registry.app.state.issuer.issue(subject=f"unit-{code.lower()}", role="unit", province=None,
                                                      unit=code)
    return {"Authorization": f"Bearer {token}"}


async def test_a_province_office_runs_its_year_without_the_ministry(pages: Pages, system: System) -> None:
    nom = system.nominations.client
    # ---- the office: this year's members of its block and the lead and deputy its conference elected
    office = await pages.new(user="qn-office")
    await office.goto(f"/office?year={YEAR}")
    members = office.locator("form[data-members-form]")
    await members.locator("select[name=cluster]").select_option(BLOCK)
    for code in DEPARTMENTS:
        await members.locator(f"#m-{code}").check()
    await members.locator("input[name=lead]").fill(LEAD)
    await members.locator("input[name=deputy]").fill(DEPUTY)
    await members.get_by_role("button", name="Lưu").click()
    await expect(office.locator(FLASH)).to_contain_text("Đã lưu thành viên")
    await expect(office.locator(f"tr[data-cluster={BLOCK}]")).to_contain_text("Sở Tài chính")
    period = (await system.registry.client.get(f"/v1/clusters/{BLOCK}/periods/{YEAR}")).json()
    assert period["organiser"] == ORGANISER and period["lead"]["code"] == LEAD and len(period["members"]) == 4

    # ---- the lead publishes the covenant in its workspace
    lead = await pages.new(user=f"unit-{LEAD.lower()}")
    await lead.goto(f"/lead/{BLOCK}/{YEAR}/covenant")
    for i, (code, title, points) in enumerate((("NV", "Thực hiện nhiệm vụ chính trị", "70"),
                                                ("CCHC", "Cải cách hành chính, chuyển đổi số", "30"))):
        await lead.locator(f"#f-code_{i}").fill(code)
        await lead.locator(f"#f-title_{i}").fill(title)
        await lead.locator(f"#f-group_{i}").fill("I")
        await lead.locator(f"#f-max_{i}").fill(points)
    await lead.get_by_role("button", name="Ban hành").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã ban hành")

    # ---- every member signs it and scores itself (their own pages are the member tests' part)
    for i, code in enumerate(DEPARTMENTS):
        auth = unit_auth(system, code)
        r = await nom.post(f"{BASE}/covenant/signatures", headers=auth,
                           json={"signer_name": f"Giám đốc {i + 1}", "signer_position": f"Giám đốc {DEPARTMENTS[code]}"})
        assert r.status_code == 201, r.text
        r = await nom.put(f"{BASE}/scores/{code}", headers=auth, json={"scores": {"NV": 60 + i, "CCHC": 25 + i}})
        assert r.status_code == 200, r.text
        assert (await nom.post(f"{BASE}/scores/{code}/submit", headers=auth)).status_code == 200
    await office.goto(f"/office?year={YEAR}")
    await expect(office.locator(f"tr[data-cluster={BLOCK}]")).to_contain_text("4/4")

    # ---- the flag vote: the lead opens it, the members vote on their phones, the lead closes and certifies
    await lead.goto(f"/lead/{BLOCK}/{YEAR}/rounds/new")
    await lead.get_by_label("Hình thức khen thưởng").select_option("ministry_flag")
    await lead.get_by_label("Số đơn vị được đề nghị").fill("1")
    await lead.get_by_role("button", name="Tạo cuộc bỏ phiếu").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã tạo cuộc bỏ phiếu")
    round_id = lead.url.rstrip("/").rsplit("/", 1)[-1]
    await lead.get_by_role("button", name="Mở bỏ phiếu").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã mở bỏ phiếu")
    for code in ("QN-SNV", "QN-SYT", "QN-SGDDT"):
        member = await pages.new(user=f"unit-{code.lower()}", phone=True)
        await vote(member, round_id, "Sở Tài chính")
    await expect(lead.locator("#turnout [data-field=ballots_cast]")).to_have_text("3")
    await lead.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    await lead.get_by_role("button", name="Xác nhận kết thúc").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã kết thúc")
    await lead.get_by_role("button", name="Chứng nhận kết quả").click()
    await lead.get_by_role("button", name="Xác nhận chứng nhận").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã chứng nhận")

    # ---- the ministry's national view reads the province's year and decides nothing of it
    ministry = await pages.new(user="ministry")
    await ministry.goto(f"/office?organiser={ORGANISER}&year={YEAR}")
    await expect(ministry.locator("main")).to_contain_text("Chỉ xem")
    await expect(ministry.locator(f"tr[data-cluster={BLOCK}]")).to_contain_text("4/4")
    await ministry.goto(f"/office?year={YEAR}")  # its own organiser's first, every organiser to choose from
    await expect(ministry.locator("tr[data-cluster=NOIVU-BAC]")).to_be_visible()
    await expect(ministry.locator(f"select[name=organiser] option[value={ORGANISER}]")).to_have_count(1)
    await expect(ministry.locator(f"[data-nationwide] tr[data-organiser={ORGANISER}] td").nth(1)).to_have_text("1")
    await expect(ministry.locator("[data-nationwide] tr[data-organiser=BNV]")).to_be_visible()
    await ministry.goto(f"/lead/rounds/{round_id}")
    await expect(ministry.locator("main")).to_contain_text("Sở Tài chính")
    await expect(ministry.locator(f"form[action='/ministry/rounds/{round_id}/approve']")).to_have_count(0)

    # ---- the office approves the vote from its year
    await office.goto(f"/office?year={YEAR}")
    await office.locator(f"tr[data-cluster={BLOCK}] a[href='/lead/rounds/{round_id}']").click()
    await office.get_by_role("button", name="Phê duyệt", exact=True).click()
    await expect(office.locator(FLASH)).to_contain_text("Đã phê duyệt đề nghị")

    # ---- a member proposes a collective for the chairman's certificate of merit
    syt = await pages.new(user="unit-qn-syt")
    await syt.goto("/commendations")
    await syt.get_by_label("Cụm thi đua, năm").select_option(f"{BLOCK}/{YEAR}")
    await syt.get_by_label("Hình thức khen thưởng").select_option("ubnd_22_chairman_certificate")
    await syt.get_by_role("button", name="Lập đề nghị").click()
    await expect(syt.locator(FLASH)).to_have_text("Đã lập đề nghị.")
    await syt.get_by_label("Đối tượng").select_option("collective")
    await syt.get_by_label("Tên tập thể / Họ và tên").fill("Phòng Nghiệp vụ Y, Sở Y tế")
    await syt.get_by_label("Tóm tắt thành tích").fill("Hoàn thành xuất sắc nhiệm vụ năm 2025 (dữ liệu thử).")
    await syt.get_by_role("button", name="Thêm tập thể, cá nhân").click()
    await expect(syt.locator(FLASH)).to_have_text("Đã thêm vào đề nghị.")
    await syt.get_by_role("button", name="Gửi Trưởng cụm").click()
    await expect(syt.locator("[data-proposal-state]")).to_have_text("Đã gửi Trưởng cụm")

    # ---- the lead accepts and sends its block's list to the office
    await lead.goto(f"/commendations/lists/{BLOCK}/{YEAR}")
    await lead.locator("tr[data-nominee='Phòng Nghiệp vụ Y, Sở Y tế']").get_by_role("button", name="Chấp nhận").click()
    await expect(lead.locator("tr[data-nominee='Phòng Nghiệp vụ Y, Sở Y tế']")).to_contain_text("chấp nhận")
    await lead.get_by_role("button", name="Trình Ủy ban nhân dân tỉnh Quảng Ninh").click()
    await expect(lead.locator(FLASH)).to_have_text("Đã trình Ủy ban nhân dân tỉnh Quảng Ninh 2 tập thể, cá nhân.")

    # ---- the office approves both and issues its decision, numbered and signed by its own rules
    await office.goto("/ministry/commendations")
    for name in ("Sở Tài chính", "Phòng Nghiệp vụ Y, Sở Y tế"):
        await office.locator(f"tr[data-nominee='{name}']").get_by_role("button", name="Đồng ý", exact=True).click()
        await expect(office.locator(f"tr[data-nominee='{name}']")).to_have_count(0)
    await expect(office.get_by_label("Chức danh người ký")).to_have_value("CHỦ TỊCH")
    await office.get_by_label("Số, ký hiệu").fill("21/QĐ-UBND")
    await office.get_by_label("Năm").fill(str(YEAR))
    await office.get_by_label("Ngày ký").fill("15/01/2026")
    await office.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Mẫu")
    await office.get_by_role("button", name="Lập dự thảo quyết định").click()
    await expect(office.locator("h1")).to_have_text("Quyết định số 21/QĐ-UBND")
    await office.get_by_role("button", name="Ban hành quyết định").click()
    await office.get_by_role("button", name="Xác nhận ban hành").click()
    await expect(office.locator("[data-decision-state]")).to_have_text("Đã ban hành")
    printed = await office.request.get(f"{system.url}/decisions/"
                                       f"{office.url.rstrip('/').rsplit('/', 1)[-1]}/print")
    assert printed.ok

    # ---- the register finds it; the office's year lists it
    visitor = await pages.new()
    await visitor.goto("/awards")
    await visitor.get_by_label("Tên tập thể, cá nhân").fill("phong nghiep vu y")
    await visitor.get_by_role("button", name="Tìm kiếm").click()
    await expect(visitor.locator("tr[data-award]").first).to_contain_text("21/QĐ-UBND")
    await office.goto(f"/office?year={YEAR}")
    await expect(office.locator("main")).to_contain_text("21/QĐ-UBND")
    found = (await nom.get("/v1/awards", params={"number": "21/QĐ-UBND"})).json()["items"]
    assert {(a["name"], a["form_name"]) for a in found} == {
        ("Sở Tài chính", "Cờ thi đua của UBND tỉnh Quảng Ninh"),
        ("Phòng Nghiệp vụ Y, Sở Y tế", "Bằng khen của Chủ tịch UBND tỉnh Quảng Ninh")}
    assert re.search(r"UBND", found[0]["decision_number"])


async def test_the_office_renames_merges_and_gives_accounts(pages: Pages, system: System) -> None:
    office = await pages.new(user="qn-office")
    await office.goto("/office/units")
    row = office.locator("tr[data-unit=QN-SYT]")
    await row.locator("summary", has_text="Đổi tên").click()
    await row.locator("form[action$='/rename'] input[name=name]").fill("Sở Y tế và An sinh")
    await row.locator("form[action$='/rename'] input[name=effective_date]").fill("2026-03-01")
    await row.locator("form[action$='/rename'] input[name=reason]").fill("Quyết định 2/QĐ-UBND (dữ liệu thử)")
    await row.locator("form[action$='/rename'] button").click()
    await expect(office.locator("main > [role=status]")).to_contain_text("Đã đổi tên đơn vị")
    merger = office.locator("form[action='/office/units-merger']")
    for code in ("QN-STC", "QN-SGDDT"):
        await merger.locator(f"#s-{code}").check()
    await merger.locator("input[name=successor_code]").fill("QN-STCGD")
    await merger.locator("input[name=successor_name]").fill("Sở Tài chính và Giáo dục (dữ liệu thử)")
    await merger.locator("input[name=effective_date]").fill("2026-04-01")
    await merger.locator("input[name=reason]").fill("Sắp xếp bộ máy (dữ liệu thử)")
    await merger.get_by_role("button", name="Sáp nhập đơn vị").click()
    await expect(office.locator("main > [role=status]")).to_contain_text("Đã ghi nhận sáp nhập")
    registry = system.registry.client
    renamed = (await registry.get("/v1/units/QN-SYT", params={"on": "2026-03-01"})).json()
    assert renamed["name"] == "Sở Y tế và An sinh" and [c["kind"] for c in renamed["changes"]] == ["created", "renamed"]
    old = (await registry.get("/v1/units/QN-STC", params={"on": "2026-03-31"})).json()
    assert old["valid_to"] == "2026-03-31" and old["successor"]["code"] == "QN-STCGD"

    await office.goto("/office/accounts")
    await office.get_by_label("Tên đăng nhập").fill("qn-sgtvt")
    # No password typed by the office: the person is named, and a one-time code is shown once.
    await office.get_by_label("Họ và tên người dùng").fill("Nguyễn Thị Dữ Liệu Mẫu")
    await office.get_by_label("Chức vụ").fill("Chuyên viên")
    await office.locator("#f-role").select_option("unit")
    await office.locator("#f-unit_code").select_option("QN-SNV")
    await office.get_by_role("button", name="Tạo").click()
    code = (await office.locator("[data-setup-code] [data-code]").inner_text()).strip()
    assert code
    await expect(office.locator("tr[data-account=qn-sgtvt]")).to_contain_text("QN-SNV")
    await office.reload()
    await expect(office.locator("[data-setup-code]")).to_have_count(0)
    setup = await system.registry.client.post("/v1/auth/setup", json={
        "username": "qn-sgtvt", "setup_code": code, "new_password": "một mật khẩu dài và khó đoán 2026"})
    assert setup.status_code == 204, setup.text
