"""Sessions in a real browser: the access token expires and the session goes on through the
refresh token; sign-out ends the session everywhere; a member meets the 403 page at the lead's
workspace; the inbox updates without a reload."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
import redis.asyncio as aioredis
from playwright.async_api import Page, expect

from tests.console.conftest import (
    CLUSTER,
    Pages,
    System,
    no_horizontal_scroll,
    screenshot,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def only_session(system: System, page: Page) -> tuple[str, dict[str, Any]]:
    """The one signed-in session in Redis: its key and its data, the tokens opened with the
    browser's cookie (Redis holds them sealed: a copy of Redis opens nothing)."""
    client = aioredis.from_url(system.redis_url)
    try:
        found = []
        for key in await client.keys("console:session:*"):
            if key.endswith(b":refresh"):
                continue
            data = json.loads(await client.get(key))
            if data.get("username"):
                found.append((key.decode(), data))
        assert len(found) == 1, found
        key, data = found[0]
    finally:
        await client.aclose()
    assert all(data[name].startswith("enc:v1:") for name in ("access_token", "refresh_token") if data[name])
    cookie = next(c["value"] for c in await page.context.cookies() if c["name"] == "thidua_session")
    session = await system.console.app.state.sessions.load(cookie)
    return key, {**data, "access_token": session.access_token, "refresh_token": session.refresh_token}


async def rewrite_session(system: System, key: str, **changes: Any) -> None:
    client = aioredis.from_url(system.redis_url)
    try:
        data = json.loads(await client.get(key))
        data.update(changes)
        await client.set(key, json.dumps(data), keepttl=True)
    finally:
        await client.aclose()


async def test_an_expired_access_token_is_refreshed_without_the_user_noticing(pages: Pages, system: System) -> None:
    page = await pages.new(user="province-33")
    key, first = await only_session(system, page)
    assert first["refresh_token"] and first["access_token"]
    expired, _ = system.registry.app.state.issuer.issue(subject="province-33", role="province", province="33",
                                                        ttl_seconds=-120)

    # 1. The console believes the token is good, the APIs refuse it (401): refreshed, then retried.
    await rewrite_session(system, key, access_token=expired, access_expires_at=first["access_expires_at"])
    await page.goto("/tasks")
    await expect(page.locator("h1")).to_have_text("Việc cần làm")
    _, second = await only_session(system, page)
    assert second["access_token"] not in (expired, first["access_token"])
    assert second["refresh_token"] != first["refresh_token"]     # rotated

    # 2. The console sees the expiry coming and refreshes before calling.
    await rewrite_session(system, key, access_token=expired, access_expires_at=0)
    await page.goto("/inbox")
    await expect(page.locator("h1")).to_contain_text("Thông báo")
    _, third = await only_session(system, page)
    assert third["refresh_token"] != second["refresh_token"] and third["access_expires_at"] > 0

    # The spent refresh tokens are dead: presenting one again is a replay.
    r = await system.registry.client.post("/v1/auth/token", data={"grant_type": "refresh_token",
                                                                 "refresh_token": first["refresh_token"]})
    assert r.status_code == 401
    # ...and that replay revoked the family, so this session is over: back to the sign-in page.
    await rewrite_session(system, key, access_expires_at=0)
    await page.goto("/tasks")
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await expect(page.locator(".notice")).to_contain_text("Phiên làm việc đã kết thúc")


async def test_sign_out_ends_the_session_everywhere(pages: Pages, system: System) -> None:
    page = await pages.new(user="province-37")
    _, data = await only_session(system, page)
    cookies = await page.context.cookies()
    session_cookie = next(c for c in cookies if c["name"] == "thidua_session")
    assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Lax"

    await page.get_by_role("button", name="Đăng xuất").click()
    await expect(page.locator(".notice")).to_contain_text("Bạn đã đăng xuất")
    # The refresh token is revoked at the registry...
    r = await system.registry.client.post("/v1/auth/token", data={"grant_type": "refresh_token",
                                                                 "refresh_token": data["refresh_token"]})
    assert r.status_code == 401
    # ...and a copy of the old cookie opens nothing, in another browser.
    other = await pages.new()
    await other.context.add_cookies([{"name": "thidua_session", "value": session_cookie["value"],
                                      "url": system.url}])
    await other.goto("/tasks")
    await expect(other).to_have_url(re.compile(r"/sign-in"))


async def test_a_member_gets_the_403_page_at_the_leads_workspace(pages: Pages, system: System) -> None:
    period = (await system.registry.client.get(f"/v1/clusters/{CLUSTER}/periods/2026")).json()
    member = next(m["code"] for m in period["members"] if m["code"] != period["lead"]["code"])
    page = await pages.new(user=f"province-{member}", phone=True)
    response = await page.goto(f"/lead/{CLUSTER}/2026")
    assert response is not None and response.status == 403
    await expect(page.locator("h1")).to_have_text("Không có quyền truy cập")
    await expect(page.locator(".error-page")).to_contain_text("Mã yêu cầu")
    await screenshot(page, "error-403-phone")


async def test_the_members_inbox_updates_without_a_reload(pages: Pages, system: System, worker: Any) -> None:
    page = await pages.new(user="province-35", phone=True)
    await page.goto("/inbox")
    await expect(page.locator("[data-live-status]")).to_contain_text("hiện ra ngay")  # the stream is open
    before = int(await page.locator("h1 [data-unread]").inner_text())
    await page.evaluate("() => { window.__noReload = 'still here'; }")

    # The 2025 lead opens a vote: the worker turns the event into the electorate's notifications.
    lead = system.auth("province", "30")
    r = await system.nominations.client.post("/v1/rounds", headers=lead, json={
        "cluster_code": CLUSTER, "year": 2025, "award": "ministry_flag", "seats": 1})
    assert r.status_code == 201, r.text
    r = await system.nominations.client.post(f"/v1/rounds/{r.json()['id']}/open", headers=lead)
    assert r.status_code == 200, r.text

    await expect(page.locator("ul.notes li.note").first).to_be_visible(timeout=60_000)
    await expect(page.locator("h1 [data-unread]")).to_have_text(str(before + 1), timeout=60_000)
    assert await page.evaluate("() => window.__noReload") == "still here"
    await no_horizontal_scroll(page)
    await screenshot(page, "inbox-phone")
