"""Issue 18, finding 4: nobody can keep an account out by failing its password, guessing still
gets slower and slower, and argon2 work has a global budget (through the HTTP API; addresses
come through loopback, a trusted proxy, as X-Forwarded-For)."""
from __future__ import annotations

from services.registry.app import create_registry_app
from tests.hardening.test_accounts import STRONG, _add
from tests.support import problem, serve


async def _sign_in(api, username: str, password: str, address: str):
    return await api.client.post("/v1/auth/token", data={"username": username, "password": password},
                                 headers={"X-Forwarded-For": address})


async def test_an_attackers_failures_do_not_keep_the_owner_out(registry):
    await _add(registry, "ministry-ops", STRONG, role="ministry", province=None)
    office = "198.51.100.20"
    assert (await _sign_in(registry, "ministry-ops", STRONG, office)).status_code == 200  # the usual place
    # Someone fails the ministry's password over and over, from one address and from many.
    statuses = [(await _sign_in(registry, "ministry-ops", f"guess-{i}", "203.0.113.9")).status_code
                for i in range(8)]
    assert statuses == [401] * 4 + [429] * 4  # the same address: waits after 3 free failures
    body = problem(await _sign_in(registry, "ministry-ops", STRONG, "203.0.113.9"), 429)  # even the right one
    assert body["type"].endswith("signin-throttled")
    # From ever new addresses: 10 free failures for the account's unknown addresses (4 spent above).
    spread = [(await _sign_in(registry, "ministry-ops", f"guess-{i}", f"192.0.2.{i}")).status_code
              for i in range(10)]
    assert spread == [401] * 7 + [429] * 3
    # The owner, where it usually signs in, still gets in at once, again and again.
    for _ in range(2):
        assert (await _sign_in(registry, "ministry-ops", STRONG, office)).status_code == 200
    # A wrong password from the owner's own address is one of its own failures, not a lock.
    problem(await _sign_in(registry, "ministry-ops", "typo-typo-typo", office), 401)
    assert (await _sign_in(registry, "ministry-ops", STRONG, office)).status_code == 200


async def test_waits_grow_with_each_failure_and_say_when_to_come_back(registry_settings):
    settings = registry_settings.model_copy(update={"signin_delay_base_seconds": 30.0})
    async with serve(create_registry_app(settings)) as api:
        await _add(api, "province-34", STRONG)
        for _ in range(3):
            problem(await _sign_in(api, "province-34", "guess-guess", "203.0.113.5"), 401)
        problem(await _sign_in(api, "province-34", "guess-guess", "203.0.113.5"), 401)  # the 4th: waits start
        first = await _sign_in(api, "province-34", "guess-guess", "203.0.113.5")
        problem(first, 429)
        assert 25 <= int(first.headers["retry-after"]) <= 30


async def test_argon2_work_has_a_global_budget_that_leaves_room_for_known_addresses(registry_settings):
    settings = registry_settings.model_copy(update={"signin_hash_budget": 4, "signin_unknown_hash_share": 0.5,
                                                    "signin_hash_budget_window_seconds": 3600})
    async with serve(create_registry_app(settings)) as api:
        await _add(api, "province-34", STRONG)
        assert (await _sign_in(api, "province-34", STRONG, "198.51.100.34")).status_code == 200  # 1 of 4
        # Guesses from ever new addresses at ever new accounts: the unknown share (2) is soon spent.
        statuses = [(await _sign_in(api, f"nobody-{i}", "guess-guess", f"203.0.113.{i}")).status_code
                    for i in range(4)]
        assert statuses == [401, 429, 429, 429]
        body = problem(await _sign_in(api, "nobody-9", "guess-guess", "203.0.113.99"), 429)
        assert body["type"].endswith("signin-busy")
        # The owner at its known address still has room.
        assert (await _sign_in(api, "province-34", STRONG, "198.51.100.34")).status_code == 200
