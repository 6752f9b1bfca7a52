"""The conference's votes in a real browser: the desk opens a motion, a delegate votes on a 375 px
phone (one of yes / no / abstain) from its check-in page, the hall screen shows the result as the
chair announces it, and after the adjournment the desk confirms the minutes, which then read as
final and print with the vote."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2026, "22"


async def test_a_motion_from_the_desk_to_the_phone_the_hall_and_the_minutes(pages: Pages, system: System) -> None:
    nominations = system.nominations.client
    lead = system.auth("province", LEAD)
    period = (await system.registry.client.get(f"/v1/clusters/{CLUSTER}/periods/{YEAR}")).json()
    members = [m["code"] for m in period["members"]]
    r = await nominations.post("/v1/conferences", headers=lead, json={
        "cluster_code": CLUSTER, "year": YEAR, "held_on": f"{YEAR}-12-19", "place": "Hội trường tỉnh Quảng Ninh",
        "chair": {"name": "Nguyễn Văn Chủ", "position": "Giám đốc Sở Nội vụ"},
        "secretary": {"name": "Trần Thị Thư", "position": "Trưởng ban Thi đua - Khen thưởng"}})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    delegates = {}
    for code in members:
        r = await nominations.post(f"/v1/conferences/{cid}/delegates", headers=system.auth("province", code),
                                   json={"unit_code": code, "name": f"Đại biểu {code}", "position": "Giám đốc",
                                         "votes": True})
        delegates[code] = r.json()["id"]
    assert (await nominations.post(f"/v1/conferences/{cid}/open", headers=lead)).status_code == 200
    for code in members:
        await nominations.post(f"/v1/conferences/{cid}/check-ins", headers=lead, json={"delegate_id": delegates[code]})
    r = await nominations.post("/v1/rounds", headers=lead, json={
        "cluster_code": CLUSTER, "year": YEAR, "kind": "motion", "subject": "year_report", "conference_id": cid,
        "title": f"Thông qua Báo cáo tổng kết năm {YEAR}"})
    assert r.status_code == 201, r.text
    motion = r.json()["id"]
    r = await nominations.post("/v1/rounds", headers=lead, json={
        "cluster_code": CLUSTER, "year": YEAR, "kind": "election", "post": "lead", "conference_id": cid})
    assert r.status_code == 201, r.text
    election = r.json()
    [candidate] = election["candidates"]  # the next in the rotation after this year's lead

    desk = await pages.new(user=f"province-{LEAD}")
    await desk.goto(f"/conferences/{cid}/desk")
    await expect(desk.locator(f"[data-round='{motion}']")).to_contain_text(f"Thông qua Báo cáo tổng kết năm {YEAR}")
    for _ in range(2):
        await desk.get_by_role("button", name="Mở bỏ phiếu").first.click()
        await expect(desk.locator(FLASH)).to_have_text("Đã mở bỏ phiếu.")

    voter = members[1]
    phone = await pages.new(user=f"province-{voter}", phone=True)
    await phone.goto(f"/conferences/{cid}/arrive")
    await phone.locator(f"[data-vote='{motion}']").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text(f"Thông qua Báo cáo tổng kết năm {YEAR}")
    choice = phone.get_by_label("Tán thành", exact=True)
    assert await choice.get_attribute("type") == "radio"
    await choice.check()
    await phone.get_by_role("button", name="Tiếp tục").click()
    await phone.get_by_role("button", name="Xác nhận và gửi phiếu").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Biên nhận phiếu bầu")
    await no_horizontal_scroll(phone)
    # ...and elects next year's lead: one unit, by default the next in the rotation.
    await phone.goto(f"/conferences/{cid}/arrive")
    await phone.locator(f"[data-vote='{election['id']}']").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text(f"Bầu Cụm trưởng năm {YEAR + 1}")
    await phone.get_by_label(election["names"][candidate], exact=True).check()
    await phone.get_by_role("button", name="Tiếp tục").click()
    await phone.get_by_role("button", name="Xác nhận và gửi phiếu").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Biên nhận phiếu bầu")
    await phone.goto(f"/conferences/{cid}/arrive")
    await expect(phone.locator("[data-vote]")).to_have_count(0)  # nothing left to vote on
    for code in members:
        if code != voter:
            r = await nominations.post(f"/v1/rounds/{motion}/ballots", headers=system.auth("province", code),
                                       json={"choices": ["yes" if code != members[-1] else "abstain"]})
            assert r.status_code == 201, r.text
    # The lead closes and certifies it on the round's page, as any vote.
    await desk.goto(f"/lead/rounds/{motion}")
    await expect(desk.locator("h1")).to_contain_text(f"Thông qua Báo cáo tổng kết năm {YEAR}")
    assert (await nominations.post(f"/v1/rounds/{motion}/close", headers=lead)).status_code == 200
    await desk.reload()
    await expect(desk.locator("main")).to_contain_text("Tán thành")
    assert (await nominations.post(f"/v1/rounds/{motion}/certify", headers=lead)).status_code == 200

    screen = await pages.new(user=f"province-{LEAD}")
    await screen.goto(f"/conferences/{cid}/screen")
    result = screen.locator(f"[data-result='{motion}']")
    await expect(result).to_contain_text(f"Tán thành: {len(members) - 1}")
    await expect(result).to_contain_text("Không biểu quyết: 1")
    await expect(result).to_contain_text("Thông qua")

    assert (await nominations.post(f"/v1/conferences/{cid}/adjourn", headers=lead)).status_code == 200
    await desk.goto(f"/conferences/{cid}/desk")
    await desk.get_by_role("button", name="Thư ký xác nhận biên bản").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã ghi nhận xác nhận biên bản của Thư ký.")
    await desk.get_by_role("button", name="Chủ trì xác nhận biên bản").click()
    await expect(desk.locator("[data-minutes-frozen]")).to_be_visible()
    await desk.goto(f"/conferences/{cid}/minutes")
    await expect(desk.locator("h1")).to_have_text(f"BIÊN BẢN HỘI NGHỊ TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM {YEAR}")
    await expect(desk.locator("body")).to_contain_text(f"Thông qua Báo cáo tổng kết năm {YEAR}: tán thành")
    await expect(desk.locator("body")).to_contain_text("Biên bản đã được Chủ trì xác nhận")
