"""Accounts, tokens, role checks."""
import time

import jwt
import pytest

from shared.auth import TokenIssuer, generate_private_key
from tests.support import problem


@pytest.fixture
async def accounts(registry, demo_password_hash):
    from services.registry.store import accounts as store

    async with registry.app.state.db.transaction() as conn:
        await store.upsert(conn, username="ministry", password_hash=demo_password_hash, role="ministry",
                           province_code=None, display_name="Vụ Thi đua")
        await store.upsert(conn, username="province-34", password_hash=demo_password_hash, role="province",
                           province_code="34", display_name=None)


async def _login(registry, username, password):
    return await registry.client.post("/v1/auth/token", data={"username": username, "password": password})


async def test_password_login_issues_a_verifiable_eddsa_token(registry, accounts):
    r = await _login(registry, "province-34", "demo")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and 0 < body["expires_in"] <= 900
    jwks = (await registry.client.get("/.well-known/jwks.json")).json()
    key = jwks["keys"][0]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA" and "d" not in key
    claims = jwt.decode(body["access_token"], jwt.PyJWK(key).key, algorithms=["EdDSA"], audience="thidua")
    assert claims["role"] == "province" and claims["province"] == "34" and claims["sub"] == "province-34"
    me = await registry.client.get("/v1/accounts/me", headers=registry.auth(body["access_token"]))
    assert me.json() == {"username": "province-34", "role": "province", "province_code": "34"}


async def test_wrong_password_and_unknown_user_are_401(registry, accounts):
    problem(await _login(registry, "province-34", "wrong"), 401)
    problem(await _login(registry, "nobody", "demo"), 401)
    problem(await registry.client.post("/v1/auth/token", data={"username": "x"}), 422)


async def test_expired_and_forged_tokens_are_rejected(registry, issue_token):
    expired = issue_token("ministry", ttl=-45)  # beyond the 30 s clock-skew leeway
    body = problem(await registry.client.get("/v1/accounts/me", headers=registry.auth(expired)), 401)
    assert body["type"].endswith("token-expired")
    # Signed by another key that claims to be the registry's.
    forger = TokenIssuer(generate_private_key(), issuer="thidua-registry", audience="thidua", ttl_seconds=60)
    forger.kid = registry.app.state.issuer.kid
    forged, _ = forger.issue(subject="ministry", role="ministry", province=None)
    problem(await registry.client.get("/v1/accounts/me", headers=registry.auth(forged)), 401)
    # An unsigned token ("alg": "none") and a tampered payload.
    none_token = jwt.encode({"sub": "ministry", "role": "ministry", "exp": int(time.time()) + 60}, None, algorithm="none")
    problem(await registry.client.get("/v1/accounts/me", headers=registry.auth(none_token)), 401)
    good = issue_token("province", "34")
    head, payload, sig = good.split(".")
    tampered = ".".join([head, jwt.utils.base64url_encode(b'{"sub":"ministry","role":"ministry"}').decode(), sig])
    problem(await registry.client.get("/v1/accounts/me", headers=registry.auth(tampered)), 401)
    problem(await registry.client.get("/v1/accounts/me", headers={"Authorization": "Bearer not-a-jwt"}), 401)


async def test_only_ministry_creates_accounts(registry, issue_token, accounts):
    body = {"username": "province-22", "password": "a-long-password", "role": "province", "province_code": "22"}
    problem(await registry.client.post("/v1/accounts", json=body,
                                       headers=registry.auth(issue_token("province", "34"))), 403)
    r = await registry.client.post("/v1/accounts", json=body, headers=registry.auth(issue_token("ministry")))
    assert r.status_code == 201, r.text
    assert r.json()["province_code"] == "22" and "a-long-password" not in r.text and "password_hash" not in r.text
    assert (await _login(registry, "province-22", "a-long-password")).status_code == 200
    problem(await registry.client.post("/v1/accounts", json=body, headers=registry.auth(issue_token("ministry"))), 409)
    bad = problem(await registry.client.post("/v1/accounts", headers=registry.auth(issue_token("ministry")),
                                             json={**body, "username": "p-x", "province_code": None}), 422)
    assert bad["errors"]
    bad = problem(await registry.client.post("/v1/accounts", headers=registry.auth(issue_token("ministry")),
                                             json={**body, "username": "p-y", "province_code": "03"}), 422)
    assert bad["errors"][0]["field"] == "province_code"
    async with registry.app.state.db.connection() as conn:
        audit = await conn.fetch("SELECT actor, action, target FROM registry.audit_log WHERE action = 'account.create'")
        stored = await conn.fetchval("SELECT password_hash FROM registry.accounts WHERE username = 'province-22'")
    assert [(a["actor"], a["target"]) for a in audit] == [("ministry", "account:province-22")]
    assert stored.startswith("$argon2id$")


async def test_health_readiness_metrics_and_docs(registry):
    assert (await registry.client.get("/healthz")).json() == {"status": "ok"}
    ready = await registry.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"postgres": "ok", "redis": "ok"}
    await registry.client.get("/v1/provinces")
    metrics = (await registry.client.get("/metrics")).text
    assert 'thidua_http_requests_total{method="GET",route="/v1/provinces",service="registry",status="200"}' in metrics
    assert (await registry.client.get("/openapi.json")).json()["info"]["title"] == "thidua registry"
    assert (await registry.client.get("/docs")).status_code == 200
    r = await registry.client.get("/healthz", headers={"X-Request-ID": "req-123"})
    assert r.headers["x-request-id"] == "req-123"


async def test_text_postgresql_cannot_store_is_a_422_naming_the_field(registry, issue_token, accounts):
    # Found by fuzzing: a NUL character reached PostgreSQL, whose "invalid byte sequence" 422 named no field.
    r = await registry.client.post("/v1/auth/token", data={"username": "province-34\x00", "password": "demo"})
    assert problem(r, 422)["errors"][0]["field"] == "username"
    ministry = registry.auth(issue_token("ministry"))
    body = {"username": "province-22", "password": "a-long-password", "role": "province", "province_code": "22",
            "display_name": "Sở Nội vụ\x00"}
    r = await registry.client.post("/v1/accounts", json=body, headers=ministry)
    assert problem(r, 422)["errors"][0]["field"] == "display_name"
    async with registry.app.state.db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM registry.accounts WHERE username = 'province-22'") == 0
