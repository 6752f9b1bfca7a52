"""What a service refuses to start with when ``THIDUA_ENV=production``.

Each service adds its own checks (the registry: demo accounts and keys; notifications: the SSRF
guard, the webhook secret key, Flower's password); these are the ones every service shares.
"""
from __future__ import annotations

import re

from pydantic_settings import BaseSettings

from shared.settings import ServiceSettings

# What the example manifests put where a real value belongs.
PLACEHOLDER = re.compile(r"CHANGE-?ME|REPLACE-WITH", re.IGNORECASE)


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up in production; the message lists every problem found."""

    def __init__(self, service: str, problems: list[str]) -> None:
        super().__init__(f"{service} refuses to start in production: " + "; ".join(problems))
        self.problems = problems


def shared_problems(settings: ServiceSettings, *, verifies_remotely: bool) -> list[str]:
    problems = []
    if settings.demo:
        problems.append("demo mode is on (unset the *_DEMO variable; demo data belongs to the demo profile)")
    problems += placeholder_problems(settings)
    if verifies_remotely and not (settings.jwks_url or "").startswith("https://"):
        problems.append(f"the signing keys would be fetched over plain HTTP ({settings.jwks_url}); "
                        "use an https:// REGISTRY_URL or JWKS_URL")
    return problems


def metrics_problems(settings: ServiceSettings) -> list[str]:
    """An API serves /metrics: in production only with its bearer token (a proxy on the same host,
    or one that does not add a forwarded header, would otherwise pass for a loopback client)."""
    if settings.metrics_token:
        return []
    prefix = settings.model_config.get("env_prefix", "") or ""
    return [f"{prefix.upper()}METRICS_TOKEN is not set: /metrics answers only with its bearer token in production"]


def refuse_unless_safe(settings: ServiceSettings, problems: list[str]) -> None:
    if settings.production and problems:
        raise UnsafeConfiguration(settings.service_name, problems)


def placeholder_problems(settings: BaseSettings) -> list[str]:
    """Settings still holding an example value (``CHANGE-ME``...): a deployment that forgot one
    would otherwise run with a password anyone can read in the repository."""
    prefix = settings.model_config.get("env_prefix", "") or ""
    return [f"{(prefix + name).upper()} still holds a placeholder value; set a real one"
            for name, value in settings.model_dump().items()
            if isinstance(value, str) and PLACEHOLDER.search(value)]
