"""Issue 18, finding 3: X-Forwarded-For is believed from the configured proxies only, so a client
that writes its own cannot spread its sign-in attempts over invented addresses."""
from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from pydantic import ValidationError

from services.registry.app import create_registry_app
from services.registry.settings import RegistrySettings
from shared.production import UnsafeConfiguration
from shared.proxies import parse_trusted_proxies
from tests.support import problem, serve


async def _spoofed_sign_ins(api, count: int) -> list[int]:
    return [(await api.client.post("/v1/auth/token", data={"username": f"nobody-{i}", "password": "whatever-x"},
                                   headers={"X-Forwarded-For": f"203.0.113.{i}"})).status_code
            for i in range(count)]


async def test_a_spoofed_forwarded_address_from_an_untrusted_peer_counts_as_the_peer(registry_settings):
    # The proxies are elsewhere (the ingress's network): this loopback client is not one of them.
    settings = registry_settings.model_copy(update={"signin_address_attempts": 4,
                                                    "trusted_proxies": "10.0.0.0/8"})
    async with serve(create_registry_app(settings)) as api:
        statuses = await _spoofed_sign_ins(api, 6)
        assert statuses == [401] * 4 + [429] * 2
        body = problem(await api.client.post("/v1/auth/token", data={"username": "x-y-z", "password": "p"},
                                             headers={"X-Forwarded-For": "198.51.100.7"}), 429)
        assert "from this address" in body["detail"]


async def test_a_trusted_proxy_says_who_its_clients_are(registry_settings):
    # Loopback is a trusted proxy by default (make run, the console beside the registry): each
    # forwarded address is its own client, and what a client wrote to the left of the proxy's own
    # entry is not read past an untrusted hop.
    settings = registry_settings.model_copy(update={"signin_address_attempts": 4})
    assert settings.trusted_proxies == "127.0.0.1,::1"
    async with serve(create_registry_app(settings)) as api:
        assert await _spoofed_sign_ins(api, 6) == [401] * 6
        statuses = [(await api.client.post("/v1/auth/token", data={"username": f"n-{i}", "password": "whatever-x"},
                                           headers={"X-Forwarded-For": f"203.0.113.{i}, 192.0.2.1"})).status_code
                    for i in range(6)]
        assert statuses == [401] * 4 + [429] * 2  # all counted as 192.0.2.1, the address the proxy saw


def test_trusting_every_client_or_a_malformed_proxy_is_refused_at_start():
    with pytest.raises(ValidationError, match="every client"):
        RegistrySettings(trusted_proxies="*")
    with pytest.raises(ValidationError, match="neither an IP address"):
        RegistrySettings(trusted_proxies="10.0.0.0/8, ingress")
    assert parse_trusted_proxies(" 10.1.2.3, 10.0.0.0/8 ,, ::1") == ["10.1.2.3", "10.0.0.0/8", "::1"]


async def test_metrics_loopback_rule_does_not_follow_a_forwarded_header(registry_settings):
    settings = registry_settings.model_copy(update={"environment": "production"})
    app = create_registry_app(settings)
    app.router.lifespan_context = _no_lifespan  # production start-up checks are another test's subject
    async with serve(app) as api:
        assert (await api.client.get("/metrics")).status_code == 200
        problem(await api.client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}), 401)


async def test_production_refuses_to_start_without_a_metrics_token(registry_settings):
    """Behind a proxy on the same host (or one that adds no forwarded header) the loopback rule
    would let anyone read /metrics: production requires its token, and then only the token reads."""
    settings = registry_settings.model_copy(update={"environment": "production"})
    app = create_registry_app(settings)
    with pytest.raises(UnsafeConfiguration, match="REGISTRY_METRICS_TOKEN is not set"):
        async with app.router.lifespan_context(app):
            pass
    app = create_registry_app(settings.model_copy(update={"metrics_token": "t" * 32}))
    app.router.lifespan_context = _no_lifespan
    async with serve(app) as api:
        problem(await api.client.get("/metrics"), 401)  # loopback, but no token
        assert (await api.client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32})).status_code == 200


@asynccontextmanager
async def _no_lifespan(app):
    yield


def test_docker_compose_trusts_the_console_and_nobody_else():
    import yaml

    from deploy.stack import ROOT

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    console = services["console"]["networks"]["default"]["ipv4_address"]
    for name in ("registry", "nominations", "notifications"):
        trusted = parse_trusted_proxies(services[name]["environment"]["THIDUA_TRUSTED_PROXIES"])
        assert set(trusted) == {"127.0.0.1", "::1", console}, name
        command = services[name].get("command") or []
        assert "--forwarded-allow-ips" not in command
