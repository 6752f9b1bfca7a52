"""The year of a cluster in a real browser, across separate browser contexts: the ministry, the lead
(Quảng Ninh leads NOIVU-BAC in 2026) and members on a 375 px phone.

covenant → sheets → cross-check → lock → the ranking with its chart → a round opened → the lead's
turnout page and the conference screen change without a reload when a member votes → a paper
ballot → close → a member checks its receipt → certify → minutes → the ministry approves → the
members' inboxes show it without a reload.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.async_api import Page, expect

from tests.console.conftest import (
    CLUSTER,
    Pages,
    System,
    no_horizontal_scroll,
    screenshot,
)
from tests.console.test_documents import check_document_pages, pdf_pages

pytestmark = pytest.mark.asyncio(loop_scope="session")

YEAR = 2026
FLASH = "main > [role=status].notice-ok"   # the message a form leaves for the next page
LEAD = "22"                               # Quảng Ninh, by rotation
MEMBERS = ["22", "31", "33", "37"]        # after the 2025 merger
SCORES = {"22": (57, 38, 2, 0), "31": (58, 36, 4, -1), "33": (52, 35, 0, 0), "37": (48, 30, 1, -2)}


async def api_sheet(system: System, province: str) -> None:
    """A member's self-assessment through the API (its own sheet page is the member pages' part)."""
    nom, auth = system.nominations.client, system.auth("province", province)
    cm, cchc, sk, kl = SCORES[province]
    r = await nom.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR}/scores/{province}", headers=auth,
                      json={"scores": {"CM": cm, "CCHC": cchc, "SK": sk, "KL": kl}})
    assert r.status_code == 200, r.text
    r = await nom.post(f"/v1/clusters/{CLUSTER}/periods/{YEAR}/scores/{province}/submit", headers=auth)
    assert r.status_code == 200, r.text


async def vote(page: Page, round_id: str, choice: str) -> str:
    """A member casts its ballot on its phone; the receipt's commitment."""
    await page.goto(f"/ballots/{round_id}")
    await page.locator("ul.choices label", has_text=choice).click()
    await page.get_by_role("button", name="Tiếp tục").click()
    await page.get_by_role("button", name="Xác nhận và gửi phiếu").click()
    await expect(page.locator("h1")).to_have_text("Biên nhận phiếu bầu")
    return await page.locator("[data-receipt-commitment]").inner_text()


async def mark_page(page: Page) -> None:
    """A flag that a reload would wipe: proves a change arrived without one."""
    await page.evaluate("() => { window.__noReload = 'still here'; }")


async def not_reloaded(page: Page) -> None:
    assert await page.evaluate("() => window.__noReload") == "still here"


