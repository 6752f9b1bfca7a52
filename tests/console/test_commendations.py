"""Commendations in a real browser, across separate browser contexts: a member province drafts a
proposal (an individual, a file) and submits it; the lead accepts and sends the list; the ministry
approves, drafts a decision and issues it; anyone finds the award in the register without
diacritics and downloads the workbook."""
from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.async_api import expect

from tests.console.conftest import (
    CLUSTER,
    Pages,
    System,
    no_horizontal_scroll,
    screenshot,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def test_a_proposal_from_the_province_to_the_register(pages: Pages, system: System, worker: Any) -> None:
    # The province (Nam Định) drafts its proposal for the ministry's emulation fighter title.
    page = await pages.new(user="province-36")
    await page.goto("/commendations")
    await page.get_by_label("Cụm thi đua, năm").select_option(f"{CLUSTER}/2023")   # its cluster-years, by name
    await page.get_by_label("Hình thức khen thưởng").select_option("ministry_emulation_fighter")
    await page.get_by_role("button", name="Lập đề nghị").click()
    await expect(page.locator(FLASH)).to_have_text("Đã lập đề nghị.")
    await page.get_by_label("Tên tập thể / Họ và tên").fill("Lý Thị Thử")
    await page.get_by_label("Chức vụ").fill("Chuyên viên chính")
    await page.get_by_label("Đơn vị công tác").fill("Sở Nội vụ tỉnh Nam Định")
    await page.get_by_label("Ngày sinh (cá nhân)").fill("12/03/1986")
    await page.get_by_label("Tóm tắt thành tích").fill("Ba năm liền Chiến sĩ thi đua cơ sở; sáng kiến số hóa hồ sơ.")
    await page.get_by_role("button", name="Thêm tập thể, cá nhân").click()
    await expect(page.locator(FLASH)).to_have_text("Đã thêm vào đề nghị.")
    # a file named .pdf that is not a PDF is refused with the reason, in Vietnamese, beside the field
    await page.get_by_label("Tệp (PDF, ảnh, văn bản Word/Excel)").set_input_files(
        files=[{"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": b"<html>not a pdf</html>"}])
    await page.get_by_role("button", name="Tải lên").click()
    await expect(page.locator("#err-file")).to_contain_text("tệp đặt tên .pdf nhưng không phải PDF")
    await page.get_by_label("Tệp (PDF, ảnh, văn bản Word/Excel)").set_input_files(
        files=[{"name": "bao-cao-thanh-tich.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    await page.get_by_role("button", name="Tải lên").click()
    await expect(page.locator(FLASH)).to_have_text("Đã đính kèm tệp.")
    await expect(page.get_by_role("link", name="bao-cao-thanh-tich.pdf")).to_be_visible()
    await screenshot(page, "commendation-proposal")
    lead = await pages.new(user="province-34")
    await lead.goto("/inbox")
    notices = lead.locator("ul.notes li", has_text="Nam Định submitted its award proposal")  # its inbox is in English
    before = await notices.count()                                  # the demo's own 2023 proposal
    # the page says why its notices are in English, and where to change that
    await expect(lead.locator("[data-notice-language]")).to_contain_text("được viết bằng tiếng Anh")
    await page.get_by_role("button", name="Gửi Trưởng cụm").click()
    await expect(page.locator("[data-proposal-state]")).to_have_text("Đã gửi Trưởng cụm")

    # The lead (Thái Bình led NOIVU-BAC in 2023) accepts and sends the list.
    # it is told in its inbox, which links to the cluster's list, and from there reads the file
    await expect(notices).to_have_count(before + 1, timeout=60_000)   # live, without a reload
    await notices.first.get_by_role("link").first.click()
    await expect(lead).to_have_url(f"{system.url}/commendations/lists/{CLUSTER}/2023")
    await lead.locator("tr[data-nominee='Lý Thị Thử']").get_by_role("link", name="Lý Thị Thử").click()
    await expect(lead.get_by_role("link", name="bao-cao-thanh-tich.pdf")).to_be_visible()
    await expect(lead.locator("main")).to_contain_text("12/03/1986")           # the nominee's details
    await lead.go_back()
    row = lead.locator("tr[data-nominee='Lý Thị Thử']")
    await row.get_by_role("button", name="Chấp nhận").click()
    await expect(lead.locator(FLASH)).to_contain_text("Đã chấp nhận Lý Thị Thử")
    await expect(lead.locator("tr[data-nominee='Lý Thị Thử']")).to_contain_text("Trưởng cụm đã chấp nhận")
    await lead.get_by_role("button", name="Trình Bộ Nội vụ").click()
    await expect(lead.locator(FLASH)).to_have_text("Đã trình Bộ Nội vụ 1 tập thể, cá nhân.")

    # The ministry approves, drafts the decision and issues it.
    ministry = await pages.new(user="ministry")
    await ministry.goto("/ministry/commendations")
    queued = ministry.locator("tr[data-nominee='Lý Thị Thử']")
    await expect(queued.locator("[data-dossier]")).to_have_attribute("href", re.compile(r"^/commendations/proposals/"))
    await queued.get_by_role("button", name="Đồng ý", exact=True).click()
    await expect(ministry.locator(FLASH)).to_contain_text("Đã đồng ý khen thưởng Lý Thị Thử")
    await ministry.get_by_label("Số, ký hiệu").fill("77/QĐ-BNV")
    await ministry.get_by_label("Năm").fill("2023")
    await ministry.get_by_label("Ngày ký").fill("10/01/2024")
    await ministry.get_by_label("Người ký", exact=True).fill("Trần Văn Mẫu")
    await ministry.get_by_role("button", name="Lập dự thảo quyết định").click()
    await expect(ministry.locator(FLASH)).to_have_text("Đã lập dự thảo quyết định.")
    await expect(ministry.locator("h1")).to_have_text("Quyết định số 77/QĐ-BNV")
    await ministry.get_by_role("button", name="Ban hành quyết định").click()
    await expect(ministry.locator("h1")).to_have_text("Ban hành quyết định?")
    await expect(ministry.locator("main")).to_contain_text("Quyết định số 77/QĐ-BNV ngày 10/01/2024")
    await screenshot(ministry, "decision-issue-confirm-desktop")
    await ministry.get_by_role("button", name="Xác nhận ban hành").click()
    await expect(ministry.locator("[data-decision-state]")).to_have_text("Đã ban hành")
    pdf = await ministry.request.get(await ministry.get_by_role("link", name="Bản in (PDF)").get_attribute("href"))
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF-")

    # Anyone finds it in the register, without diacritics, and takes the workbook.
    visitor = await pages.new(phone=True)
    await visitor.goto("/awards")
    await visitor.get_by_label("Tên tập thể, cá nhân").fill("ly thi thu")
    await visitor.get_by_role("button", name="Tìm kiếm").click()
    await expect(visitor.locator("tr[data-award]")).to_have_count(1)
    await expect(visitor.locator("tr[data-award='Lý Thị Thử']")).to_contain_text("77/QĐ-BNV")
    await no_horizontal_scroll(visitor)
    await screenshot(visitor, "award-register-phone")
    async with visitor.expect_download() as info:
        await visitor.get_by_role("link", name="Tải về Excel (.xlsx)").click()
    download = await info.value
    content = await asyncio.to_thread(Path(await download.path()).read_bytes)
    book = load_workbook(io.BytesIO(content))
    names = [row[3].value for row in book.active.iter_rows(min_row=2)]
    assert names == ["Lý Thị Thử"]
    # The province filter takes a name (Nam Định merged into Ninh Bình in 2025: listed with its end date).
    await visitor.goto("/awards?province=nam dinh")
    await expect(visitor.get_by_label("Tỉnh, thành phố")).to_have_value("36")
    await expect(visitor.locator("#f-province option[value='36']")).to_have_text("Nam Định (đến 30/06/2025)")
    await expect(visitor.locator("tr[data-award]").first).to_be_visible()
    provinces = await visitor.locator("tr[data-award] td:nth-child(5)").all_inner_texts()
    assert provinces and set(provinces) == {"Nam Định"}, provinces
