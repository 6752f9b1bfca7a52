"""Limits applied before a route runs: the body-size limit (finding 2), and the smaller items of
finding 8 that live in the shared frame (clock-skew leeway, /metrics, security headers, database
errors never echoed, outages answered 503)."""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from shared.app import create_app
from shared.settings import ServiceSettings
from tests.support import problem, serve

FIFTY_MB = 50 * 1024 * 1024


async def _raw_request(url: str, head: bytes, body: bytes) -> tuple[int, bytes]:
    """Send ``head`` and ``body`` on a raw socket, then read the answer's status and body (stop
    writing before reading: a server that closes with unread data resets the connection)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(head + body)
    await writer.drain()
    try:
        status_line = await asyncio.wait_for(reader.readline(), timeout=30)
        headers: dict[str, str] = {}
        while (line := await asyncio.wait_for(reader.readline(), timeout=30)) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), timeout=30)
    finally:
        writer.close()
    assert headers.get("content-type", "").startswith("application/problem+json"), headers
    return int(status_line.split()[1]), body


async def test_an_anonymous_50_mb_post_is_refused_before_it_is_read(registry, nominations):
    for api, path in ((registry, "/v1/clusters"), (nominations, "/v1/rounds")):
        head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {FIFTY_MB}\r\n\r\n").encode()
        # Not one byte of the 50 MB is sent: the answer must come without the server waiting for it.
        status, body = await _raw_request(api.url, head, b"")
        assert status == 413, body
        assert b"body-too-large" in body and b'"field":"body"' in body.replace(b" ", b"")


async def test_the_console_refuses_a_50_mb_post_too(redis_url, registry):
    from services.console.app import create_console_app
    from services.console.settings import ConsoleSettings

    app = create_console_app(ConsoleSettings(redis_url=redis_url, registry_url=registry.url))
    async with serve(app) as console:
        head = (f"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {FIFTY_MB}\r\n\r\n").encode()
        status, body = await _raw_request(console.url, head, b"")
        assert status == 413, body


async def test_a_chunked_body_is_counted_as_it_streams(registry):
    chunk = b"x" * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    head = (b"POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    status, body = await _raw_request(registry.url, head, framed * 17)  # 1.06 MiB, never terminated
    assert status == 413, body
    # Under the limit, the same route still works as before (a wrong password is a 401).
    r = await registry.client.post("/v1/auth/token", data={"username": "nobody", "password": "x" * 20})
    problem(r, 401)


class Thing(BaseModel):
    name: str


def _app(settings: ServiceSettings):
    router = APIRouter()

    @router.post("/things")
    async def create(body: Thing) -> dict:
        return {"name": body.name}

    @router.get("/page", response_class=HTMLResponse)
    async def page() -> str:
        return "<p>biên bản</p>"

    @router.get("/numeric")
    async def numeric() -> dict:
        raise asyncpg.DataError('invalid input syntax for type integer: "secret-value" in ballots.choice')

    @router.get("/pg-away")
    async def pg_away() -> dict:
        raise asyncpg.exceptions.CannotConnectNowError("the database system is starting up")

    @router.get("/refused")
    async def refused() -> dict:
        raise ConnectionRefusedError(111, "Connection refused")

    return create_app(settings, title="t", description="t", schema="registry", routers=[router])


async def test_the_limit_is_configurable_and_small_bodies_pass(database_url, redis_url):
    settings = ServiceSettings(database_url=database_url, redis_url=redis_url, run_outbox_relay=False,
                               log_level="WARNING", max_body_bytes=100)
    async with serve(_app(settings)) as api:
        assert (await api.client.post("/things", json={"name": "Hà Nội"})).status_code == 200
        body = problem(await api.client.post("/things", json={"name": "x" * 200}), 413)
        assert body["max_bytes"] == 100 and body["errors"][0]["field"] == "body"


async def test_database_details_are_never_echoed_and_outages_are_503(database_url, redis_url):
    settings = ServiceSettings(database_url=database_url, redis_url=redis_url, run_outbox_relay=False,
                               log_level="CRITICAL")
    async with serve(_app(settings)) as api:
        r = await api.client.get("/numeric")
        problem(r, 422)
        assert "secret-value" not in r.text and "ballots" not in r.text
        for path in ("/pg-away", "/refused"):
            r = await api.client.get(path)
            problem(r, 503)
            assert r.headers["retry-after"]


async def test_security_headers_on_html_and_protected_metrics(database_url, redis_url):
    settings = ServiceSettings(database_url=database_url, redis_url=redis_url, run_outbox_relay=False,
                               log_level="WARNING", metrics_token="scrape-me-please")
    async with serve(_app(settings)) as api:
        page = await api.client.get("/page")
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        problem(await api.client.get("/metrics"), 401)
        problem(await api.client.get("/metrics", headers={"Authorization": "Bearer wrong"}), 401)
        ok = await api.client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
        assert ok.status_code == 200 and "thidua_http_requests_total" in ok.text


async def test_tokens_tolerate_thirty_seconds_of_clock_skew(registry, issue_token):
    headers = registry.auth(issue_token("ministry", ttl=-10))  # expired 10 s ago by the registry's clock
    assert (await registry.client.get("/v1/accounts/me", headers=headers)).status_code == 200
    stale = registry.auth(issue_token("ministry", ttl=-60))
    assert problem(await registry.client.get("/v1/accounts/me", headers=stale), 401)["type"].endswith("token-expired")


async def test_production_refuses_signing_keys_over_plain_http(database_url, redis_url):
    import pytest

    from shared.production import UnsafeConfiguration

    unsafe = ServiceSettings(database_url=database_url, redis_url=redis_url, run_outbox_relay=False,
                             environment="production", registry_url="http://registry:8001",
                             metrics_token="m" * 32)
    app = _app(unsafe)
    with pytest.raises(UnsafeConfiguration, match="plain HTTP"):
        async with app.router.lifespan_context(app):
            pass
    safe = unsafe.model_copy(update={"jwks_url": "https://thidua.example.vn/.well-known/jwks.json"})
    app = _app(safe)
    async with app.router.lifespan_context(app):
        assert app.state.verifier.jwks_url.startswith("https://")
