"""Accounts in a real browser: the ministry's list (by role and unit, the last sign-in, the units
merged away in 2025 and the units in force without an account), an account created for a person
of a unit with its one-time code, the person setting their first password with it and naming
themselves, disabling, re-enabling and resetting; the accounts of merged units disabled at once."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status]"
STRONG = "Ha-Long-bay-kayak-2026!"


async def test_the_ministry_creates_an_account_and_the_person_sets_its_password_with_the_code(
        pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry")
    await page.get_by_role("link", name="Tài khoản", exact=True).click()
    await expect(page.locator("h1")).to_have_text("Tài khoản")
    # Thái Bình merged into Hưng Yên on 01/07/2025: its account is shown as such and offered for disabling.
    row = page.locator("tr[data-account='province-34']")
    await expect(row).to_contain_text("Thái Bình")
    await expect(row.locator("[data-unit-ended]")).to_contain_text("30/06/2025")
    await expect(page.locator("[data-merged-active]")).to_be_visible()
    # Units in force without an account: Hà Nội among them, with a link that creates one.
    without = page.locator("[data-without]")
    await expect(without).to_contain_text("Hà Nội")
    await screenshot(page, "ministry-accounts-desktop")
    await without.locator("li", has_text="Hà Nội").get_by_role("link").click()
    await expect(page.get_by_label("Tên đăng nhập")).to_have_value("province-01")
    await page.get_by_role("button", name="Tạo tài khoản và cấp mã").click()
    await expect(page.locator("#err-display_name")).to_be_visible()         # the person's name, in Vietnamese
    await expect(page.get_by_label("Tên đăng nhập")).to_have_value("province-01")
    await page.get_by_label("Họ và tên người dùng").fill("Nguyễn Thị Hà")
    await page.get_by_label("Chức vụ").fill("Giám đốc Sở Nội vụ")
    await page.get_by_role("button", name="Tạo tài khoản và cấp mã").click()
    await expect(page.locator("[data-setup-code] h2")).to_have_text("Đã tạo tài khoản: mã đặt mật khẩu")
    code = (await page.locator("[data-code]").inner_text()).strip()
    assert len(code) == 14
    await screenshot(page, "ministry-account-code-desktop")
    await page.reload()                                                       # shown once
    await expect(page.locator("[data-setup-code]")).to_have_count(0)
    await expect(page.locator("[data-account-state]")).to_contain_text("chờ đặt mật khẩu bằng mã")

    # The person, on a phone: the sign-in page leads to the code page.
    phone = await pages.new(phone=True)
    await phone.goto("/sign-in")
    await phone.get_by_role("link", name="Được cấp mã dùng một lần? Đặt mật khẩu tại đây.").click()
    await phone.get_by_label("Tên đăng nhập").fill("province-01")
    await phone.get_by_label("Mã dùng một lần").fill("AAAA-BBBB-CCCC")
    await phone.get_by_label("Mật khẩu mới", exact=True).fill(STRONG)
    await phone.get_by_label("Nhập lại mật khẩu mới").fill(STRONG)
    await phone.get_by_role("button", name="Đặt mật khẩu").click()
    await expect(phone.locator("#err-setup_code")).to_contain_text("Mã")
    await no_horizontal_scroll(phone)
    await screenshot(phone, "set-password-phone")
    await phone.get_by_label("Mã dùng một lần").fill(code.lower())
    await phone.get_by_label("Mật khẩu mới", exact=True).fill(STRONG)
    await phone.get_by_label("Nhập lại mật khẩu mới").fill(STRONG)
    await phone.get_by_role("button", name="Đặt mật khẩu").click()
    await expect(phone.locator(FLASH)).to_contain_text("Đã đặt mật khẩu")
    await sign_in(phone, "province-01", STRONG)
    # on a phone the header is one line: the navigation and the account fold into a menu
    header = await phone.locator("header.masthead").bounding_box()
    assert header is not None and header["height"] < 80, header
    await expect(phone.locator("nav.top")).to_be_hidden()
    await phone.get_by_role("button", name="Menu").click()
    await expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    await expect(phone.locator("header")).to_contain_text("Nguyễn Thị Hà")
    await screenshot(phone, "menu-open-phone", full_page=False)
    await phone.locator(".who").click()
    await expect(phone.get_by_label("Chức vụ")).to_have_value("Giám đốc Sở Nội vụ")
    await phone.get_by_label("Chức vụ").fill("Phó Giám đốc Sở Nội vụ")
    await phone.get_by_role("button", name="Lưu").click()
    await expect(phone.locator(FLASH)).to_contain_text("Đã lưu thông tin người dùng")
    await no_horizontal_scroll(phone)
    await screenshot(phone, "my-account-phone")
    # Its own password: a wrong current password is said in Vietnamese, beside its field.
    await phone.get_by_label("Mật khẩu hiện tại").fill("not-the-password")
    await phone.get_by_label("Mật khẩu mới", exact=True).fill(STRONG + "-2")
    await phone.get_by_label("Nhập lại mật khẩu mới").fill(STRONG + "-2")
    await phone.get_by_role("button", name="Đổi mật khẩu").click()
    await expect(phone.locator("#err-current_password")).to_contain_text("Mật khẩu không đúng")
    await phone.get_by_label("Mật khẩu hiện tại").fill(STRONG)
    await phone.get_by_label("Mật khẩu mới", exact=True).fill(STRONG + "-2")
    await phone.get_by_label("Nhập lại mật khẩu mới").fill(STRONG + "-2")
    await phone.get_by_role("button", name="Đổi mật khẩu").click()
    await expect(phone.locator("main")).to_contain_text("Đã đổi mật khẩu")
    await sign_in(phone, "province-01", STRONG + "-2")

    # The ministry: the last sign-in shows; disable, enable again, reset with a confirmation.
    await page.goto("/ministry/accounts?unit=01")
    row = page.locator("tr[data-account='province-01']")
    await expect(row).to_contain_text("Phó Giám đốc Sở Nội vụ")
    await expect(row).not_to_contain_text("Chưa đăng nhập")
    await row.get_by_role("link").click()
    await page.get_by_role("button", name="Khoá tài khoản").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã khoá tài khoản")
    await expect(page.locator("[data-account-state]")).to_contain_text("Đã khoá")
    await phone.goto("/account")                                              # its session has ended
    await expect(phone).to_have_url(re.compile("/sign-in"))
    await page.get_by_role("button", name="Mở lại tài khoản").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã mở lại tài khoản")
    await page.get_by_role("button", name="Cấp mã đặt lại mật khẩu").click()
    await expect(page.locator("main")).to_contain_text("ngừng hoạt động ngay")
    await page.get_by_role("button", name="Cấp mã mới").click()
    await expect(page.locator("[data-setup-code] h2")).to_have_text("Mã đặt lại mật khẩu")
    assert (await page.locator("[data-code]").inner_text()).strip() != code


async def test_the_accounts_of_merged_units_are_disabled_after_a_confirmation(pages: Pages, system: System) -> None:
    page = await pages.new(user="ministry", phone=True)
    await page.goto("/ministry/accounts?role=province")
    await no_horizontal_scroll(page)
    await screenshot(page, "ministry-accounts-phone")
    await page.locator("[data-merged-active]").get_by_role("button").click()
    await expect(page.locator("main")).to_contain_text("province-34 (Thái Bình)")
    await page.get_by_role("button", name="Xác nhận khoá").click()
    await expect(page.locator(FLASH)).to_contain_text("Đã khoá 4 tài khoản")
    await expect(page.locator("[data-merged-active]")).to_have_count(0)
    await expect(page.locator("tr[data-account='province-35']")).to_contain_text("Đã khoá")
    await expect(page.locator("tr[data-account='province-22']")).to_contain_text("Đang hoạt động")
    assert (await system.registry.client.post(
        "/v1/auth/token", data={"username": "province-30", "password": "demo"})).status_code == 401
