"""What a service refuses to start with when ``THIDUA_ENV=production``.

Each service adds its own checks (the registry: demo accounts and keys; notifications: the SSRF
guard, the webhook secret key, Flower's password); these are the ones every service shares.
"""
from __future__ import annotations

from shared.settings import ServiceSettings


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up in production; the message lists every problem found."""

    def __init__(self, service: str, problems: list[str]) -> None:
        super().__init__(f"{service} refuses to start in production: " + "; ".join(problems))
        self.problems = problems


def shared_problems(settings: ServiceSettings, *, verifies_remotely: bool) -> list[str]:
    problems = []
    if settings.demo:
        problems.append("demo mode is on (unset the *_DEMO variable; demo data belongs to the demo profile)")
    if verifies_remotely and not (settings.jwks_url or "").startswith("https://"):
        problems.append(f"the signing keys would be fetched over plain HTTP ({settings.jwks_url}); "
                        "use an https:// REGISTRY_URL or JWKS_URL")
    return problems


def refuse_unless_safe(settings: ServiceSettings, problems: list[str]) -> None:
    if settings.production and problems:
        raise UnsafeConfiguration(settings.service_name, problems)
