"""The covenant signed on a delegate's 375 px phone: next year's covenant is published (here through
the API: the demo has no 2027 cluster-year), a member unit's account opens the conference's covenant
page, names its signer and signs; the page then shows who signed, when, and which members have not
signed yet, until every member has signed and the covenant is in force."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2026, "22"
CRITERIA = [
    {"code": "CM", "title": "Thực hiện nhiệm vụ chuyên môn", "group": "I", "max_points": 60},
    {"code": "CCHC", "title": "Cải cách hành chính", "group": "I", "max_points": 40},
]


async def conference_with_next_covenant(system: System) -> tuple[str, dict[str, str]]:
    """A 2026 conference, and the 2027 covenant published: what the demo lacks. Returns the
    conference's id and the members' names by code."""
    ministry = system.auth("ministry")
    r = await system.registry.client.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}", headers=ministry,
                                         json={"copy_from": YEAR})
    assert r.status_code == 200, r.text
    names = {m["code"]: m["name"] for m in r.json()["members"]}
    r = await system.nominations.client.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}/covenant", headers=ministry,
                                            json={"criteria": CRITERIA, "publish": True})
    assert r.status_code == 200, r.text
    r = await system.nominations.client.post("/v1/conferences", headers=system.auth("province", LEAD), json={
        "cluster_code": CLUSTER, "year": YEAR, "held_on": f"{YEAR}-12-19", "place": "Hội trường tỉnh Quảng Ninh",
        "chair": {"name": "Nguyễn Văn Chủ", "position": "Giám đốc Sở Nội vụ"},
        "secretary": {"name": "Trần Thị Thư", "position": "Trưởng ban Thi đua - Khen thưởng"}})
    assert r.status_code == 201, r.text
    return r.json()["id"], names


async def test_a_member_signs_next_years_covenant_on_its_phone(pages: Pages, system: System) -> None:
    cid, names = await conference_with_next_covenant(system)
    signer = next(code for code in names if code != LEAD)
    phone = await pages.new(user=f"province-{signer}", phone=True)
    await phone.goto(f"/conferences/{cid}/covenant")
    await expect(phone.get_by_role("heading", level=1)).to_have_text(f"Ký Giao ước thi đua năm {YEAR + 1}")
    await expect(phone.locator("main")).to_contain_text(f"Đơn vị {names[signer]} ký Giao ước thi đua")
    # Nobody has signed yet: every member is listed as not signed.
    for name in names.values():
        await expect(phone.locator("[data-not-signed]")).to_contain_text(name)
    await no_horizontal_scroll(phone)

    await phone.get_by_role("button", name="Ký Giao ước").click()  # the browser wants both fields first
    await expect(phone.locator("[data-signed]")).to_have_count(0)
    await phone.get_by_label("Họ và tên người ký").fill("Lê Văn Ký")
    await phone.get_by_label("Chức vụ").fill("Giám đốc Sở Nội vụ")
    await phone.get_by_role("button", name="Ký Giao ước").click()
    await expect(phone.locator(FLASH)).to_have_text("Đơn vị đã ký Giao ước.")
    await expect(phone.locator("[data-signed]")).to_contain_text("Đã ký: Lê Văn Ký, Giám đốc Sở Nội vụ, lúc ")
    await expect(phone.get_by_role("button", name="Ký Giao ước")).to_have_count(0)  # signed once, for good
    not_signed = phone.locator("[data-not-signed]")
    await expect(not_signed).not_to_contain_text(names[signer])
    for code, name in names.items():
        if code != signer:
            await expect(not_signed).to_contain_text(name)
    await no_horizontal_scroll(phone)
    await screenshot(phone, "conference-covenant-signed-phone")

    signatures = f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}/covenant/signatures"
    listed = (await system.nominations.client.get(signatures, headers=system.auth("province", signer))).json()
    assert [s["signer"] for s in listed["signatures"]] == [{"name": "Lê Văn Ký", "position": "Giám đốc Sở Nội vụ"}]
    # The others sign (through the API); the phone then reads the covenant as in force.
    for code in names:
        if code != signer:
            r = await system.nominations.client.post(signatures, headers=system.auth("province", code),
                                                     json={"signer_name": f"Giám đốc {code}",
                                                           "signer_position": "Giám đốc"})
            assert r.status_code == 201, r.text
    await phone.reload()
    await expect(phone.locator("[data-in-force]")).to_have_text("Giao ước có hiệu lực: tất cả đơn vị thành viên đã ký.")
    await expect(phone.locator("[data-not-signed]")).to_have_count(0)
