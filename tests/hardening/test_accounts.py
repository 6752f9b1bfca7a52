"""Findings 1, 3 and 8 (accounts): demo logins in production, sign-in throttling, password change,
disabled accounts whose tokens stop working everywhere, the password policy, and the
idempotency record of POST /v1/accounts."""
from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.encoders import jsonable_encoder

from services.registry.app import create_registry_app
from shared.production import UnsafeConfiguration
from tests.nominations.conftest import CLUSTER
from tests.support import problem, serve

STRONG = "Ngọn cờ thi đua 2026 của Bộ!"


async def _add(registry, username: str, password: str, *, role: str = "province", province: str | None = "34",
               demo: bool = False) -> None:
    from services.registry.passwords import hash_password

    async with registry.app.state.db.transaction() as conn:
        await conn.execute(
            """INSERT INTO registry.accounts (username, password_hash, role, province_code, demo)
               VALUES ($1, $2, $3, $4, $5)""", username, await hash_password(password), role, province, demo)


async def _start(app) -> None:
    """Run the app's start-up and shut-down (what uvicorn does before serving)."""
    async with app.router.lifespan_context(app):
        pass


async def _login(api, username: str, password: str, address: str | None = None):
    return await api.client.post("/v1/auth/token", data={"username": username, "password": password})


# ---------------------------------------------------------------- finding 1: demo logins

async def test_the_demo_seed_never_resets_an_existing_password(registry):
    from services.registry import demo

    await _add(registry, "ministry", STRONG, role="ministry", province=None)
    async with registry.app.state.db.transaction() as conn:
        assert await demo.seed(conn) is True
    problem(await _login(registry, "ministry", "demo"), 401)
    assert (await _login(registry, "ministry", STRONG)).status_code == 200
    # Accounts the seed did create are marked, so production can refuse them.
    async with registry.app.state.db.connection() as conn:
        marked = await conn.fetchval("SELECT count(*) FROM registry.accounts WHERE demo")
    assert marked == len(demo.demo_accounts()) - 1


async def test_production_refuses_demo_mode_missing_keys_and_demo_accounts(registry, registry_settings, signing_pem):
    with pytest.raises(UnsafeConfiguration, match="signing key"):
        create_registry_app(registry_settings.model_copy(update={"environment": "production",
                                                                 "jwt_private_key_pem": None}))
    demo_mode = registry_settings.model_copy(update={"environment": "production", "demo": True})
    with pytest.raises(UnsafeConfiguration, match="demo mode"):
        await _start(create_registry_app(demo_mode))
    # A demo name whose password is still "demo" (an old seed's upsert), then one the seed marked.
    await _add(registry, "province-30", "demo", province="30")
    production = registry_settings.model_copy(update={"environment": "production", "metrics_token": "m" * 32})
    with pytest.raises(UnsafeConfiguration, match="province-30"):
        await _start(create_registry_app(production))
    async with registry.app.state.db.transaction() as conn:
        await conn.execute("UPDATE registry.accounts SET password_hash = 'x', demo = true")
    with pytest.raises(UnsafeConfiguration, match="demo accounts"):
        await _start(create_registry_app(production))
    async with registry.app.state.db.transaction() as conn:
        await conn.execute("DELETE FROM registry.accounts")
    async with serve(create_registry_app(production)) as api:
        assert (await api.client.get("/healthz")).status_code == 200


def test_demo_data_only_under_the_demo_override(monkeypatch):
    import yaml

    from deploy import migrate
    from deploy.stack import ROOT

    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "--demo" not in base["services"]["migrate"]["command"]
    environments = [json.dumps(s.get("environment", {})) for s in base["services"].values()]
    assert not any("_DEMO" in e or "WEBHOOK_ALLOW_PRIVATE" in e for e in environments)
    demo = yaml.safe_load((ROOT / "docker-compose.demo.yml").read_text())
    assert "--demo" in demo["services"]["migrate"]["command"]
    monkeypatch.setenv("THIDUA_ENV", "production")
    monkeypatch.setattr("sys.argv", ["migrate", "--demo"])
    with pytest.raises(SystemExit):
        migrate.main()


# ---------------------------------------------------------------- finding 3: sign-in abuse

async def test_sign_in_is_throttled_before_any_hash(registry):
    await _add(registry, "province-34", STRONG)
    for _ in range(4):
        problem(await _login(registry, "province-34", "guess-guess-guess"), 401)
    body = problem(await _login(registry, "province-34", STRONG), 429)  # even the right password waits
    assert body["type"].endswith("signin-throttled")
    r = await _login(registry, "province-34", STRONG)
    assert 0 < int(r.headers["retry-after"]) <= 2
    # Another account is not affected by this one's failures.
    await _add(registry, "province-33", STRONG, province="33")
    assert (await _login(registry, "province-33", STRONG)).status_code == 200


async def test_sign_in_is_throttled_by_client_address(registry_settings):
    settings = registry_settings.model_copy(update={"signin_address_attempts": 4})
    async with serve(create_registry_app(settings)) as api:
        statuses = [(await _login(api, f"nobody-{i}", "whatever-whatever")).status_code for i in range(6)]
        assert statuses == [401] * 4 + [429] * 2
        r = await _login(api, "nobody-9", "x")
        assert problem(r, 429) and 0 < int(r.headers["retry-after"]) <= 60


