"""Issue 18, finding 7, the console: THIDUA_ENV=production means Secure __Host- cookies and HSTS,
/metrics behind a token, tokens sealed in the Redis sessions, no start on placeholders; the
receipt check is a POST; httpx's per-request lines stay out of the logs (through HTTP)."""
from __future__ import annotations

import json
import logging
import re

import pytest
import redis.asyncio as aioredis

from services.console.app import create_console_app
from services.console.settings import ConsoleSettings
from shared.logs import configure_logging
from shared.production import UnsafeConfiguration
from tests.hardening.test_accounts import STRONG, _add
from tests.support import serve

SECRET = "s" * 40


def _console(registry, redis_url: str, **overrides) -> ConsoleSettings:
    return ConsoleSettings(redis_url=redis_url, registry_url=registry.url, log_level="WARNING", **overrides)


async def _signed_in(console, username: str) -> tuple[str, str]:
    """Sign in through the console's form; the session cookie's name and value (sent by hand: a
    Secure cookie is not sent back over plain HTTP by a cookie jar)."""
    console.client.cookies.clear()
    form = await console.client.get("/sign-in")
    name, value = re.match(r"([^=]+)=([^;]+)", form.headers["set-cookie"]).groups()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    done = await console.client.post("/sign-in", headers={"Cookie": f"{name}={value}"},
                                     data={"username": username, "password": STRONG, "csrf_token": csrf})
    assert done.status_code == 303, done.text
    name, value = re.match(r"([^=]+)=([^;]+)", done.headers["set-cookie"]).groups()
    return name, value


async def test_production_cookies_hsts_and_metrics(registry, redis_url):
    settings = _console(registry, redis_url, environment="production", session_secret=SECRET,
                        metrics_token="scrape-the-console")
    async with serve(create_console_app(settings)) as console:
        form = await console.client.get("/sign-in")  # plain HTTP from loopback: production all the same
        cookie = form.headers["set-cookie"]
        assert cookie.startswith("__Host-thidua_session=")
        assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "path=/" in cookie.lower()
        assert "domain=" not in cookie.lower()
        assert form.headers["strict-transport-security"].startswith("max-age=31536000")
        assert (await console.client.get("/metrics")).status_code == 401
        scraped = await console.client.get("/metrics", headers={"Authorization": "Bearer scrape-the-console"})
        assert scraped.status_code == 200 and "thidua_http_requests_total" in scraped.text


async def test_development_keeps_its_plain_cookie(registry, redis_url):
    async with serve(create_console_app(_console(registry, redis_url))) as console:
        form = await console.client.get("/sign-in")
        assert form.headers["set-cookie"].startswith("thidua_session=")
        assert "strict-transport-security" not in form.headers


@pytest.mark.parametrize(("overrides", "named"), [
    ({}, "CONSOLE_SESSION_SECRET"),
    ({"session_secret": SECRET}, "CONSOLE_METRICS_TOKEN"),
    ({"session_secret": SECRET, "metrics_token": "CHANGE-ME"}, "CONSOLE_METRICS_TOKEN still holds a placeholder"),
])
async def test_production_refuses_to_start_without_its_secrets(registry, redis_url, overrides, named):
    app = create_console_app(_console(registry, redis_url, environment="production", **overrides))
    with pytest.raises(UnsafeConfiguration, match=named):
        async with app.router.lifespan_context(app):
            pass


async def test_tokens_are_sealed_in_the_redis_sessions(registry, redis_url):
    await _add(registry, "province-34", STRONG)
    async with serve(create_console_app(_console(registry, redis_url, session_secret=SECRET))) as console:
        name, value = await _signed_in(console, "province-34")
        session = await console.app.state.sessions.load(value)
        assert session.signed_in and session.access_token.count(".") == 2  # a JWT, opened with the cookie
        client = aioredis.from_url(redis_url)
        try:
            keys = [k for k in await client.keys("console:session:*") if not k.endswith(b":refresh")]
            [raw] = [await client.get(k) for k in keys]
        finally:
            await client.aclose()
        stored = json.loads(raw)
        assert stored["access_token"].startswith("enc:v1:") and stored["refresh_token"].startswith("enc:v1:")
        assert session.access_token not in raw.decode() and session.refresh_token not in raw.decode()
        # The same Redis under another console secret, or another session's id, opens nothing.
        other = create_console_app(_console(registry, redis_url, session_secret="t" * 40))
        async with serve(other):
            assert await other.state.sessions.load(value) is None
        again = await console.client.get("/sign-in", headers={"Cookie": f"{name}={value}"})
        assert again.status_code == 303 and again.headers["location"] == "/"  # this console opens it: signed in


async def test_the_receipt_check_takes_no_commitment_from_the_url(registry, nominations, redis_url):
    await _add(registry, "province-34", STRONG)
    async with serve(create_console_app(_console(registry, redis_url, nominations_url=nominations.url))) as console:
        name, value = await _signed_in(console, "province-34")
        page = await console.client.get("/receipts", params={"round": "x", "commitment": "ab" * 32},
                                        headers={"Cookie": f"{name}={value}"})
        assert page.status_code == 200 and f'value="{"ab" * 32}"' not in page.text  # a GET only shows the form
        assert 'class="card result"' not in page.text
        assert re.search(r'<form method="post" action="/receipts"', page.text)


def test_httpx_request_lines_stay_out_of_the_logs():
    configure_logging("test", "INFO")
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
