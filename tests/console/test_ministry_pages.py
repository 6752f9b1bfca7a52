"""The ministry's pages in a real browser: a new khối, its members picked from the units in force
on the reference date, the next year copied with the 2025 merger shown, the leadership decided by
election and by rotation, the failed deliveries."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status]"


async def test_the_ministry_sets_up_a_cluster_across_the_merger(pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry")
    await page.goto("/ministry?year=2025")
    await page.get_by_role("link", name="Tạo cụm, khối mới").click()
    await page.get_by_label("Mã cụm, khối").fill("KHOI-BIEN")
    await page.get_by_role("radio", name="Khối").check()
    await page.get_by_role("button", name="Tạo", exact=True).click()
    await expect(page.locator("#err-name")).to_be_visible()           # the API's refusal, beside the field
    await expect(page.get_by_label("Mã cụm, khối")).to_have_value("KHOI-BIEN")
    await page.get_by_label("Tên", exact=True).fill("Khối thi đua các tỉnh ven biển")
    await page.get_by_role("button", name="Tạo", exact=True).click()
    await expect(page.locator(FLASH)).to_contain_text("Đã tạo cụm, khối")
    # the year at a glance lists the new cluster before it has members, with a link to pick them
    await page.goto("/ministry?year=2025")
    await expect(page.locator("table.glance tr", has_text="KHOI-BIEN").locator("[data-no-period]")).to_contain_text(
        "chưa có thành viên năm 2025")
    await page.locator("table.glance tr", has_text="KHOI-BIEN").locator("[data-no-period]").click()

    # 2025: members picked among the units in force on 1 January 2025
    await expect(page.locator("[data-year-switch] [aria-current=page]")).to_have_text("2025")
    await expect(page.locator("fieldset legend")).to_contain_text("01/01/2025")
    for name in ("Hải Dương", "Thái Bình", "Quảng Ninh"):
        await page.locator("ul.units label", has_text=name).click()
    await page.get_by_role("button", name="Lưu thành viên").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã lưu thành viên năm 2025")
    # a new cluster has no lead last year: rotation is not offered, the election is
    await expect(page.locator("[data-no-rotation]")).to_contain_text("năm 2024 chưa có trưởng cụm")
    await expect(page.get_by_role("button", name="Quyết định theo luân phiên")).to_have_count(0)
    await page.get_by_label("Trưởng cụm").select_option("30")
    await page.get_by_label("Phó cụm").select_option("30")
    await page.get_by_role("button", name="Quyết định theo kết quả bầu").click()
    await expect(page.locator(".notice-error")).to_be_visible()       # lead and deputy must differ
    await page.get_by_label("Phó cụm").select_option("34")
    await page.get_by_role("button", name="Quyết định theo kết quả bầu").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã quyết định")
    row = page.locator("table.glance tr", has_text="KHOI-BIEN")
    await expect(row).to_contain_text("Hải Dương / Thái Bình")

    # 2026: copy from 2025, the merger shown before copying; reached with the year switch
    await page.goto("/ministry/clusters/KHOI-BIEN/periods/2025")
    await page.locator("[data-year-switch]").get_by_role("link", name="2026").click()
    preview = page.locator("table.preview")
    await expect(preview.locator("tr", has_text="Hải Dương")).to_contain_text("Hải Phòng")
    await expect(preview.locator("tr", has_text="Thái Bình")).to_contain_text("Hưng Yên")
    await expect(preview.locator("tr.changed")).to_have_count(2)
    await screenshot(page, "ministry-period-copy-desktop")
    await page.get_by_role("button", name="Sao chép thành viên năm 2025").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã lưu thành viên năm 2026")
    await expect(page.locator("ol.members")).to_contain_text("Hải Phòng")
    await page.get_by_role("button", name="Quyết định theo luân phiên").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã quyết định")
    period = (await system.registry.client.get("/v1/clusters/KHOI-BIEN/periods/2026")).json()
    assert {m["code"] for m in period["members"]} == {"22", "31", "33"}
    assert period["lead"] is not None and period["leadership_method"] == "rotation"

    phone = await pages.new(user="ministry", phone=True)
    await phone.goto("/ministry?year=2026")
    await expect(phone.locator("table.glance")).to_contain_text("KHOI-BIEN")
    await no_horizontal_scroll(phone)
    await screenshot(phone, "ministry-year-phone")
    await phone.goto("/ministry/deliveries")
    await expect(phone.locator("h1")).to_have_text("Gửi thông báo thất bại")
    await no_horizontal_scroll(phone)


async def test_the_lead_pages_speak_english_on_the_switch(pages: Pages) -> None:
    page = await pages.new(user="province-30", lang="en", phone=True)
    await page.goto("/lead/NOIVU-BAC/2025/sheets")
    await expect(page.locator("h1")).to_contain_text("2025")
    await expect(page.locator("nav.tabs")).to_contain_text("Score sheets")
    await expect(page.locator("table.sheets")).to_contain_text("Nam Định")
    await no_horizontal_scroll(page)
    await screenshot(page, "lead-sheets-phone-en")
    await page.goto("/rankings/2025?cluster=NOIVU-BAC")
    await expect(page.locator("h1")).to_contain_text("Ranking 2025")
    await expect(page.locator("table.ranking")).to_contain_text("98.5")
    await expect(page.locator("ul.legend")).to_contain_text("Excellent")    # band names in English too
    await expect(page.locator("table.ranking")).not_to_contain_text("Xuất sắc")
    await no_horizontal_scroll(page)
    await screenshot(page, "ranking-phone-en")
