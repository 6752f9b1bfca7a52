"""The issue's done-when replay walked in the browser, from check-in to minutes, as far as the console
offers it: delegates check in on their phones or at the secretary's desk, the hall screen shows the
quorum, the desk opens each vote, phones vote, the hall screen shows the results, the election's
result becomes next year's leadership in the registry (through the real Celery worker), the covenant
adopted by motion is signed on the phones, the desk adjourns, confirms the minutes and downloads the
PDF, which holds it all.

It walks the 2023 northern story's steps on the demo's current cluster-year (2026, four members after
the mergers), not on 2023 itself: the demo has already decided 2024's leadership by rotation (a
registry never overwrites a decided year, so an election of 2024 could not be seen to write it) and
holds 2023's rounds. The API-level replay of 2023 itself is tests/nominations/conferences/test_replay_2023.py.
"""
from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, expect
from pypdf import PdfReader

from tests.console.conftest import Pages, System, no_horizontal_scroll, screenshot
from tests.console.test_conference_covenant import CRITERIA
from tests.nominations.scoring_support import celery_worker

pytestmark = pytest.mark.asyncio(loop_scope="session")
FLASH = "main > [role=status].notice-ok"
CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2026, "22"
BODY = {"cluster_code": CLUSTER, "year": YEAR, "held_on": f"{YEAR}-12-18", "place": "Hội trường UBND tỉnh Quảng Ninh",
        "chair": {"name": "Nguyễn Văn Chủ", "position": "Giám đốc Sở Nội vụ Quảng Ninh"},
        "secretary": {"name": "Trần Thị Thư", "position": "Trưởng ban Thi đua - Khen thưởng"},
        "agenda": [f"Tổng kết năm {YEAR}", "Bình xét thi đua", f"Bầu Cụm trưởng, Cụm phó {YEAR + 1}"]}


async def vote_on_phone(phone: Page, cid: str, round_id: str, heading: str, choice: str) -> None:
    """From the delegate's check-in page: one tap to the open vote, one choice, confirm, receipt."""
    await phone.goto(f"/conferences/{cid}/arrive")
    await phone.locator(f"[data-vote='{round_id}']").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    await phone.get_by_label(choice, exact=True).check()
    await phone.get_by_role("button", name="Tiếp tục").click()
    await phone.get_by_role("button", name="Xác nhận và gửi phiếu").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Biên nhận phiếu bầu")


