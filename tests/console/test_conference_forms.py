"""Preparing the conference in the console, in a real browser: a member unit names two delegates
(one voting) on a 375 px phone, the API's refusal of a second voter shown beside its field; the
secretary's desk sees them on its roster, creates next year's election (lead and deputy) and a
motion (a bad threshold refused beside its field), opens them with its own controls, and they appear
on the delegate's phone."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2026, "22"
MOTION = f"Thông qua Giao ước thi đua năm {YEAR + 1}"


async def test_a_unit_names_its_delegates_and_the_desk_creates_the_votes(pages: Pages, system: System) -> None:
    nominations = system.nominations.client
    period = (await system.registry.client.get(f"/v1/clusters/{CLUSTER}/periods/{YEAR}")).json()
    members = [m["code"] for m in period["members"]]
    unit = next(c for c in members if c != LEAD)
    r = await nominations.post("/v1/conferences", headers=system.auth("province", LEAD), json={
        "cluster_code": CLUSTER, "year": YEAR, "held_on": f"{YEAR}-12-18", "place": "Hội trường tỉnh Quảng Ninh",
        "chair": {"name": "Nguyễn Văn A", "position": "Giám đốc Sở Nội vụ"},
        "secretary": {"name": "Trần Thị B", "position": "Trưởng ban Thi đua - Khen thưởng"}})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]

    # The unit's page on a phone: a missing name is refused beside its field, then two delegates.
    phone = await pages.new(user=f"province-{unit}", phone=True)
    await phone.goto(f"/conferences/{cid}/arrive")
    await phone.locator("[data-name-delegates]").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Đăng ký đại biểu dự hội nghị")
    await expect(phone.locator("[data-roster-empty]")).to_be_visible()
    stale = await phone.context.new_page()  # a second tab, opened before the voter is named
    await stale.goto(f"/conferences/{cid}/delegates")
    await phone.get_by_label("Chức vụ").fill("Giám đốc Sở Nội vụ")
    await phone.get_by_role("button", name="Đăng ký đại biểu").click()
    await expect(phone.locator("#err-name")).to_have_text("Trường này là bắt buộc.")
    await expect(phone.get_by_label("Chức vụ")).to_have_value("Giám đốc Sở Nội vụ")
    assert phone.url.endswith(f"/conferences/{cid}/delegates")  # post/redirect/get, even refused
    await phone.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    await expect(phone.get_by_label("Đại biểu này biểu quyết thay đơn vị")).to_be_checked()
    await phone.get_by_role("button", name="Đăng ký đại biểu").click()
    await expect(phone.locator(FLASH)).to_have_text("Đã đăng ký đại biểu Nguyễn Thị Lan.")
    await expect(phone.locator("[data-voter]")).to_have_count(1)
    await expect(phone.locator("[data-has-voter]")).to_be_visible()

    # The stale tab still offers the vote: the API's 409 names the field, shown beside it.
    await stale.get_by_label("Họ và tên").fill("Trần Văn Minh")
    await stale.get_by_label("Chức vụ").fill("Phó Giám đốc Sở Nội vụ")
    await stale.get_by_role("button", name="Đăng ký đại biểu").click()
    await expect(stale.locator("#err-votes")).to_have_text("Đơn vị đã có đại biểu biểu quyết.")
    await expect(stale.get_by_label("Họ và tên")).to_have_value("Trần Văn Minh")
    await stale.close()

    await phone.get_by_label("Họ và tên").fill("Trần Văn Minh")
    await phone.get_by_label("Chức vụ").fill("Phó Giám đốc Sở Nội vụ")
    await phone.get_by_role("button", name="Đăng ký đại biểu").click()
    await expect(phone.locator(FLASH)).to_have_text("Đã đăng ký đại biểu Trần Văn Minh.")
    await expect(phone.locator("[data-delegate]")).to_have_count(2)
    await no_horizontal_scroll(phone)
    await screenshot(phone, "conference-delegates-phone")
    roster = (await nominations.get(f"/v1/conferences/{cid}/delegates",
                                    headers=system.auth("province", LEAD))).json()["items"]
    assert sorted((d["name"], d["votes"]) for d in roster) == [("Nguyễn Thị Lan", True), ("Trần Văn Minh", False)]
    # The quorum needs two more units: their voting delegates, named through the API.
    for code in [c for c in members if c != unit][:2]:
        r = await nominations.post(f"/v1/conferences/{cid}/delegates", headers=system.auth("province", code),
                                   json={"unit_code": code, "name": f"Trưởng đoàn {code}",
                                         "position": "Giám đốc Sở Nội vụ", "votes": True})
        assert r.status_code == 201, r.text

    # The desk sees the unit's two delegates; it creates the election of both posts and a motion.
    desk = await pages.new(user=f"province-{LEAD}")
    await desk.goto(f"/conferences/{cid}/desk")
    for name, votes in (("Nguyễn Thị Lan", "Có"), ("Trần Văn Minh", "Không")):
        row = desk.locator("tr[data-delegate]", has_text=name)
        await expect(row.locator("td").nth(2)).to_have_text(votes)
    for post in ("Cụm trưởng", "Cụm phó"):
        await desk.get_by_role("link", name="Tạo cuộc bầu Cụm trưởng, Cụm phó").click()
        await expect(desk.get_by_role("heading", level=1)).to_have_text(f"Bầu Cụm trưởng, Cụm phó năm {YEAR + 1}")
        await desk.get_by_label(f"{post} năm {YEAR + 1}").check()
        if post == "Cụm trưởng":
            await screenshot(desk, "conference-new-election-desktop")
        await desk.get_by_role("button", name="Tạo cuộc bầu").click()
        await expect(desk.locator(FLASH)).to_contain_text("Đã tạo cuộc bầu")
    await desk.get_by_role("link", name="Tạo nội dung biểu quyết").click()
    await desk.get_by_label("Nội dung biểu quyết", exact=True).fill(MOTION)
    await desk.get_by_label("Nội dung thông qua").select_option("covenant")
    await desk.get_by_label("Tỷ lệ thông qua").fill("hai phần ba")
    await desk.get_by_label("Cách so với tỷ lệ").select_option("at_least")
    await desk.get_by_label("Tổng số đơn vị thành viên").check()
    await desk.get_by_role("button", name="Tạo nội dung biểu quyết").click()
    await expect(desk.locator("#err-threshold")).to_have_text("Nhập tỷ lệ dạng phân số, ví dụ 2/3.")
    await expect(desk.get_by_label("Nội dung biểu quyết", exact=True)).to_have_value(MOTION)
    await expect(desk.get_by_label("Tổng số đơn vị thành viên")).to_be_checked()
    await screenshot(desk, "conference-new-motion-error-desktop")
    await desk.get_by_label("Tỷ lệ thông qua").fill("3/2")  # a fraction, refused by the API: beside its field
    await desk.get_by_role("button", name="Tạo nội dung biểu quyết").click()
    await expect(desk.locator("#err-threshold")).to_be_visible()
    assert await desk.locator("#err-threshold").inner_text() != "Nhập tỷ lệ dạng phân số, ví dụ 2/3."
    await desk.get_by_label("Tỷ lệ thông qua").fill("2/3")
    await desk.get_by_role("button", name="Tạo nội dung biểu quyết").click()
    await expect(desk.locator(FLASH)).to_contain_text("Đã tạo nội dung biểu quyết")
    await expect(desk.locator("[data-round]")).to_have_count(3)
    await screenshot(desk, "conference-desk-votes-desktop")
    rounds = (await nominations.get(f"/v1/conferences/{cid}", headers=system.auth("province", LEAD))).json()["rounds"]
    made = [(await nominations.get(f"/v1/rounds/{i}", headers=system.auth("province", LEAD))).json() for i in rounds]
    assert sorted((m["kind"], m.get("post")) for m in made) == [("election", "deputy"), ("election", "lead"),
                                                                 ("motion", None)]
    motion = next(m for m in made if m["kind"] == "motion")
    assert (motion["title"], motion["subject"], motion["denominator"], motion["threshold_comparison"]) == \
        (MOTION, "covenant", "members", "at_least")

    # A member that is not the lead posts the same form: the API refuses it, the page says so in
    # Vietnamese above the form, and no round is created.
    await phone.goto(f"/conferences/{cid}/elections/new")
    await phone.get_by_label(f"Cụm trưởng năm {YEAR + 1}").check()
    await phone.get_by_role("button", name="Tạo cuộc bầu").click()
    await expect(phone.locator("[role=alert].notice-error")).to_contain_text("Bạn không có quyền thực hiện thao tác này.")
    after = (await nominations.get(f"/v1/conferences/{cid}", headers=system.auth("province", LEAD))).json()["rounds"]
    assert sorted(after) == sorted(rounds)

    # The session opens, the quorum comes, the desk opens each vote; the phone sees them.
    await desk.get_by_role("button", name="Khai mạc hội nghị").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã khai mạc hội nghị.")
    for name in ["Nguyễn Thị Lan"] + [f"Trưởng đoàn {c}" for c in [c for c in members if c != unit][:2]]:
        await desk.get_by_role("button", name=f"Điểm danh {name}").click()
        await expect(desk.locator(FLASH)).to_have_text(f"Đã điểm danh {name}.")
    for _ in rounds:
        await desk.get_by_role("button", name="Mở bỏ phiếu").first.click()
        await expect(desk.locator(FLASH)).to_have_text("Đã mở bỏ phiếu.")
    await phone.goto(f"/conferences/{cid}/arrive")
    await expect(phone.locator("[data-vote]")).to_have_count(3)
    await expect(phone.locator(f"[data-vote='{motion['id']}']")).to_have_text(motion["award_label"])
    await no_horizontal_scroll(phone)
    await screenshot(phone, "conference-arrive-votes-phone")


async def test_the_new_pages_on_a_phone_and_a_desktop(pages: Pages, system: System) -> None:
    """The three new pages fit a 375 px phone (screenshots for the eye), in English too."""
    r = await system.nominations.client.post("/v1/conferences", headers=system.auth("province", LEAD), json={
        "cluster_code": CLUSTER, "year": YEAR, "held_on": f"{YEAR}-12-19", "place": "Hội trường tỉnh Quảng Ninh",
        "chair": {"name": "Nguyễn Văn A", "position": "Giám đốc Sở Nội vụ"},
        "secretary": {"name": "Trần Thị B", "position": "Trưởng ban Thi đua - Khen thưởng"}})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    outsider = await pages.new(user="ministry")  # no member unit of the cluster-year: no form, a plain note
    await outsider.goto(f"/conferences/{cid}/delegates")
    await expect(outsider.locator("[data-not-member]")).to_be_visible()
    await expect(outsider.locator("form.delegate-form")).to_have_count(0)
    for lang in ("vi", "en"):
        phone = await pages.new(user=f"province-{LEAD}", phone=True, lang=lang)
        desktop = await pages.new(user=f"province-{LEAD}", lang=lang)
        for path, name in (("delegates", "delegates"), ("elections/new", "new-election"),
                           ("motions/new", "new-motion")):
            for page, device in ((phone, "phone"), (desktop, "desktop")):
                await page.goto(f"/conferences/{cid}/{path}")
                await expect(page.locator("form.delegate-form, form.vote-form")).to_be_visible()
                await no_horizontal_scroll(page)
                await screenshot(page, f"conference-{name}-{device}-{lang}")
