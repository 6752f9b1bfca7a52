"""Issue 18, finding 7: a lead does not review its own province's nominees; the ministry's staff
(the organiser) do, and the lead still reviews every other member's (through the HTTP API)."""
from __future__ import annotations

from tests.nominations.commendations.conftest import person
from tests.support import problem


async def test_the_lead_does_not_accept_or_return_its_own_provinces_nominees(comm):
    # Thái Bình (34) leads the cluster-year; it proposes one of its own, and Nam Định (36) one too.
    _, [own] = await comm.submitted("34", [person("Phạm Văn Đức")])
    _, [other] = await comm.submitted("36", [person("Lê Thị Mai")])
    for verb, body in (("accept", None), ("return", {"reason": "Thiếu hồ sơ"})):
        refused = problem(await comm.client.post(f"/v1/commendations/nominees/{own['id']}/{verb}",
                                                 headers=comm.province("34"), json=body), 403)
        assert "does not review its own" in refused["detail"]
    problem(await comm.client.post(f"/v1/commendations/nominees/{other['id']}/accept", headers=comm.ministry), 403)
    accepted = await comm.call("POST", f"/v1/commendations/nominees/{own['id']}/accept", comm.ministry)
    assert accepted["state"] == "accepted" and accepted["reviewed_by"] == "ministry"
    assert (await comm.accept(other["id"]))["state"] == "accepted"  # the lead reviews the others
    sent = await comm.send()
    assert sent["nominees"] == 2 and sorted(sent["provinces"]) == ["34", "36"]


async def test_the_console_offers_the_review_to_whom_the_api_gives_it(comm, registry, redis_url):
    from services.console.app import create_console_app
    from services.console.settings import ConsoleSettings
    from tests.hardening.test_accounts import STRONG, _add
    from tests.hardening.test_console_production import _signed_in
    from tests.nominations.conftest import CLUSTER
    from tests.support import serve

    _, [own] = await comm.submitted("34", [person("Phạm Văn Đức")])
    _, [other] = await comm.submitted("36", [person("Lê Thị Mai")])
    await _add(registry, "province-34", STRONG)
    await _add(registry, "ministry-staff", STRONG, role="ministry", province=None)
    settings = ConsoleSettings(redis_url=redis_url, registry_url=registry.url,
                               nominations_url=comm.vote.nominations.url, log_level="WARNING")
    async with serve(create_console_app(settings)) as console:
        pages = {}
        for username in ("province-34", "ministry-staff"):
            name, value = await _signed_in(console, username)
            console.client.cookies.clear()
            page = await console.client.get(f"/commendations/lists/{CLUSTER}/2023",
                                            headers={"Cookie": f"{name}={value}"})
            assert page.status_code == 200, page.text
            pages[username] = page.text

    def offered(html: str, nominee: dict) -> bool:
        return f'name="nominee_id" value="{nominee["id"]}"' in html
    assert offered(pages["province-34"], other) and not offered(pages["province-34"], own)
    assert offered(pages["ministry-staff"], own) and not offered(pages["ministry-staff"], other)
    assert "data-own-province" in pages["province-34"] and "Trình Bộ Nội vụ" not in pages["ministry-staff"]
