"""The cluster's conference in a real browser: the lead's secretary desk opens the session, a
delegate checks in on a 375 px phone from the hall screen's QR link, the desk checks the others in
until the quorum shows on the desk and on the hall screen, and the desk opens the conference's vote."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2026, "22"


async def test_the_desk_the_phone_and_the_hall_screen(pages: Pages, system: System) -> None:
    nominations = system.nominations.client
    period = (await system.registry.client.get(f"/v1/clusters/{CLUSTER}/periods/{YEAR}")).json()
    members = [m["code"] for m in period["members"]]
    r = await nominations.post("/v1/conferences", headers=system.auth("province", LEAD), json={
        "cluster_code": CLUSTER, "year": YEAR, "held_on": f"{YEAR}-12-18", "place": "Hội trường tỉnh Quảng Ninh",
        "chair": {"name": "Nguyễn Văn A", "position": "Giám đốc Sở Nội vụ"},
        "secretary": {"name": "Trần Thị B", "position": "Trưởng ban Thi đua - Khen thưởng"}})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    for code in members:
        r = await nominations.post(f"/v1/conferences/{cid}/delegates", headers=system.auth("province", code),
                                   json={"unit_code": code, "name": f"Trưởng đoàn {code}",
                                         "position": "Giám đốc Sở Nội vụ", "votes": True})
        assert r.status_code == 201, r.text
    r = await nominations.post("/v1/rounds", headers=system.auth("province", LEAD), json={
        "cluster_code": CLUSTER, "year": YEAR, "award": "certificate_of_merit", "seats": 1, "conference_id": cid})
    assert r.status_code == 201, r.text

    desk = await pages.new(user=f"province-{LEAD}")
    await desk.goto(f"/conferences/{cid}/desk")
    await expect(desk.locator("[data-quorum]")).to_contain_text("Chưa đủ điều kiện biểu quyết")
    await desk.get_by_role("button", name="Khai mạc hội nghị").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã khai mạc hội nghị.")
    await expect(desk.locator("[data-conference-state]")).to_have_text("Đang họp")

    # A delegate on its phone, from the hall screen's QR link.
    screen = await pages.new(user=f"province-{LEAD}")
    await screen.goto(f"/conferences/{cid}/screen")
    await expect(screen.locator(".screen-qr svg")).to_be_visible()
    arrive = await screen.locator(".screen-url").inner_text()
    assert arrive.endswith(f"/conferences/{cid}/arrive")
    guest = members[1]
    phone = await pages.new(user=f"province-{guest}", phone=True)
    await phone.goto(f"/conferences/{cid}/arrive")
    await phone.get_by_role("button", name=f"Điểm danh Trưởng đoàn {guest}").click()
    await expect(phone.locator(FLASH)).to_have_text(f"Đã điểm danh Trưởng đoàn {guest}.")
    await expect(phone.locator("[data-checked-in]")).to_contain_text("Đã điểm danh lúc")
    await no_horizontal_scroll(phone)

    # The desk checks the others in until two thirds are present.
    needed = -(-len(members) * 2 // 3)
    for code in [c for c in members if c != guest][:needed - 1]:
        await desk.get_by_role("button", name=f"Điểm danh Trưởng đoàn {code}").click()
        await expect(desk.locator(FLASH)).to_have_text(f"Đã điểm danh Trưởng đoàn {code}.")
    await expect(desk.locator("[data-quorum]")).to_contain_text(f"Đủ điều kiện biểu quyết: {needed}/{len(members)}")
    await screen.reload()
    await expect(screen.locator("[data-present]")).to_contain_text(f"{needed}")
    await expect(screen.locator("[data-quorum]")).to_have_text("Đủ điều kiện biểu quyết")

    await desk.get_by_role("button", name="Mở bỏ phiếu").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã mở bỏ phiếu.")
    await expect(desk.locator("[data-round]")).to_contain_text("Đang bỏ phiếu")
