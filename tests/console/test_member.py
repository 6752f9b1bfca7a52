"""A member province's pages in a real browser: the ballot (keyboard only, without JavaScript),
the receipt and its check, the score sheet, the inbox live, the settings."""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.console.conftest import (
    CLUSTER,
    Pages,
    System,
    no_horizontal_scroll,
    screenshot,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
LEAD_2025 = "30"  # Hải Dương leads NOIVU-BAC in the demo's 2025


async def open_round(system: System, **body: Any) -> dict[str, Any]:
    """A Government-flag round opened by the 2025 lead through the API."""
    lead = system.auth("province", LEAD_2025)
    payload = {"cluster_code": CLUSTER, "year": 2025, "award": "government_flag", "seats": 1, **body}
    r = await system.nominations.client.post("/v1/rounds", headers=lead, json=payload)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    r = await system.nominations.client.post(f"/v1/rounds/{rid}/open", headers=lead)
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_ballot_is_cast_with_the_keyboard_alone_on_a_phone(pages: Pages, system: System) -> None:
    rnd = await open_round(system, max_choices=2)
    page = await pages.new(user="province-22", phone=True)
    await expect(page.locator("h1")).to_have_text("Việc cần làm")
    await screenshot(page, "tasks-phone")
    await page.goto(f"/ballots/{rnd['id']}")
    # Its own unit is not offered (self-votes are off by default).
    await expect(page.locator("label", has_text="Quảng Ninh")).to_have_count(0)
    await no_horizontal_scroll(page)
    await screenshot(page, "ballot-phone")
    # Keyboard only: focus the first choice, Space ticks it, Tab moves on, Enter submits.
    await page.locator("input[name=choice]").first.focus()
    first = await page.locator("input[name=choice]").first.get_attribute("value")
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Space")
    second = await page.locator("input[name=choice]").nth(1).get_attribute("value")
    await page.keyboard.press("Enter")
    await expect(page.locator("h2")).to_have_text("Kiểm tra lại phiếu bầu")
    await no_horizontal_scroll(page)
    # The confirm button is the first focusable control of the step: Tab to it and press Enter.
    await page.get_by_role("button", name="Xác nhận và gửi phiếu").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("Biên nhận phiếu bầu")
    secret = await page.locator("[data-receipt-secret]").inner_text()
    commitment = await page.locator("[data-receipt-commitment]").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", secret) and re.fullmatch(r"[0-9a-f]{64}", commitment)
    await no_horizontal_scroll(page)
    await screenshot(page, "receipt-phone")

    # The download carries the receipt and how to check it.
    async with page.expect_download() as info:
        await page.get_by_role("button", name="Tải biên nhận (tệp văn bản)").click()
    download = await info.value
    text = (await download.path()).read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert secret in text and commitment in text and "Kiểm tra biên nhận" in text

    # The API holds the ballot: the turnout shows the voter (never how).
    turnout = (await system.nominations.client.get(f"/v1/rounds/{rnd['id']}/turnout",
                                                   headers=system.auth("province", LEAD_2025))).json()
    assert [v["code"] for v in turnout["voted"]] == ["22"]

    # The others vote blank through the API (the quorum), then the lead closes; the member checks
    # its receipt: counted, as cast.
    for voter in rnd["electorate"]:
        if voter != "22":
            r = await system.nominations.client.post(f"/v1/rounds/{rnd['id']}/ballots", json={"choices": []},
                                                     headers=system.auth("province", voter))
            assert r.status_code == 201, r.text
    r = await system.nominations.client.post(f"/v1/rounds/{rnd['id']}/close", headers=system.auth("province", LEAD_2025))
    assert r.status_code == 200, r.text
    await page.goto("/receipts")
    await page.get_by_label("Đợt bỏ phiếu").select_option(rnd["id"])
    await page.get_by_label("Mã cam kết").fill(commitment)
    await page.get_by_role("button", name="Kiểm tra").click()
    await expect(page.locator(".result")).to_contain_text("đã được kiểm")
    names = rnd["names"]
    for code in (first, second):
        await expect(page.locator(".result")).to_contain_text(names[code])


async def test_the_ballot_is_cast_without_javascript_and_not_offered_twice(pages: Pages, system: System) -> None:
    rnd = await open_round(system, max_choices=1)
    page = await pages.new(user="province-34", javascript=False)
    await page.goto(f"/ballots/{rnd['id']}")
    # Two choices where one is allowed: refused beside the field, choices kept.
    labels = page.locator("ul.choices label")
    await labels.nth(0).click()
    await labels.nth(1).click()
    await page.get_by_role("button", name="Tiếp tục").click()
    await expect(page.locator("#err-choice")).to_contain_text("tối đa 1")
    await expect(page.locator("input[name=choice]:checked")).to_have_count(2)
    await labels.nth(1).click()
    await page.get_by_role("button", name="Tiếp tục").click()
    await page.get_by_role("button", name="Sửa lựa chọn").click()     # back, choices kept
    await expect(page.locator("input[name=choice]:checked")).to_have_count(1)
    await page.get_by_role("button", name="Tiếp tục").click()
    await page.get_by_role("button", name="Xác nhận và gửi phiếu").click()
    await expect(page.locator("h1")).to_have_text("Biên nhận phiếu bầu")
    await screenshot(page, "receipt-desktop")
    # Post/redirect/get: the receipt was shown once; reloading it, or going Back to the confirmation
    # step, is a page of its own (no "Confirm Form Resubmission"), saying the unit has voted.
    await page.reload()
    await expect(page.locator("main")).to_contain_text("đã bỏ phiếu")
    await expect(page.get_by_role("link", name="Kiểm tra biên nhận")).to_be_visible()
    await page.go_back()
    await expect(page.locator("main")).to_contain_text("đã bỏ phiếu")
    # The ballot is not offered again (the API says this province has voted), and the to-do home says so.
    await page.goto(f"/ballots/{rnd['id']}")
    await expect(page.locator("main")).to_contain_text("đã bỏ phiếu")
    await expect(page.get_by_role("button", name="Tiếp tục")).to_have_count(0)
    await page.goto("/tasks")
    await expect(page.locator(".task", has_text=rnd["award_label"]).first).to_contain_text("Đã bỏ phiếu")


async def test_the_score_sheet_shows_bounds_and_errors_beside_the_fields(pages: Pages, system: System) -> None:
    # A fresh covenant for 2026 (lead: the demo's 2026 lead) so that a member has a sheet to fill.
    period = (await system.registry.client.get(f"/v1/clusters/{CLUSTER}/periods/2026")).json()
    lead = period["lead"]["code"]
    member = next(m["code"] for m in period["members"] if m["code"] != lead)
    r = await system.nominations.client.put(
        f"/v1/clusters/{CLUSTER}/periods/2026/covenant", headers=system.auth("province", lead),
        json={"publish": True, "criteria": [
            {"code": "CM", "title": "Thực hiện nhiệm vụ chuyên môn", "group": "I", "max_points": 60},
            {"code": "CDS", "title": "Chuyển đổi số", "group": "I", "max_points": 40},
            {"code": "KL", "title": "Vi phạm kỷ luật", "group": "III", "max_points": 10, "kind": "penalty"}]})
    assert r.status_code == 200, r.text
    page = await pages.new(user=f"province-{member}")
    await page.goto(f"/sheets/{CLUSTER}/2026")
    await expect(page.locator("#hint-score-CM")).to_contain_text("Từ 0 đến 60")
    await expect(page.locator("#hint-score-KL")).to_contain_text("Từ -10 đến 0")
    await page.get_by_label("Điểm tự chấm").nth(0).fill("72")
    await page.get_by_label("Điểm tự chấm").nth(1).fill("35,5")
    await page.get_by_role("button", name="Lưu nháp").click()
    await expect(page.locator("#err-score-CM")).to_contain_text("từ 0 đến 60")
    await expect(page.locator("#f-score-CDS")).to_have_value("35,5")
    await page.locator("#f-score-CM").fill("55")
    await page.locator("#f-score-KL").fill("0")
    await page.get_by_role("button", name="Lưu và gửi trưởng cụm").click()
    # Submitting cannot be undone: a confirmation step first (the values are saved already).
    await expect(page.locator("h1")).to_have_text("Gửi bảng điểm cho trưởng cụm?")
    await expect(page.locator("main")).to_contain_text("3/3 tiêu chí đã chấm, tổng điểm tự chấm 90,5")
    await page.get_by_role("button", name="Gửi bảng điểm").click()
    await expect(page.locator(".notice-ok")).to_contain_text("Đã gửi bảng điểm")
    await expect(page.locator("main")).to_contain_text("90,5")
    await screenshot(page, "sheet-desktop")
    sheet = (await system.nominations.client.get(f"/v1/clusters/{CLUSTER}/periods/2026/scores/{member}",
                                                 headers=system.auth("province", member))).json()
    assert sheet["state"] == "submitted" and sheet["scores"]["CDS"]["self"] in (35.5, "35.5")


async def test_a_member_cannot_reach_the_ministry_pages_and_settings_save(pages: Pages, system: System) -> None:
    page = await pages.new(user="province-31")
    response = await page.goto("/ministry")
    assert response is not None and response.status in (403, 404)
    await page.goto("/settings/notifications")
    await page.get_by_label("Thư điện tử", exact=True).check()
    await page.get_by_role("button", name="Lưu").click()
    await expect(page.locator("#err-email_address")).to_be_visible()
    # The API refuses the address: its problem+json, in Vietnamese, beside the field it names.
    await page.get_by_label("Địa chỉ thư điện tử").fill("khong-phai-thu")
    await page.get_by_role("button", name="Lưu").click()
    await expect(page.locator("#err-email_address")).to_contain_text("Giá trị không hợp lệ")
    await expect(page.locator("#f-email_address")).to_have_attribute("aria-invalid", "true")
    await page.get_by_label("Địa chỉ thư điện tử").fill("vanphong@snv.haiphong.gov.vn")
    await page.get_by_label("English").check()
    await page.get_by_role("button", name="Lưu").click()
    await expect(page.locator(".notice-ok")).to_contain_text("Đã lưu")
    sub = (await system.notifications.client.get("/v1/subscriptions", headers=system.auth("province", "31"))).json()
    assert sub["language"] == "en" and {"type": "email", "address": "vanphong@snv.haiphong.gov.vn"} in sub["channels"]