async def test_the_year_of_a_cluster(pages: Pages, system: System, worker: Any) -> None:
    lead = await pages.new(user=f"province-{LEAD}")
    await lead.goto("/tasks")
    await expect(lead.locator(".who")).to_have_text("Phạm Văn Hải · Quảng Ninh")   # a person and a unit, no code
    # the lead's new director names herself: the minutes she certifies print her name and position
    await lead.locator(".who").click()
    await lead.get_by_label("Họ và tên người dùng").fill("Phạm Thị Hồng")
    await lead.get_by_label("Chức vụ").fill("Giám đốc Sở Nội vụ tỉnh Quảng Ninh")
    await lead.get_by_role("button", name="Lưu").click()
    await expect(lead.locator(".who")).to_have_text("Phạm Thị Hồng · Quảng Ninh")

    # ---- the covenant: drafted, then published by the lead
    await lead.goto("/lead")
    await lead.get_by_role("link", name=re.compile(f"{YEAR}")).click()
    await expect(lead.locator("h1")).to_contain_text("Cụm thi đua")
    await lead.get_by_role("link", name="Soạn giao ước").click()
    # each field names its row for a screen reader; a row is added without saving anything
    await expect(lead.get_by_label("Mã tiêu chí dòng 3", exact=True)).to_have_count(1)
    # last year's covenant can be copied into the editor (nothing saved until the lead says so)
    await lead.get_by_role("button", name=re.compile("Chép giao ước năm 2025")).click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã chép")
    await expect(lead.locator("#f-code_0")).not_to_have_value("")
    await lead.reload()                                                      # not kept: the lead starts afresh
    await expect(lead.locator("#f-code_0")).to_have_value("")
    await lead.locator("#f-code_0").fill("CM")
    await lead.get_by_role("button", name="Thêm một dòng").click()
    await expect(lead.get_by_label("Mã tiêu chí dòng 4", exact=True)).to_have_value("")
    await expect(lead.locator("#f-code_0")).to_have_value("CM")             # what was typed is kept
    await expect(lead.get_by_label("Loại tiêu chí dòng 4", exact=True)).to_have_count(1)
    rows = [("CM", "Thực hiện nhiệm vụ chuyên môn", "I", "60", "regular"),
            ("CCHC", "Cải cách hành chính", "I", "40", "regular"),
            ("SK", "Sáng kiến", "II", "5", "bonus")]
    for i, (code, title, group, points, kind) in enumerate(rows):
        await lead.locator(f"#f-code_{i}").fill(code)
        await lead.locator(f"#f-title_{i}").fill(title)
        await lead.locator(f"#f-group_{i}").fill(group)
        await lead.locator(f"#f-max_{i}").fill(points)
        await lead.locator(f"#f-kind_{i}").select_option(kind)
    # a bad maximum is refused beside its field, nothing is lost
    await lead.locator("#f-max_2").fill("năm")
    await lead.get_by_role("button", name="Lưu bản nháp").click()
    await expect(lead.locator("#err-max_2")).to_be_visible()
    await expect(lead.locator("#f-title_1")).to_have_value("Cải cách hành chính")
    await lead.locator("#f-max_2").fill("5")
    await lead.get_by_role("button", name="Lưu bản nháp").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã lưu bản nháp")
    # one more row before publishing: a penalty
    await lead.locator("#f-code_3").fill("KL")
    await lead.locator("#f-title_3").fill("Vi phạm kỷ luật")
    await lead.locator("#f-max_3").fill("10")
    await lead.locator("#f-kind_3").select_option("penalty")
    await lead.get_by_role("button", name="Ban hành").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã ban hành")
    await expect(lead.locator("main")).to_contain_text("Đã ban hành")
    await screenshot(lead, "lead-covenant-desktop")

    # ---- the sheets: Hải Phòng on its phone, the other members through the API
    haiphong = await pages.new(user="province-31", phone=True)
    await haiphong.goto(f"/sheets/{CLUSTER}/{YEAR}")
    for code, points in zip(("CM", "CCHC", "SK", "KL"), ("58", "36", "4", "-1")):
        await haiphong.locator(f"#f-score-{code}").fill(points)
    await haiphong.get_by_role("button", name="Lưu và gửi trưởng cụm").click()
    await expect(haiphong.locator("h1")).to_have_text("Gửi bảng điểm cho trưởng cụm?")
    await screenshot(haiphong, "sheet-submit-confirm-phone")
    await haiphong.get_by_role("button", name="Gửi bảng điểm").click()
    await expect(haiphong.locator(".notice-ok")).to_contain_text("Đã gửi bảng điểm")
    for province in MEMBERS:
        if province != "31":
            await api_sheet(system, province)

    # ---- the ministry sees the year at a glance and recomputes the rankings, watching the job
    ministry = await pages.new(user="ministry")
    await ministry.goto(f"/ministry?year={YEAR}")
    glance = ministry.locator("table.glance tr", has_text=CLUSTER)
    await expect(glance).to_contain_text("Quảng Ninh / Ninh Bình")
    await expect(glance).to_contain_text("Đã ban hành")
    await ministry.get_by_role("button", name="Tính lại xếp hạng").click()
    # The job page: whether it still waits or already shows the new ranking depends on how fast
    # the worker is; only its end (what the user sees) is asserted, below.
    await expect(ministry.locator("h1")).to_have_text(f"Tính lại xếp hạng năm {YEAR}")
    job_done = ministry.locator("[data-job] [data-done]")
    await mark_page(ministry)

    # ---- the lead cross-checks Hải Phòng's sheet, side by side
    await lead.get_by_role("link", name="Bảng chấm điểm").click()
    table = lead.locator("table.sheets")
    await expect(table).to_contain_text("Hải Phòng")
    # its own sheet is the deputy's to cross-check: the lead reads it, with no form
    await table.get_by_role("link", name="Quảng Ninh").click()
    await expect(lead.locator("[data-own-sheet]")).to_contain_text("Phó cụm")
    await expect(lead.get_by_role("button", name="Lưu kết quả thẩm định")).to_have_count(0)
    await lead.go_back()
    await table.get_by_role("link", name="Hải Phòng").click()
    await lead.get_by_label("Điểm thẩm định").first.fill("56,5")
    await lead.get_by_role("button", name="Lưu kết quả thẩm định").click()
    await expect(lead.locator("#err-reason_CM")).to_be_visible()           # a reason is required
    await lead.locator("#f-reason_CM").fill("Thiếu minh chứng cho 1,5 điểm")
    await lead.get_by_role("button", name="Lưu kết quả thẩm định").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã lưu kết quả thẩm định")
    await expect(lead.locator("table.sheets .adjusted").first).to_have_text("56,5")
    await expect(lead.locator("table.sheets")).to_contain_text("Thiếu minh chứng cho 1,5 điểm")
    await lead.get_by_role("button", name="Khoá các bảng điểm").click()
    await expect(lead.locator("h1")).to_have_text("Khoá các bảng điểm?")
    await expect(lead.locator("[data-confirm-warning]")).to_have_count(0)      # every member has submitted
    await lead.get_by_role("button", name="Xác nhận khoá").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã khoá")
    await screenshot(lead, "lead-sheets-desktop")

    # the ministry's job page saw a new ranking by itself (the worker ranks the changed year)
    await expect(job_done).to_be_visible(timeout=90_000)
    await expect(job_done).to_contain_text("Đã tính xong.")
    await expect(ministry.locator("[data-job] [data-waiting]")).to_be_hidden()
    await not_reloaded(ministry)

    # ---- the ranking with its chart (the worker's debounced run may not have happened yet)
    r = await system.nominations.client.post(f"/v1/rankings/{YEAR}/recompute", params={"inline": "true"},
                                             headers=system.auth("ministry"))
    assert r.status_code == 200, r.text
    await lead.locator("nav.tabs").get_by_role("link", name="Xếp hạng").click()
    await expect(lead.locator("h1")).to_contain_text(f"Xếp hạng năm {YEAR}")
    chart = lead.locator("figure.chart-box svg")
    await expect(chart.locator("rect")).to_have_count(4)
    await expect(chart).to_contain_text("Hải Phòng")
    first = lead.locator("table.ranking tbody tr").first
    await expect(first).to_contain_text("Quảng Ninh")   # 97 against Hải Phòng's 95,5 after the cross-check
    async with lead.expect_download() as download_info:
        await lead.get_by_role("link", name=re.compile("Excel")).click()
    download = await download_info.value
    workbook = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
    sheet = workbook.active
    assert sheet["C4"].value == "Quảng Ninh" and sheet["A4"].value == 1
    await screenshot(lead, "ranking-desktop")

    # ---- a round: created and opened by the lead
    await lead.goto(f"/lead/{CLUSTER}/{YEAR}/rounds/new")
    await lead.get_by_label("Hình thức khen thưởng").select_option("ministry_flag")
    await lead.get_by_label("Số đơn vị được đề nghị").fill("1")
    await lead.get_by_role("button", name="Tạo cuộc bỏ phiếu").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã tạo cuộc bỏ phiếu")
    round_id = lead.url.rstrip("/").rsplit("/", 1)[-1]
    await lead.get_by_role("button", name="Mở bỏ phiếu").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã mở bỏ phiếu")
    count = lead.locator("#turnout [data-field=ballots_cast]")
    await expect(count).to_have_text("0")

    # the conference screen, on the projector (another tab of the lead's browser)
    screen = await lead.context.new_page()
    await screen.goto(f"/conference/{round_id}")
    await expect(screen.locator("svg.qr")).to_be_visible()
    await expect(screen.locator(".screen-url")).to_contain_text(f"/ballots/{round_id}")
    screen_count = screen.locator("[data-field=ballots_cast]")
    await expect(screen_count).to_have_text("0")
    await mark_page(lead)
    await mark_page(screen)

    # ---- a member votes on its phone → the turnout page and the screen change by themselves
    commitment = await vote(haiphong, round_id, "Quảng Ninh")
    # Back after voting: no "Confirm Form Resubmission", the ballot's page says it is done
    await haiphong.go_back()
    await expect(haiphong.locator("main")).to_contain_text("Đơn vị đã bỏ phiếu trong đợt này")
    await expect(haiphong.get_by_role("link", name="Kiểm tra biên nhận")).to_be_visible()
    await expect(count).to_have_text("1")
    await expect(screen_count).to_have_text("1")
    await expect(lead.locator("#turnout li[data-code='31']")).to_have_class("voted")
    await not_reloaded(lead)
    await not_reloaded(screen)
    await screenshot(screen, "conference-open-desktop")

    phone_lead = await pages.new(user=f"province-{LEAD}", phone=True)
    await phone_lead.goto(f"/lead/rounds/{round_id}")
    await expect(phone_lead.locator("#turnout [data-field=ballots_cast]")).to_have_text("1")
    await no_horizontal_scroll(phone_lead)
    await screenshot(phone_lead, "lead-turnout-phone")

    # ---- an absent member's written ballot, entered by the lead
    await lead.get_by_label("Thành viên vắng mặt").select_option("37")
    await lead.get_by_label("Số văn bản").fill("125/SNV-TĐKT")
    await lead.locator("form[action$='/paper'] input[name=choices][value='22']").check()
    await lead.get_by_role("button", name="Ghi nhận phiếu").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã ghi nhận phiếu bầu bằng văn bản")
    await expect(lead.locator("#turnout")).to_contain_text("125/SNV-TĐKT")
    await expect(screen_count).to_have_text("2")
    # ---- Ninh Bình reads the notice on its phone, follows its link and disputes the paper ballot
    ninhbinh = await pages.new(user="province-37", phone=True)
    await ninhbinh.goto("/inbox")
    notice = ninhbinh.locator("ul.notes li", has_text="Phiếu bằng văn bản được nhập thay đơn vị")
    await expect(notice.first).to_be_visible(timeout=60_000)
    await notice.first.locator("a.note-open").click()
    await expect(ninhbinh.locator("#dispute")).to_contain_text("125/SNV-TĐKT")
    await ninhbinh.get_by_label("Lý do khiếu nại").fill("Sở Nội vụ chưa gửi văn bản số 125.")
    await ninhbinh.get_by_role("button", name="Khiếu nại phiếu này").click()
    await expect(ninhbinh.locator(".notice-ok")).to_contain_text("Đã gửi khiếu nại")
    await expect(ninhbinh.locator("[data-dispute-waiting]")).to_be_visible()
    await no_horizontal_scroll(ninhbinh)
    await screenshot(ninhbinh, "dispute-phone")

    # Closing now would fail the quorum (2 of 4, 2/3 needs 3): the confirmation step says so first.
    await lead.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    await expect(lead.locator("[data-confirm-warning]")).to_contain_text("Chưa đủ túc số: mới có 2 phiếu, cần 3")
    await screenshot(lead, "round-close-confirm-desktop")
    await lead.get_by_role("link", name="Quay lại, chưa thực hiện").click()
    await expect(lead.locator("#turnout [data-field=ballots_cast]")).to_have_text("2")
    hungyen = await pages.new(user="province-33", phone=True)
    await vote(hungyen, round_id, "Hải Phòng")
    await expect(lead.locator("#turnout [data-field=ballots_cast]")).to_have_text("3")
    await screenshot(lead, "lead-turnout-desktop")

    # ---- close: the result with each candidate's rank; the screen shows it with its chart
    await lead.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    await expect(lead.locator("main")).to_contain_text("Đã nhận 3/4 phiếu")
    await expect(lead.locator("[data-confirm-warning]")).to_have_count(0)
    await lead.get_by_role("button", name="Xác nhận kết thúc").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã kết thúc")
    result = lead.locator("table.result")
    await expect(result.locator("tr.proposed")).to_contain_text("Quảng Ninh")
    await expect(result.locator("tbody tr").first.locator("td").first).to_have_text("1")
    await expect(screen.locator(".screen-result svg.chart")).to_be_visible()
    await expect(screen.locator(".screen-proposed")).to_contain_text("Quảng Ninh")
    await screenshot(screen, "conference-result-desktop")

    # ---- a member checks its receipt on its phone: counted, as cast
    await haiphong.goto("/receipts")
    await haiphong.get_by_label("Đợt bỏ phiếu").select_option(round_id)
    await haiphong.get_by_label("Mã cam kết").fill(commitment)
    await haiphong.get_by_role("button", name="Kiểm tra").click()
    await expect(haiphong.locator(".result")).to_contain_text("đã được kiểm")
    await expect(haiphong.locator(".result")).to_contain_text("Quảng Ninh")

    # ---- certify, the minutes to print and as PDF
    # a dispute waits for the ministry: the confirmation step says the result cannot be certified yet
    await lead.get_by_role("button", name="Chứng nhận kết quả").click()
    await expect(lead.locator("[data-confirm-warning]")).to_contain_text("chưa thể chứng nhận")
    await lead.get_by_role("link", name="Quay lại, chưa thực hiện").click()

    # ---- the ministry rules on the dispute from the round's page
    await ministry.goto(f"/lead/rounds/{round_id}")
    await ministry.get_by_role("link", name="Xem và kết luận khiếu nại").click()
    await expect(ministry.locator("[data-dispute='37']")).to_contain_text("Sở Nội vụ chưa gửi văn bản số 125.")
    await ministry.get_by_label("Phiếu được giữ nguyên").check()
    await ministry.get_by_label("Căn cứ, ghi chú").fill("Văn bản số 125/SNV-TĐKT có trong hồ sơ, ký đúng thẩm quyền.")
    await screenshot(ministry, "dispute-ruling-desktop")
    await ministry.get_by_role("button", name="Ghi kết luận").click()
    await expect(ministry.locator(FLASH)).to_contain_text("Đã kết luận: phiếu được giữ nguyên")
    await expect(ministry.locator("[data-dispute='37'] [data-ruling]")).to_be_visible()

    await lead.get_by_role("button", name="Chứng nhận kết quả").click()
    await expect(lead.locator("main")).to_contain_text("đề nghị Quảng Ninh")
    await lead.get_by_role("button", name="Xác nhận chứng nhận").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã chứng nhận")
    async with lead.expect_download() as pdf_info:
        await lead.get_by_role("link", name="Tải biên bản PDF").click()
    pdf = Path(await (await pdf_info.value).path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    sheets = pdf_pages(pdf)                    # the pages as printed: motto on one line, no stray line
    check_document_pages(sheets, footer="Trang")
    printed = "\n".join(ln for page in sheets for ln in page)
    assert "Phạm Thị Hồng" in printed and "Giám đốc Sở Nội vụ tỉnh Quảng Ninh" in printed
    assert re.search(r"Quảng Ninh, ngày \d{2} tháng \d{2} năm \d{4}", printed)
    # a member reads the result and the minutes from its ballot's page
    await hungyen.goto(f"/ballots/{round_id}")
    await expect(hungyen.locator("[data-round-outcome]")).to_contain_text("Quảng Ninh")
    await hungyen.get_by_role("link", name="Đọc biên bản kiểm phiếu").click()
    await expect(hungyen.locator("body")).to_contain_text("BIÊN BẢN KIỂM PHIẾU")
    await expect(hungyen.locator("body")).not_to_contain_text("province-")
    minutes = await lead.context.new_page()
    await minutes.goto(f"/lead/rounds/{round_id}/minutes")
    await expect(minutes.locator("body")).to_contain_text("125/SNV-TĐKT")
    await expect(minutes.locator("body")).to_contain_text("Quảng Ninh")
    await screenshot(minutes, "minutes-desktop")

    # ---- a member cannot reach the lead's pages
    response = await hungyen.goto(f"/lead/rounds/{round_id}")
    assert response is not None and response.status == 403
    response = await hungyen.goto(f"/lead/{CLUSTER}/{YEAR}/sheets")
    assert response is not None and response.status == 403

    # the members watch their inboxes (open before the decision)
    for inbox in (haiphong, hungyen):
        await inbox.goto("/inbox")
        await mark_page(inbox)

    # ---- the ministry approves from the year at a glance
    await ministry.goto(f"/ministry?year={YEAR}")
    await expect(ministry.locator("table.glance tr", has_text=CLUSTER)).to_contain_text("nộp 4/4 · thẩm định 1 · khoá 4")
    await screenshot(ministry, "ministry-year-desktop")
    await ministry.locator("ul.rounds").get_by_role("link", name=re.compile(CLUSTER)).click()
    await ministry.get_by_role("button", name="Trả lại").click()            # a reason is required to return
    await expect(ministry.locator("main > [role=status]")).to_contain_text("Cần ghi lý do trả lại")
    await ministry.get_by_role("button", name="Phê duyệt", exact=True).click()
    await expect(ministry.locator(FLASH)).to_contain_text("Đã phê duyệt đề nghị")
    await expect(ministry.locator("main")).to_contain_text("Bộ Nội vụ đã phê duyệt")
    await screenshot(ministry, "ministry-round-approved-desktop")

    # ---- the members' inboxes show it without a reload
    for inbox in (haiphong, hungyen):
        await expect(inbox.locator("ul.notes")).to_contain_text("Bộ Nội vụ đã phê duyệt", timeout=60_000)
        await not_reloaded(inbox)
    await no_horizontal_scroll(hungyen)
    await screenshot(hungyen, "story-inbox-phone")
    # every notice links to the page where its reader acts: here, the round's outcome
    await hungyen.locator("ul.notes li", has_text="Bộ Nội vụ đã phê duyệt").first.locator("a.note-open").click()
    await expect(hungyen).to_have_url(re.compile(f"/ballots/{round_id}$"))
    await expect(hungyen.locator("main")).to_contain_text("Quảng Ninh")