async def test_argon2_cost_is_configurable(registry_settings):
    settings = registry_settings.model_copy(update={"argon2_time_cost": 2, "argon2_memory_kib": 8192,
                                                    "argon2_parallelism": 1})
    create_registry_app(settings)
    from services.registry import passwords

    try:
        assert "$m=8192,t=2,p=1$" in passwords.hash_password_sync("x")
    finally:
        passwords.configure(time_cost=3, memory_kib=65536, parallelism=4)


async def test_password_change_revokes_older_tokens(registry):
    await _add(registry, "province-34", STRONG)
    old = (await _login(registry, "province-34", STRONG)).json()["access_token"]
    headers = registry.auth(old)
    weak = await registry.client.post("/v1/accounts/me/password", headers=headers,
                                      json={"current_password": STRONG, "new_password": "password1234"})
    assert problem(weak, 422)["errors"][0]["field"] == "new_password"
    wrong = await registry.client.post("/v1/accounts/me/password", headers=headers,
                                       json={"current_password": "not-it", "new_password": STRONG + "x"})
    assert problem(wrong, 403)["errors"][0]["field"] == "current_password"
    new_password = "Hội nghị tổng kết cụm, Thái Bình"
    r = await registry.client.post("/v1/accounts/me/password", headers=headers,
                                   json={"current_password": STRONG, "new_password": new_password})
    assert r.status_code == 204, r.text
    assert problem(await registry.client.get("/v1/accounts/me", headers=headers), 401)["type"].endswith("revoked")
    problem(await _login(registry, "province-34", STRONG), 401)
    fresh = (await _login(registry, "province-34", new_password)).json()["access_token"]
    assert (await registry.client.get("/v1/accounts/me", headers=registry.auth(fresh))).status_code == 200


async def test_a_disabled_accounts_tokens_stop_working_on_every_service(vote, registry, nominations, issue_token):
    await _add(registry, "province-34", STRONG)
    token = (await _login(registry, "province-34", STRONG)).json()["access_token"]
    round_body = {"cluster_code": CLUSTER, "year": 2023, "award": "government_flag", "seats": 1}
    r = await nominations.client.post("/v1/rounds", headers=nominations.auth(token), json=round_body)
    assert r.status_code == 201, r.text
    ministry = registry.auth(issue_token("ministry"))
    problem(await registry.client.post("/v1/accounts/province-34/disable",
                                       headers=registry.auth(token)), 403)
    r = await registry.client.post("/v1/accounts/province-34/disable", headers=ministry)
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["disabled_by"] == "ministry"
    # Verifiers read the floors from Redis every few seconds: wait for the nominations service.
    from tests.notifications.conftest import eventually

    async def refused() -> bool:
        resp = await nominations.client.post("/v1/rounds", headers=nominations.auth(token), json=round_body)
        return resp.status_code == 401 and resp.json()["type"].endswith("token-revoked")

    await eventually(refused, timeout=20, message="the disabled account's token to be refused")
    problem(await registry.client.get("/v1/accounts/me", headers=registry.auth(token)), 401)
    problem(await _login(registry, "province-34", STRONG), 401)
    assert (await registry.client.post("/v1/accounts/province-34/enable", headers=ministry)).json()["active"]
    again = (await _login(registry, "province-34", STRONG)).json()["access_token"]
    assert (await nominations.client.get("/v1/rounds", headers=nominations.auth(again))).status_code == 200


async def test_weak_passwords_are_refused_when_accounts_are_created(registry, issue_token):
    ministry = registry.auth(issue_token("ministry"))
    for weak in ("short-1", "province-22-2026", "password1234", "qwertyuiopasdf"):
        r = await registry.client.post("/v1/accounts", headers=ministry, json={
            "username": "province-22", "password": weak, "role": "province", "province_code": "22"})
        assert problem(r, 422)["errors"][0]["field"] == "password", weak


# ---------------------------------------------------------------- finding 8: idempotency record

async def test_the_idempotency_record_of_an_account_holds_no_plain_hash_of_its_password(registry, issue_token):
    body = {"username": "province-22", "password": STRONG, "role": "province", "province_code": "22"}
    r = await registry.client.post("/v1/accounts", json=body, headers={
        **registry.auth(issue_token("ministry")), "Idempotency-Key": "acct-22"})
    assert r.status_code == 201, r.text
    async with registry.app.state.db.connection() as conn:
        stored = await conn.fetchval("SELECT request_hash FROM registry.idempotency_keys WHERE key = 'acct-22'")
    full = {**body, "display_name": None}
    plain = hashlib.sha256(json.dumps(jsonable_encoder(full), sort_keys=True, ensure_ascii=False,
                                      separators=(",", ":")).encode()).hexdigest()
    assert stored and plain not in stored and STRONG not in stored
    replay = await registry.client.post("/v1/accounts", json=body, headers={
        **registry.auth(issue_token("ministry")), "Idempotency-Key": "acct-22"})
    assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
