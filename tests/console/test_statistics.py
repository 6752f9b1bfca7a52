"""The yearly statistics forms and the dashboard in a real browser: the ministry reads the demo's
2023 forms of the Ministry of Home Affairs, follows a figure to the records it counts and downloads
the form as .xlsx and PDF; Quảng Ninh's office sees only its own; the dashboard's charts on a desktop
and on a 375 px phone."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
# The demo's decision 1234/QĐ-BNV (2023): the ministry's flag for Ninh Bình's department and the
# minister's certificate for two collectives and eleven people, five of them women.
WOMEN = {"Trần Thị B", "Phạm Thị D", "Vũ Thị G", "Bùi Thị K", "Ngô Thị M"}


async def test_the_ministry_reads_the_forms_and_traces_a_figure(pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry")
    await page.goto("/statistics/2023?organiser=BNV")
    await expect(page.locator("h1")).to_contain_text("Báo cáo thống kê thi đua, khen thưởng năm 2023")
    form = page.locator("section[data-form=organiser_awards]")
    await expect(form.locator("h2")).to_contain_text("0603.N/BNV-TĐKT")
    await expect(form.locator("a[data-cell='total.total']")).to_have_text("14")
    await expect(form.locator("a[data-cell='women.total']")).to_have_text("5")
    await expect(form.locator("a[data-cell='leader_department.total']")).to_have_text("2")
    await expect(form.locator("a[data-cell='ethnic_minority.total']")).to_have_text("2")
    await expect(form.locator("a[data-cell='total.flag_collective']")).to_have_text("1")
    await expect(form.locator("tr[data-row=women] td.shaded").first).to_have_text("x")
    await screenshot(page, "statistics-forms-desktop")

    # The figure leads to the records it counts: the five women, with what they were counted by.
    await form.locator("a[data-cell='women.certificate_individual']").click()
    await expect(page.locator("h1")).to_contain_text("Trong đó: nữ")
    rows = page.locator("tr[data-record]")
    await expect(rows).to_have_count(5)
    assert {await r.get_attribute("data-record") for r in await rows.all()} == WOMEN
    await expect(page.locator("tr[data-record='Ngô Thị M']")).to_contain_text("Cấp vụ, cục, sở")

    # The form as the office files it.
    await page.goto("/statistics/2023?organiser=BNV")
    async with page.expect_download() as got:
        await form.get_by_role("link", name="Tải Excel (.xlsx)").click()
    download = await got.value
    assert download.suggested_filename == "0603-BNV-2023.xlsx"
    book = load_workbook(io.BytesIO(open(await download.path(), "rb").read()))
    cells = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert any(row[1] == "Tổng số" and row[2] == 14 for row in cells)
    pdf = await page.request.get("/statistics/2023/forms/organiser_awards.pdf?organiser=BNV")
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF")

    # The national view (every organiser) holds Quảng Ninh's 2024 decision (6 awards) too, beside the
    # ministry's 56/QĐ-BNV that followed its council's vote (4).
    await page.goto("/statistics/2024")
    await expect(page.locator("[data-whose]")).to_have_text("Toàn quốc (mọi đơn vị tổ chức)")
    await expect(page.locator("section[data-form=organiser_awards] a[data-cell='total.total']")).to_have_text("10")
    await expect(page.locator("section[data-form=movements] a[data-cell='total.total']")).to_have_text("1")


async def test_an_office_reads_its_own_forms_and_the_dashboard_on_a_phone(pages: Pages, system: System) -> None:
    office = await pages.new(user="qn-office")
    await office.goto("/statistics/2024?organiser=BNV")  # another's asked for: its own shown
    await expect(office.locator("[data-whose]")).to_have_text("UBND-22")
    form = office.locator("section[data-form=organiser_awards]")
    await expect(form.locator("a[data-cell='total.total']")).to_have_text("6")
    await expect(form.locator("a[data-cell='total.flag_collective']")).to_have_text("2")
    await expect(form.locator("a[data-cell='by_commune.total']")).to_have_text("3")
    await expect(office.locator("section[data-form=movements] a[data-cell='regular.ministry_province']")).to_have_text("1")
    await expect(office.locator("#f-organiser")).to_have_count(0)  # no choice of organiser for an office

    phone = await pages.new(user="qn-office", phone=True)
    await phone.goto("/statistics/2024/dashboard")
    await expect(phone.locator("figure[data-chart=awards-years] svg")).to_be_visible()
    await expect(phone.locator("figure[data-chart=participation] svg")).to_be_visible()
    await expect(phone.locator("tr[data-form]").first).to_be_visible()
    await no_horizontal_scroll(phone)
    await screenshot(phone, "statistics-dashboard-phone")
    await phone.goto("/statistics/2024")
    await no_horizontal_scroll(phone)
    await screenshot(phone, "statistics-forms-phone")

    # A province's own account has no statistics: the API refuses, the page says so.
    member = await pages.new(user="province-31")
    resp = await member.goto("/statistics/2023")
    assert resp is not None and resp.status == 403


async def test_the_ministry_s_dashboard(pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry")
    await page.goto("/statistics/2026/dashboard")
    await expect(page.locator("figure[data-chart=flags] svg")).to_be_visible()
    await expect(page.locator("figure[data-chart=fields] svg")).to_be_visible()
    await expect(page.locator("tr[data-field]").first).to_be_visible()
    await page.goto("/statistics/2023/dashboard?organiser=BNV")
    await expect(page.locator("tr[data-form=minister_certificate] td").last).to_have_text("13")
    await expect(page.locator("tr[data-year='2023']")).to_be_visible()
    await screenshot(page, "statistics-dashboard-desktop")


async def test_the_year_s_report_draft(pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry")
    await page.goto("/statistics/2023/report?organiser=BNV")
    report = page.locator("[data-report]")
    await expect(report).to_contain_text("Tổng kết công tác thi đua, khen thưởng năm 2023")
    await expect(report).to_contain_text("đã khen thưởng 14 lượt (3 tập thể, 11 cá nhân)")
    await expect(report).to_contain_text("5 người là nữ (45,5%)")
    await expect(report.locator("table.report-table").last).to_contain_text("Bằng khen của Bộ trưởng Bộ Nội vụ")
    # The office edits it in the page, then prints it.
    await page.locator("[contenteditable=true] p.to-write").first.click()
    await page.keyboard.type(" Các phong trào được triển khai đồng bộ.")
    await expect(report).to_contain_text("Các phong trào được triển khai đồng bộ.")
    await screenshot(page, "statistics-report-desktop")
    doc = await page.request.get("/statistics/2023/report.doc?organiser=BNV")
    assert doc.ok and doc.headers["content-type"] == "application/msword"
    assert "đã khen thưởng 14 lượt" in (await doc.body()).decode("utf-8")


async def test_a_province_states_what_the_forms_count_of_its_nominee(pages: Pages, system: System) -> None:
    page = await pages.new(user="province-36")
    await page.goto("/commendations")
    await page.get_by_label("Cụm thi đua, năm").select_option("NOIVU-BAC/2023")
    await page.get_by_label("Hình thức khen thưởng").select_option("ministry_emulation_fighter")
    await page.get_by_role("button", name="Lập đề nghị").click()
    await page.get_by_label("Tên tập thể / Họ và tên").fill("Lò Thị Thống")
    await page.get_by_label("Chức vụ").fill("Công nhân kỹ thuật")
    await page.get_by_label("Ngày sinh (cá nhân)").fill("02/09/1988")
    await page.get_by_label("Giới tính").select_option("nữ")
    await page.get_by_label("Lãnh đạo").select_option("division")
    await page.get_by_label("Công nhân, nông dân, người lao động trực tiếp").select_option("yes")
    await page.get_by_label("Tóm tắt thành tích").fill("Sáng kiến cải tiến quy trình.")
    await page.get_by_role("button", name="Thêm tập thể, cá nhân").click()
    # A leader is not counted as a direct worker: refused beside the field, what was typed kept.
    await expect(page.locator("#err-direct_worker")).to_be_visible()
    await expect(page.get_by_label("Tên tập thể / Họ và tên")).to_have_value("Lò Thị Thống")
    await page.get_by_label("Lãnh đạo").select_option("none")
    await page.get_by_label("Dân tộc thiểu số").select_option("yes")
    await page.get_by_role("button", name="Thêm tập thể, cá nhân").click()
    await expect(page.locator("main > [role=status].notice-ok")).to_have_text("Đã thêm vào đề nghị.")
    await expect(page.locator("[data-stat-facts]")).to_contain_text("Nữ · Lao động trực tiếp · Dân tộc thiểu số")
    proposal_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    got = (await system.nominations.client.get(f"/v1/commendations/proposals/{proposal_id}",
                                               headers=system.auth("province", "36"))).json()
    [n] = got["nominees"]
    assert (n["gender"], n["leader_level"], n["direct_worker"], n["ethnic_minority"]) == ("nữ", "none", True, True)