async def test_the_conference_from_check_in_to_minutes_in_the_browser(pages: Pages, system: System,
                                                                      tmp_path: Path) -> None:
    nominations, registry = system.nominations.client, system.registry.client
    lead = system.auth("province", LEAD)
    # Next year's cluster-year, for the election to write its leadership into.
    r = await registry.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}", headers=system.auth("ministry"),
                           json={"copy_from": YEAR})
    assert r.status_code == 200, r.text
    names = {m["code"]: m["name"] for m in r.json()["members"]}
    others = [c for c in names if c != LEAD]
    a, b, absent = others[0], others[1], others[2]  # two delegates on phones; one unit sends nobody
    r = await nominations.post("/v1/conferences", headers=lead, json=BODY)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    delegates = {}
    for code in names:  # each unit names its delegate (here through the API; test_conference_forms.py: the page)
        r = await nominations.post(f"/v1/conferences/{cid}/delegates", headers=system.auth("province", code),
                                   json={"unit_code": code, "name": f"Trưởng đoàn {names[code]}",
                                         "position": "Giám đốc Sở Nội vụ", "votes": True})
        assert r.status_code == 201, r.text
        delegates[code] = r.json()["id"]

    desk = await pages.new(user=f"province-{LEAD}")
    await desk.goto(f"/conferences/{cid}/desk")
    await desk.get_by_role("button", name="Khai mạc hội nghị").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã khai mạc hội nghị.")
    await desk.get_by_role("button", name=f"Điểm danh Trưởng đoàn {names[LEAD]}").click()
    await expect(desk.locator(FLASH)).to_have_text(f"Đã điểm danh Trưởng đoàn {names[LEAD]}.")
    phones = {}
    for code in (a, b):
        phones[code] = phone = await pages.new(user=f"province-{code}", phone=True)
        await phone.goto(f"/conferences/{cid}/arrive")
        await phone.get_by_role("button", name=f"Điểm danh Trưởng đoàn {names[code]}").click()
        await expect(phone.locator("[data-checked-in]")).to_contain_text("Đã điểm danh lúc")
        await no_horizontal_scroll(phone)
    screen = await pages.new(user=f"province-{LEAD}")
    await screen.goto(f"/conferences/{cid}/screen")
    await expect(screen.locator("[data-present]")).to_have_text("3 / 4")
    await expect(screen.locator("[data-quorum]")).to_have_text("Đủ điều kiện biểu quyết")

    # The lead creates the votes through the API here (test_conference_forms.py: the desk's forms).
    async def round_of(**body: object) -> dict:
        r = await nominations.post("/v1/rounds", headers=lead,
                                   json={"cluster_code": CLUSTER, "year": YEAR, "conference_id": cid, **body})
        assert r.status_code == 201, r.text
        return r.json()
    flag = await round_of(award="ministry_flag", seats=1)
    elect_lead = await round_of(kind="election", post="lead")
    elect_deputy = await round_of(kind="election", post="deputy")
    report = await round_of(kind="motion", subject="year_report", title=f"Thông qua Báo cáo tổng kết năm {YEAR}")
    covenant = await round_of(kind="motion", subject="covenant", denominator="members", threshold="2/3",
                              threshold_comparison="at_least", title=f"Thông qua Giao ước thi đua năm {YEAR + 1}")
    rounds = [flag, elect_lead, elect_deputy, report, covenant]
    await desk.goto(f"/conferences/{cid}/desk")
    for _ in rounds:
        await desk.get_by_role("button", name="Mở bỏ phiếu").first.click()
        await expect(desk.locator(FLASH)).to_have_text("Đã mở bỏ phiếu.")
    new_lead, new_deputy = elect_lead["candidates"][0], elect_deputy["candidates"][0]

    # The phones vote; the delegate at the desk votes through the API.
    choices = {flag["id"]: {LEAD: b, a: b, b: a}, elect_lead["id"]: dict.fromkeys((LEAD, a, b), new_lead),
               elect_deputy["id"]: dict.fromkeys((LEAD, a, b), new_deputy),
               report["id"]: dict.fromkeys((LEAD, a, b), "yes"), covenant["id"]: dict.fromkeys((LEAD, a, b), "yes")}
    labels = {"yes": "Tán thành", **{c: n for c, n in names.items()}}
    for rnd in rounds:
        for code in (a, b):
            await vote_on_phone(phones[code], cid, rnd["id"], rnd["award_label"], labels[choices[rnd["id"]][code]])
        r = await nominations.post(f"/v1/rounds/{rnd['id']}/ballots", headers=lead,
                                   json={"choices": [choices[rnd["id"]][LEAD]]})
        assert r.status_code == 201, r.text
    await phones[a].goto(f"/conferences/{cid}/arrive")
    await expect(phones[a].locator("[data-vote]")).to_have_count(0)

    # The chair closes and certifies each vote (the round's page, as any vote: here through the API);
    # the election's certified result reaches the registry through the worker.
    with celery_worker(database_url=system.database_url, redis_url=system.redis_url,
                       log_path=tmp_path / "worker.log", queues="registry"):
        for rnd in rounds:
            for step in ("close", "certify"):
                r = await nominations.post(f"/v1/rounds/{rnd['id']}/{step}", headers=lead)
                assert r.status_code == 200, r.text
        for _ in range(120):
            period = (await registry.get(f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}")).json()
            if period["lead"] is not None and period["deputy"] is not None:
                break
            await asyncio.sleep(0.25)
        else:
            raise AssertionError((tmp_path / "worker.log").read_text()[-3000:])
    assert (period["lead"]["code"], period["deputy"]["code"], period["leadership_method"]) == (
        new_lead, new_deputy, "election")

    try:
        await screen.reload()
    except PlaywrightError:  # the hall screen reloaded itself that instant (live.js, on a change of state)
        await screen.wait_for_load_state()
    await expect(screen.locator(f"[data-result='{flag['id']}']")).to_contain_text(f"Đề nghị: {names[b]}")
    await expect(screen.locator(f"[data-result='{flag['id']}']")).to_contain_text(f"{names[b]}: 2")
    await expect(screen.locator(f"[data-result='{elect_lead['id']}']")).to_contain_text(f"Trúng cử: {names[new_lead]}")
    await expect(screen.locator(f"[data-result='{elect_deputy['id']}']")).to_contain_text(
        f"Trúng cử: {names[new_deputy]}")
    for motion in (report, covenant):
        await expect(screen.locator(f"[data-result='{motion['id']}']")).to_contain_text("Tán thành: 3")
        await expect(screen.locator(f"[data-result='{motion['id']}']")).to_contain_text("Thông qua")
    await screenshot(screen, "conference-replay-hall-results")

    # Next year's lead, as the registry now says, publishes the adopted covenant; every member signs it:
    # the delegates on their phones, the host and the absent unit with their own accounts.
    r = await nominations.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}/covenant",
                              headers=system.auth("province", new_lead), json={"criteria": CRITERIA, "publish": True})
    assert r.status_code == 200, r.text
    for code in (a, b):
        phone = phones[code]
        await phone.goto(f"/conferences/{cid}/covenant")
        await phone.get_by_label("Họ và tên người ký").fill(f"Giám đốc {names[code]}")
        await phone.get_by_label("Chức vụ").fill("Giám đốc Sở Nội vụ")
        await phone.get_by_role("button", name="Ký Giao ước").click()
        await expect(phone.locator(FLASH)).to_have_text("Đơn vị đã ký Giao ước.")
    await expect(phones[b].locator("[data-not-signed]")).to_contain_text(names[absent])
    for code in (LEAD, absent):
        r = await nominations.post(f"/v1/clusters/{CLUSTER}/periods/{YEAR + 1}/covenant/signatures",
                                   headers=system.auth("province", code),
                                   json={"signer_name": f"Giám đốc {names[code]}", "signer_position": "Giám đốc"})
        assert r.status_code == 201, r.text
    await phones[a].reload()
    await expect(phones[a].locator("[data-in-force]")).to_be_visible()
    # The hand-over of the flag has no form in the console either.
    r = await nominations.post(f"/v1/conferences/{cid}/hand-over", headers=lead,
                               json={"from_unit": LEAD, "to_unit": new_lead})
    assert r.status_code == 200, r.text

    await desk.goto(f"/conferences/{cid}/desk")
    await desk.get_by_role("button", name="Bế mạc hội nghị").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã bế mạc hội nghị.")
    await desk.get_by_role("button", name="Thư ký xác nhận biên bản").click()
    await expect(desk.locator(FLASH)).to_have_text("Đã ghi nhận xác nhận biên bản của Thư ký.")
    await desk.get_by_role("button", name="Chủ trì xác nhận biên bản").click()
    await expect(desk.locator("[data-minutes-frozen]")).to_be_visible()
    async with desk.expect_download() as download_info:
        await desk.locator("[data-minutes-pdf]").click()
    download = await download_info.value
    pdf = Path(await download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for line in (f"NĂM {YEAR}", names[b], names[new_lead], names[new_deputy], f"Giao ước thi đua năm {YEAR + 1}",
                 "3/4"):
        assert line in text, (line, text)
