"""Movements in a real browser: the organiser (Quảng Ninh's People's Committee, through the province's
account) writes a movement in the editor and launches it; a unit registers on a 375 px phone; the
dashboard counts it; anyone searches the "Dân vận khéo" models without diacritics; the roll-up comes
out as .xlsx and the book of typical models as PDF."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def test_a_movement_from_the_editor_to_the_book(pages: Pages, system: System) -> None:
    year = date.today().year
    page = await pages.new(user="province-22")
    await page.goto("/movements/new")
    await page.get_by_label("Tên phong trào").fill("Phong trào thi đua “Về đích nông thôn mới”")
    await page.get_by_label("Tên cơ quan phát động").fill("Ủy ban nhân dân tỉnh Quảng Ninh")
    await page.get_by_label("Hạn đăng ký").fill(f"31/12/{year}")
    await page.get_by_label("Tiêu chí, chỉ tiêu").fill("nha-tam | Xóa nhà tạm, nhà dột nát | 100 %")
    await page.get_by_label("Danh hiệu, hình thức khen thưởng").fill("bang-khen | Bằng khen của Chủ tịch UBND tỉnh")
    await page.get_by_label("Số đơn vị tham gia").fill(
        "22 | Tỉnh Quảng Ninh | province |\n22001 | Phường Hạ Long | commune | 22")
    await page.get_by_role("button", name="Lưu dự thảo").click()
    await expect(page.locator(FLASH)).to_have_text("Đã lưu dự thảo phong trào.")
    await page.get_by_label("Số, ký hiệu văn bản").fill("99/KH-UBND")
    await page.get_by_label("Ngày ban hành").fill(f"02/01/{year}")
    await page.get_by_label("Người ký").fill("Chủ tịch UBND tỉnh")
    await page.get_by_role("button", name="Phát động", exact=True).click()
    await expect(page.locator("[data-movement-state]")).to_have_text("Đã phát động")
    await page.get_by_label("Tệp văn bản phát động, tài liệu kèm theo (PDF, ảnh, Word/Excel)").set_input_files(
        files=[{"name": "99-KH-UBND.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    await page.get_by_role("button", name="Tải lên").click()
    await expect(page.locator(FLASH)).to_have_text("Đã tải lên tài liệu.")
    launch_doc = await page.request.get(await page.get_by_role("link", name="99-KH-UBND.pdf").get_attribute("href"))
    assert launch_doc.ok and await launch_doc.body() == PDF
    movement_url = page.url

    # A unit registers on a phone: the commune, its target and the title it aims for.
    phone = await pages.new(user="province-22", phone=True)
    await phone.goto(movement_url + "/register")
    await phone.get_by_label("Đơn vị đăng ký").select_option("22001")
    await phone.get_by_label("Xóa nhà tạm, nhà dột nát (100 %)").fill("12 nhà")
    await phone.get_by_label("Bằng khen của Chủ tịch UBND tỉnh").check()
    await no_horizontal_scroll(phone)
    await screenshot(phone, "movement-registration-phone")
    await phone.get_by_role("button", name="Đăng ký thi đua").click()
    await expect(phone.locator(FLASH)).to_have_text("Đã đăng ký thi đua.")

    await page.reload()
    await expect(page.locator("[data-rollup-total]")).to_contain_text("Đã đăng ký 1/2 đơn vị")
    await expect(page.locator("svg.chart").first).to_be_visible()
    workbook = await page.request.get(movement_url + "/rollup.xlsx")
    assert workbook.ok
    sheet = load_workbook(io.BytesIO(await workbook.body()))["Theo don vi"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["22", "22001"]

    # make run's demo: Quảng Ninh's 2024 movement in two phases, registered; "Dân vận khéo" with its models.
    demo = (await system.nominations.client.get("/v1/movements")).json()["items"]
    by_name = {m["name"]: m for m in demo}
    year_2024 = by_name["Phong trào thi đua “Quảng Ninh đoàn kết, đổi mới, phát triển” năm 2024"]
    assert [p["state"] for p in year_2024["phases"]] == ["reviewed", "ended"] and year_2024["units"] == 15
    rollup = (await system.nominations.client.get(f"/v1/movements/{year_2024['id']}/rollup",
                                                  headers=system.auth("province", "22"))).json()
    assert (rollup["expected"], rollup["registered"]) == (15, 12)
    dvk = by_name["Phong trào thi đua “Dân vận khéo” năm 2026"]
    rollup = (await system.nominations.client.get(f"/v1/movements/{dvk['id']}/rollup",
                                                  headers=system.auth("province", "22"))).json()
    assert rollup["models"] == 320 and 100 <= rollup["recognised"] < 320 and len(rollup["by_field"]) >= 8
    await page.goto(f"/movements/{dvk['id']}?parent=22")  # one level's units (a national scope's drill-down)
    await expect(page.locator("tr[data-unit='22001']")).to_be_visible()
    assert await page.locator("tr[data-unit]").count() == 37

    # Anyone finds the "Dân vận khéo" models without diacritics, and prints the book.
    visitor = await pages.new()
    await visitor.goto("/movements")
    await visitor.get_by_role("link", name="Phong trào thi đua “Dân vận khéo” năm 2026").click()
    await visitor.get_by_role("link", name="Mô hình, điển hình").click()
    await visitor.get_by_label("Tìm mô hình").fill("mai am cho nguoi ngheo")
    await visitor.get_by_role("button", name="Tìm").click()
    tiles = visitor.locator("li.tile")
    await expect(tiles.first).to_contain_text("Mái ấm cho người nghèo")
    assert await tiles.count() >= 1 and all(
        "Mái ấm cho người nghèo" in t for t in await tiles.all_inner_texts())
    await visitor.go_back()
    await visitor.go_back()
    book = visitor.locator("[data-publication] a")
    pdf = await visitor.request.get(await book.get_attribute("href") or "")
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF")

    # The province proposes a recognised model's owner: it lands in its commendation proposal, achievements filled.
    await page.goto(visitor.url.replace(system.url, "") + "/models?state=recognised&q=hoi+lien+hiep+phu+nu")
    first = page.locator("li.tile").first
    title = await first.locator("h2").inner_text()
    await first.get_by_label("Chọn").check()
    await page.get_by_label("Mã cụm thi đua").fill("NOIVU-BAC")
    await page.get_by_label("Năm").fill("2025")
    await page.get_by_label("Hình thức khen thưởng").select_option("minister_certificate")
    await page.get_by_role("button", name="Đề nghị khen thưởng các mô hình đã chọn").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã đưa")
    assert "/commendations/proposals/" in page.url
    await expect(page.locator(FLASH)).to_contain_text("Đã đưa 1 tập thể")
    await expect(page.locator("main")).to_contain_text(title)
