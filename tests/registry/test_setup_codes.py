"""A unit's first password through a one-time code (never a password in an e-mail), resets, the
person's name and position, and the last sign-in the ministry's list shows."""
import pytest

from tests.support import problem

STRONG = "Ha-Long-bay-kayak-2026!"


@pytest.fixture
async def ministry(registry, demo_password_hash):
    from services.registry.store import accounts as store

    async with registry.app.state.db.transaction() as conn:
        await store.upsert(conn, username="ministry", password_hash=demo_password_hash, role="ministry",
                           province_code=None, display_name="Vụ Thi đua")


async def _login(registry, username, password):
    return await registry.client.post("/v1/auth/token", data={"username": username, "password": password})


async def test_an_account_made_without_a_password_is_set_up_once_with_its_code(registry, issue_token, ministry):
    boss = registry.auth(issue_token("ministry"))
    body = {"username": "province-22", "role": "province", "province_code": "22",
            "display_name": "Nguyễn Văn An", "position": "Giám đốc Sở Nội vụ"}
    made = await registry.client.post("/v1/accounts", json=body, headers={**boss, "Idempotency-Key": "k-create-22"})
    assert made.status_code == 201, made.text
    answer = made.json()
    code = answer["setup_code"]
    assert len(code) == 14 and code.count("-") == 2 and answer["setup_code_expires_at"]
    assert answer["has_password"] is False and answer["position"] == "Giám đốc Sở Nội vụ"
    # A retry replays the account, never the code; the database keeps only the code's SHA-256.
    again = await registry.client.post("/v1/accounts", json=body, headers={**boss, "Idempotency-Key": "k-create-22"})
    assert again.status_code == 201 and again.json().get("setup_code") is None
    async with registry.app.state.db.connection() as conn:
        stored = await conn.fetchrow("SELECT password_hash, setup_code_hash FROM registry.accounts "
                                     "WHERE username = 'province-22'")
        kept = await conn.fetchval("SELECT count(*) FROM registry.idempotency_keys WHERE response::text LIKE $1",
                                   f"%{code}%")
    assert stored["password_hash"] is None and code not in stored["setup_code_hash"] and kept == 0
    # Nobody signs in to an account without a password.
    problem(await _login(registry, "province-22", "anything-at-all"), 401)

    setup = {"username": "province-22", "setup_code": code.lower().replace("-", " "), "new_password": "short"}
    weak = problem(await registry.client.post("/v1/auth/setup", json=setup), 422)
    assert weak["errors"][0]["field"] == "new_password"
    wrong = problem(await registry.client.post("/v1/auth/setup", json={**setup, "setup_code": "AAAA-BBBB-CCCC",
                                                                       "new_password": STRONG}), 401)
    assert wrong["type"].endswith("setup-code-invalid") and wrong["errors"][0]["field"] == "setup_code"
    done = await registry.client.post("/v1/auth/setup", json={**setup, "new_password": STRONG})
    assert done.status_code == 204, done.text
    # Once: the same code is refused afterwards.
    problem(await registry.client.post("/v1/auth/setup", json={**setup, "new_password": STRONG + "x"}), 401)
    assert (await _login(registry, "province-22", STRONG)).status_code == 200
    listed = (await registry.client.get("/v1/accounts", params={"province": "22"}, headers=boss)).json()["items"]
    assert listed[0]["has_password"] is True and listed[0]["last_signed_in_at"]
    assert listed[0]["display_name"] == "Nguyễn Văn An"


async def test_a_reset_ends_the_password_and_sessions_and_issues_a_new_code(registry, issue_token, ministry):
    boss = registry.auth(issue_token("ministry"))
    body = {"username": "province-33", "role": "province", "province_code": "33", "password": STRONG}
    assert (await registry.client.post("/v1/accounts", json=body, headers=boss)).status_code == 201
    signed = (await _login(registry, "province-33", STRONG)).json()
    me = registry.auth(signed["access_token"])
    assert (await registry.client.get("/v1/accounts/me", headers=me)).status_code == 200
    # Another province cannot reset it.
    problem(await registry.client.post("/v1/accounts/province-33/setup-code",
                                       headers=registry.auth(issue_token("province", "34"))), 403)
    reset = await registry.client.post("/v1/accounts/province-33/setup-code", headers=boss)
    assert reset.status_code == 200, reset.text
    code = reset.json()["setup_code"]
    problem(await _login(registry, "province-33", STRONG), 401)
    problem(await registry.client.get("/v1/accounts/me", headers=me), 401)
    # A second code replaces the first.
    newer = (await registry.client.post("/v1/accounts/province-33/setup-code", headers=boss)).json()["setup_code"]
    problem(await registry.client.post("/v1/auth/setup", json={"username": "province-33", "setup_code": code,
                                                                "new_password": STRONG + "-2"}), 401)
    ok = await registry.client.post("/v1/auth/setup", json={"username": "province-33", "setup_code": newer,
                                                             "new_password": STRONG + "-2"})
    assert ok.status_code == 204
    assert (await _login(registry, "province-33", STRONG + "-2")).status_code == 200


async def test_the_person_names_itself_and_the_ministry_may_correct_it(registry, issue_token, ministry):
    boss = registry.auth(issue_token("ministry"))
    body = {"username": "province-31", "role": "province", "province_code": "31", "password": STRONG}
    assert (await registry.client.post("/v1/accounts", json=body, headers=boss)).status_code == 201
    token = (await _login(registry, "province-31", STRONG)).json()["access_token"]
    own = registry.auth(token)
    r = await registry.client.patch("/v1/accounts/province-31", headers=own,
                                    json={"display_name": "Trần Thị Bình", "position": "Phó Giám đốc Sở Nội vụ"})
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "Trần Thị Bình" and r.json()["position"] == "Phó Giám đốc Sở Nội vụ"
    problem(await registry.client.patch("/v1/accounts/ministry", headers=own, json={"display_name": "X Y"}), 403)
    bad = problem(await registry.client.patch("/v1/accounts/province-31", headers=boss,
                                              json={"display_name": "Trần\u202eBình"}), 422)
    assert bad["errors"][0]["field"] == "display_name"
