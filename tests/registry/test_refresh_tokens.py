"""Refresh tokens: rotation, hashes only, revocation at sign-out, a replay revokes the family."""
import hashlib

import pytest

from tests.support import problem


@pytest.fixture
async def account(registry, demo_password_hash):
    from services.registry.store import accounts as store

    async with registry.app.state.db.transaction() as conn:
        await store.upsert(conn, username="province-34", password_hash=demo_password_hash, role="province",
                           province_code="34", display_name=None)


async def _password(registry) -> dict:
    r = await registry.client.post("/v1/auth/token", data={"username": "province-34", "password": "demo"})
    assert r.status_code == 200, r.text
    return r.json()


async def _refresh(registry, token: str):
    return await registry.client.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": token})


async def _me(registry, access_token: str) -> dict:
    r = await registry.client.get("/v1/accounts/me", headers=registry.auth(access_token))
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_refresh_token_rotates_and_is_stored_only_as_a_hash(registry, account):
    first = await _password(registry)
    assert first["refresh_token"] and first["refresh_expires_in"] > 900
    r = await _refresh(registry, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    assert (await _me(registry, second["access_token"]))["username"] == "province-34"

    async with registry.app.state.db.connection() as conn:
        rows = await conn.fetch("SELECT * FROM registry.refresh_tokens ORDER BY issued_at")
        dump = await conn.fetchval("SELECT string_agg(t::text, ' ') FROM registry.refresh_tokens t")
    assert len(rows) == 2 and rows[0]["family_id"] == rows[1]["family_id"] == rows[0]["id"]
    assert rows[1]["parent_id"] == rows[0]["id"] and rows[0]["used_at"] is not None and rows[1]["used_at"] is None
    assert {r["token_hash"] for r in rows} == {hashlib.sha256(t["refresh_token"].encode()).digest()
                                              for t in (first, second)}
    assert first["refresh_token"] not in dump and second["refresh_token"] not in dump


async def test_a_replayed_refresh_token_revokes_the_whole_family(registry, account):
    first = await _password(registry)
    other_sign_in = await _password(registry)
    second = (await _refresh(registry, first["refresh_token"])).json()
    # The old token again (a stolen copy): refused, and the legitimate newer one dies with it.
    body = problem(await _refresh(registry, first["refresh_token"]), 401)
    assert body["type"].endswith("invalid-grant") and body["errors"][0]["field"] == "refresh_token"
    problem(await _refresh(registry, second["refresh_token"]), 401)
    # Another sign-in's family is untouched.
    assert (await _refresh(registry, other_sign_in["refresh_token"])).status_code == 200
    async with registry.app.state.db.connection() as conn:
        action = await conn.fetchval("SELECT action FROM registry.audit_log WHERE action = 'refresh_token.replayed'")
    assert action == "refresh_token.replayed"


async def test_revoke_ends_the_sign_in_and_answers_the_same_for_unknown_tokens(registry, account):
    tokens = await _password(registry)
    rotated = (await _refresh(registry, tokens["refresh_token"])).json()
    r = await registry.client.post("/v1/auth/revoke", data={"token": rotated["refresh_token"]})
    assert r.status_code == 200 and r.json() == {"revoked": True}
    problem(await _refresh(registry, rotated["refresh_token"]), 401)
    r = await registry.client.post("/v1/auth/revoke", data={"token": "never-issued"})
    assert r.status_code == 200 and r.json() == {"revoked": True}


async def test_expired_unknown_and_superseded_are_refused(registry, account):
    tokens = await _password(registry)
    async with registry.app.state.db.transaction() as conn:
        await conn.execute("UPDATE registry.refresh_tokens SET issued_at = now() - interval '2 days', "
                           "expires_at = now() - interval '1 day'")
    problem(await _refresh(registry, tokens["refresh_token"]), 401)
    problem(await _refresh(registry, "x" * 43), 401)

    tokens = await _password(registry)
    async with registry.app.state.db.transaction() as conn:
        await conn.execute("UPDATE registry.accounts SET token_version = token_version + 1 "
                           "WHERE username = 'province-34'")
    body = problem(await _refresh(registry, tokens["refresh_token"]), 401)
    assert "password changed" in body["detail"]


async def test_the_grants_name_their_missing_fields(registry, account):
    body = problem(await registry.client.post("/v1/auth/token", data={"grant_type": "refresh_token"}), 422)
    assert body["errors"][0]["field"] == "refresh_token"
    body = problem(await registry.client.post("/v1/auth/token", data={"username": "province-34"}), 422)
    assert body["errors"][0]["field"] == "password"
    body = problem(await registry.client.post("/v1/auth/token", data={"grant_type": "client_credentials",
                                                                       "username": "a", "password": "b"}), 422)
    assert body["errors"][0]["field"] == "grant_type"
