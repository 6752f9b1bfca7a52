"""The rankings page's national view, per organiser, in a real browser (desktop and a 375 px phone):
the ministry picks any organiser's view (its own, BNV, by default: the national view across
organisers); a province's emulation office and its units see their own organiser's ranking only,
and another organiser's is refused."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
YEAR = 2024
BLOCK = "QN-KHOI-SO"


async def _rank_the_province_block(system: System) -> None:
    """Two departments of the demo's Quảng Ninh block submit their 2024 sheets; its office ranks them."""
    issuer = system.registry.app.state.issuer
    c = system.nominations.client

    def unit(code: str) -> dict[str, str]:
        return system.nominations.auth(issuer.issue(subject=f"unit-{code.lower()}", role="unit", province=None,
                                                    unit=code)[0])

    base = f"/v1/clusters/{BLOCK}/periods/{YEAR}/scores"
    for code, scores in (("QN-SNV", {"NV": 58, "CCHC": 28, "TDKT": 10}), ("QN-STC", {"NV": 50, "CCHC": 25, "TDKT": 8})):
        r = await c.put(f"{base}/{code}", headers=unit(code), json={"scores": scores})
        assert r.status_code == 200, r.text
        assert (await c.post(f"{base}/{code}/submit", headers=unit(code))).status_code == 200
    office = system.nominations.auth(issuer.issue(subject="qn-office", role="staff", province=None,
                                                  organiser="UBND-22")[0])
    r = await c.post(f"/v1/rankings/{YEAR}/recompute", headers=office, params={"cluster": BLOCK, "inline": "true"})
    assert r.status_code == 200, r.text


async def test_the_ministry_picks_an_organiser_and_an_office_sees_its_own(pages: Pages, system: System) -> None:
    await _rank_the_province_block(system)

    # The ministry: its own national view first, a picker of every organiser, then the province's.
    page = await pages.new(user="ministry")
    await page.goto(f"/rankings/{YEAR}")
    picker = page.locator("select[name=organiser]")
    await expect(picker).to_have_value("BNV")
    await expect(picker.locator("option")).to_have_count(2)
    await expect(page.locator("[data-organiser-view]")).to_contain_text("Bộ Nội vụ")
    await picker.select_option("UBND-22")
    await page.locator("form.organiser-picker button").click()
    await expect(page).to_have_url(f"{system.url}/rankings/{YEAR}?organiser=UBND-22")
    await expect(page.locator("h1[data-organiser=UBND-22]")).to_contain_text("Ủy ban nhân dân tỉnh Quảng Ninh")
    table = page.locator("table.ranking")
    await expect(table).to_contain_text("Sở Nội vụ")
    await expect(table).to_contain_text("Sở Tài chính")
    tabs = page.locator("nav.tabs").first
    await expect(tabs).to_contain_text(BLOCK)
    await expect(tabs.locator("a", has_text="NOIVU-BAC")).to_have_count(0)
    # A cluster's tab keeps the organiser picked.
    await tabs.locator("a", has_text=BLOCK).click()
    await expect(page).to_have_url(f"{system.url}/rankings/{YEAR}?cluster={BLOCK}&organiser=UBND-22")
    await expect(page.locator("table.ranking")).to_contain_text("Sở Nội vụ")
    await expect(page.locator("[data-organiser-view]")).to_contain_text("Ủy ban nhân dân tỉnh Quảng Ninh")
    await page.goto(f"/rankings/{YEAR}?organiser=UBND-22")
    await screenshot(page, "rankings-ministry-organiser-desktop")

    phone = await pages.new(user="ministry", phone=True)
    await phone.goto(f"/rankings/{YEAR}?organiser=UBND-22")
    await expect(phone.locator("table.ranking")).to_contain_text("Sở Nội vụ")
    await no_horizontal_scroll(phone)
    await screenshot(phone, "rankings-ministry-organiser-phone")

    # The province's office: its own organiser's view, no picker, the ministry's clusters nowhere.
    for phone_size in (False, True):
        office = await pages.new(user="qn-office", phone=phone_size)
        await office.goto(f"/rankings/{YEAR}")
        await expect(office.locator("h1[data-organiser=UBND-22]")).to_contain_text("Ủy ban nhân dân tỉnh Quảng Ninh")
        await expect(office.locator("select[name=organiser]")).to_have_count(0)
        await expect(office.locator("table.ranking")).to_contain_text("Sở Nội vụ")
        await expect(office.locator("nav.tabs").first.locator("a", has_text="NOIVU-BAC")).to_have_count(0)
        if phone_size:
            await no_horizontal_scroll(office)
        await screenshot(office, f"rankings-province-office-{'phone' if phone_size else 'desktop'}")
    refused = await office.goto(f"/rankings/{YEAR}?organiser=BNV")
    assert refused is not None and refused.status == 403
    # The Excel download is the same organiser's table.
    sheet = await office.request.get(f"/rankings/{YEAR}.xlsx")
    assert sheet.status == 200 and "xep-hang-2024-ubnd-22.xlsx" in sheet.headers["content-disposition"]
    cells = [str(c) for row in load_workbook(io.BytesIO(await sheet.body())).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert any("Ủy ban nhân dân tỉnh Quảng Ninh" in c for c in cells) and "Sở Nội vụ" in cells
    assert (await office.request.get(f"/rankings/{YEAR}.xlsx?organiser=BNV")).status == 403
    sheet = await page.request.get(f"/rankings/{YEAR}.xlsx?organiser=UBND-22")
    assert sheet.status == 200 and "ubnd-22" in sheet.headers["content-disposition"]

    # A unit of the province: its organiser's ranking, not the ministry's.
    member = await pages.new(user="unit-qn-snv")
    await member.goto(f"/rankings/{YEAR}")
    await expect(member.locator("h1[data-organiser=UBND-22]")).to_contain_text("Ủy ban nhân dân tỉnh Quảng Ninh")
    await expect(member.locator("table.ranking")).to_contain_text("Sở Nội vụ")
    refused = await member.goto(f"/rankings/{YEAR}?organiser=BNV")
    assert refused is not None and refused.status == 403
