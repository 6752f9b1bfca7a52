"""Public pages in a real browser, and the frame every page shares (headers, errors, CSRF)."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_provinces_show_the_2025_merger_both_ways(pages: Pages) -> None:
    page = await pages.new()
    await page.goto("/provinces?on=30/06/2025")
    row = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^52$")))
    await expect(row).to_contain_text("Bình Định")
    await expect(row).to_contain_text("Hợp nhất vào Gia Lai (52) từ 01/07/2025")
    await screenshot(page, "provinces-before-merger-desktop")

    # The date typed as Vietnamese write it, through the form (a GET form: no token needed).
    await page.get_by_label("Ngày tra cứu").fill("01/07/2025")
    await page.get_by_role("button", name="Tra cứu").click()
    row = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^52$")))
    await expect(row).to_contain_text("Gia Lai")
    await expect(row).to_contain_text("Hình thành từ")
    await expect(row).to_contain_text("Bình Định")
    await expect(page.locator("h2")).to_contain_text("01/07/2025")

    # English on a switch (a cookie): the same page, the same date, in English.
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("h1")).to_have_text("Provinces")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    row = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^52$")))
    await expect(row).to_contain_text("Formed from")


async def test_a_cluster_shows_its_members_and_leadership_across_the_years(pages: Pages) -> None:
    page = await pages.new(phone=True)
    await page.goto("/clusters")
    await page.get_by_role("link", name="Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc").click()
    await expect(page.locator("h1")).to_have_text("Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc")
    await page.get_by_role("link", name="2023", exact=True).click()
    await expect(page.locator("ol.members")).to_contain_text("Thái Bình")
    leadership = page.locator("table.data")
    await expect(leadership.locator("tr", has_text="2023")).to_contain_text("Bầu")
    await expect(leadership.locator("tr", has_text="2024")).to_contain_text("Luân phiên")
    await no_horizontal_scroll(page)
    await screenshot(page, "cluster-phone")


async def test_every_page_carries_the_security_headers_and_errors_are_pages(system: System) -> None:
    client = system.console.client
    r = await client.get("/provinces")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-request-id"]

    r = await client.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang" in r.text and "frame-ancestors" in r.headers["content-security-policy"]

    r = await client.get("/clusters/NO-SUCH-CLUSTER")
    assert r.status_code == 404 and "Không tìm thấy trang" in r.text


async def test_a_form_posted_without_its_csrf_token_is_refused(pages: Pages, system: System) -> None:
    page = await pages.new()
    await page.goto("/sign-in")
    # The real form, its hidden token removed: the sign-in is refused and nobody is signed in.
    await page.evaluate("() => document.querySelector('input[name=csrf_token]').remove()")
    await page.locator("#f-username").fill("province-22")
    await page.locator("#f-password").fill("demo")
    async with page.expect_response(lambda r: r.url.endswith("/sign-in") and r.request.method == "POST") as info:
        await page.locator("form[action='/sign-in'] button[type=submit]").click()
    response = await info.value
    assert response.status == 403
    await expect(page.locator("h1")).to_have_text("Biểu mẫu đã hết hạn")
    await page.goto("/tasks")
    assert "/sign-in" in page.url

    # And a wrong token (another session's) is refused as well.
    r = await system.console.client.post("/sign-in", data={"username": "province-22", "password": "demo",
                                                          "csrf_token": "x" * 43})
    assert r.status_code == 403


async def test_sign_in_refusals_read_plainly_and_a_malformed_address_is_a_404(system: System) -> None:
    client = system.console.client
    page = await client.get("/sign-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    seen = []
    for _ in range(8):
        r = await client.post("/sign-in", data={"username": "province-36", "password": "sai-mat-khau",
                                                "csrf_token": csrf, "next": "/"})
        # post/redirect/get: the refused form is shown by the sign-in page's GET, once
        assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/"
        r = await client.get(r.headers["location"])
        assert r.status_code == 422 and "frame-ancestors" in r.headers["content-security-policy"]
        seen.append("Đăng nhập sai quá nhiều lần" in r.text)
        if seen[-1]:
            break
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in r.text
    # The registry's throttle (429) reaches the user as a sentence, not as an outage page.
    assert seen[-1], "the registry never throttled the repeated failures"

    # Signed in (a plain HTTP client keeps the cookie), a page address with a malformed id is a 404 page.
    r = await client.post("/sign-in", data={"username": "province-35", "password": "demo", "csrf_token": csrf,
                                            "next": "/tasks"})
    assert r.status_code == 303 and r.headers["location"] == "/tasks"
    r = await client.get("/ballots/not-a-round-id")
    assert r.status_code == 404 and "Không tìm thấy trang" in r.text
