"""A province's emulation office in a real browser, with no ministry account: its year (the demo's
block of departments and cluster of communes), its award forms and its QĐ-UBND decision; a unit
added, renamed, merged and dissolved with its history; a unit's account lands on the same to-do
home as a province's; the ministry's national view shows the province's office read-only."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status]"


async def test_a_province_office_runs_its_units_and_sees_its_year(pages: Pages, system: System) -> None:
    page = await pages.new(user="qn-office")
    await expect(page).to_have_url(f"{system.url}/office")
    await page.goto("/office?year=2024")
    await expect(page.locator("h1")).to_contain_text("Ủy ban nhân dân tỉnh Quảng Ninh")
    await expect(page.locator("tr[data-cluster=QN-KHOI-SO]")).to_contain_text("Sở Nội vụ")
    await expect(page.locator("tr[data-cluster=QN-CUM-XA]")).to_contain_text("Đã ký kết")
    await expect(page.locator("main")).to_contain_text("Cờ thi đua của UBND tỉnh Quảng Ninh")
    await expect(page.locator("main")).to_contain_text("15/QĐ-UBND")
    # No ministry cluster in a province's office.
    await expect(page.locator("tr[data-cluster=NOIVU-BAC]")).to_have_count(0)

    await page.goto("/office/units")
    await page.get_by_label("Mã", exact=True).fill("QN-SXD")
    await page.get_by_label("Tên", exact=True).fill("Sở Xây dựng")
    await page.get_by_role("button", name="Tạo", exact=True).click()
    await expect(page.locator(FLASH)).to_contain_text("Đã thêm đơn vị")
    await expect(page.locator("tr[data-unit=QN-SXD]")).to_contain_text("Sở Xây dựng")
    units = (await system.registry.client.get("/v1/units", params={"organiser": "UBND-22"})).json()["items"]
    assert "QN-SXD" in {u["code"] for u in units}
    row = page.locator("tr[data-unit=QN-SXD]")
    await row.locator("summary", has_text="Giải thể").click()
    await row.locator("form[action$='/dissolve'] input[name=effective_date]").fill("2026-01-01")
    await row.locator("form[action$='/dissolve'] input[name=reason]").fill("Quyết định 1/QĐ-UBND (dữ liệu mẫu)")
    await row.locator("form[action$='/dissolve'] button").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã ghi nhận giải thể")
    detail = (await system.registry.client.get("/v1/units/QN-SXD", params={"on": "2025-12-31"})).json()
    assert detail["valid_to"] == "2025-12-31" and [c["kind"] for c in detail["changes"]] == ["created", "dissolved"]


async def test_a_unit_account_has_a_provinces_home(pages: Pages, system: System) -> None:
    page = await pages.new(user="unit-qn-snv")
    await expect(page).to_have_url(f"{system.url}/tasks")
    await expect(page.locator("h1")).to_be_visible()


async def test_the_ministry_reads_a_province_office(pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry")
    await page.goto("/office?organiser=UBND-22&year=2024")
    await expect(page.locator("main")).to_contain_text("Chỉ xem")
    await expect(page.locator("tr[data-cluster=QN-KHOI-SO]")).to_be_visible()
    await expect(page.locator("form[action='/office/clusters']")).to_have_count(0)
