"""Fixtures every test may use. Real PostgreSQL and Redis, no stand-ins.

- ``template_database`` (session): a database with every service's migrations applied and its reference
  data loaded (the national list of communes), once per run.
- ``database_url``: a fresh copy of it for one test (CREATE DATABASE … TEMPLATE), dropped after; the
  copies are made ahead and dropped behind the tests, on threads of their own (``ClonePool``).
- ``redis_url``: this run's own Redis database (see ``claim_redis_db``), flushed before each test.
- ``signing_pem``: the registry's Ed25519 key for this run.
- ``registry``: the registry service served over loopback against this test's database.
"""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import redis as redis_sync

from deploy.migrate import load_reference_data
from deploy.stack import schemas
from shared.auth import generate_private_key, private_key_pem
from shared.db import connect
from shared.migrations import migrate
from tests.support import REDIS_BASE, ClonePool, admin_execute, claim_redis_db, drop_database, dsn_for, serve

# One argon2 hash of "demo" for every test account, computed once.
DEMO_PASSWORD = "demo"
# argon2id at the lowest cost it takes (production: t=3, 64 MiB, p=4, 0.1-0.4 s a hash or check here):
# the same code path, the same $argon2id$ hashes, milliseconds instead of a third of a second for each
# sign-in. Tests about the cost set their own (tests/hardening/test_accounts.py).
TEST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1}


@pytest.fixture(scope="session")
def template_database() -> str:
    name = f"thidua_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def build() -> None:
        await admin_execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
        conn = await connect(dsn_for(name))
        try:
            for schema in schemas():
                await migrate(conn, schema=schema.name, directory=schema.migrations)
            await load_reference_data(conn)
        finally:
            await conn.close()

    asyncio.run(build())
    yield name
    asyncio.run(drop_database(name))


@pytest.fixture(scope="session")
def clone_pool(template_database: str):
    pool = ClonePool(template_database)
    yield pool
    pool.close()


@pytest.fixture
async def database_url(clone_pool: ClonePool):
    name = await asyncio.to_thread(clone_pool.take)
    try:
        yield dsn_for(name)
    finally:
        clone_pool.give_back(name)


@pytest.fixture(scope="session")
def redis_session_url() -> str:
    index, release = claim_redis_db()
    yield f"{REDIS_BASE}/{index}"
    release()


@pytest.fixture
def redis_url(redis_session_url: str) -> str:
    client = redis_sync.Redis.from_url(redis_session_url)
    client.flushdb()
    client.close()
    return redis_session_url


@pytest.fixture(scope="session")
def signing_pem() -> str:
    return private_key_pem(generate_private_key()).decode()


@pytest.fixture(scope="session")
def demo_password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=TEST_ARGON2["argon2_time_cost"], memory_cost=TEST_ARGON2["argon2_memory_kib"],
                          parallelism=TEST_ARGON2["argon2_parallelism"]).hash(DEMO_PASSWORD)


@pytest.fixture
def registry_settings(database_url: str, redis_url: str, signing_pem: str):
    from services.registry.settings import RegistrySettings

    # Tests sign in often from one address: the per-address throttle gets room (its own test sets it
    # low); the per-account one keeps its default.
    return RegistrySettings(database_url=database_url, redis_url=redis_url, jwt_private_key_pem=signing_pem,
                            outbox_poll_interval=0.2, log_level="WARNING", signin_address_attempts=1000,
                            **TEST_ARGON2)


@pytest.fixture
async def registry(registry_settings):
    from services.registry.app import create_registry_app

    async with serve(create_registry_app(registry_settings)) as served:
        yield served


@pytest.fixture
def issue_token(registry):
    """Mint a token with the registry's key, as POST /v1/auth/token would."""

    def issue(role: str, province: str | None = None, subject: str | None = None, ttl: int | None = None) -> str:
        subject = subject or (f"province-{province}" if role == "province" else role)
        token, _ = registry.app.state.issuer.issue(subject=subject, role=role, province=province, ttl_seconds=ttl)
        return token

    return issue
