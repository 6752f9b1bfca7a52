"""Typed settings of the console (env prefix ``CONSOLE_``)."""
from __future__ import annotations

import os
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.production import placeholder_problems
from shared.proxies import DEFAULT_TRUSTED_PROXIES, parse_trusted_proxies
from shared.settings import (
    DEFAULT_REDIS_URL,
    NOMINATIONS_PORT,
    NOTIFICATIONS_PORT,
    REGISTRY_PORT,
)

CONSOLE_PORT = 8000


class ConsoleSettings(BaseSettings):
    """The console owns no database: only Redis (sessions) and the addresses of the APIs it calls."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    service_name: str = "console"
    host: str = "127.0.0.1"
    port: int = CONSOLE_PORT
    redis_url: str | None = None
    # Request bodies above this are refused with 413 before they are parsed (streamed ones too).
    max_body_bytes: int = 1024 * 1024
    registry_url: str = f"http://127.0.0.1:{REGISTRY_PORT}"
    nominations_url: str = f"http://127.0.0.1:{NOMINATIONS_PORT}"
    notifications_url: str = f"http://127.0.0.1:{NOTIFICATIONS_PORT}"
    # The address browsers use for the notifications API's live stream is the console's own
    # (it relays the stream with the session's token), so no token ever reaches the page.
    upstream_timeout_seconds: float = 10.0
    # A session ends after this long without a request, and in any case after session_max_seconds.
    session_idle_seconds: int = 2 * 3600
    session_max_seconds: int = 12 * 3600
    # Refresh the access token this many seconds before it expires.
    token_refresh_margin_seconds: int = 30
    # "auto": the cookie is Secure when the request came over HTTPS (directly or, behind a trusted
    # proxy, per X-Forwarded-Proto); "always"/"never" force it. Production: always, whatever this says.
    secure_cookies: str = "auto"
    # THIDUA_ENV=production: Secure cookies always, the session cookie named __Host-… (no Domain, path
    # /, Secure: no sibling host can set or shadow it), HSTS on every answer, /metrics only with its
    # token, and no start without a session secret and a metrics token (nor with a placeholder).
    environment: Literal["development", "production"] = Field(
        default="development", validation_alias=AliasChoices("THIDUA_ENV", "environment"))
    # Seals the access and refresh tokens kept in the Redis sessions (with each session's id, which
    # only the browser holds). Unset outside production: a random one per process.
    session_secret: str | None = None
    # /metrics: `Authorization: Bearer <token>`; required in production.
    metrics_token: str | None = None
    # The proxies whose X-Forwarded-For/-Proto are believed (shared.proxies), as for the services.
    trusted_proxies: str = Field(default=DEFAULT_TRUSTED_PROXIES,
                                 validation_alias=AliasChoices("THIDUA_TRUSTED_PROXIES", "trusted_proxies"))
    default_language: str = "vi"
    log_level: str = "INFO"
    demo: bool = False

    @model_validator(mode="after")
    def _infrastructure_fallbacks(self) -> ConsoleSettings:
        if self.redis_url is None:
            self.redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
        if self.secure_cookies not in ("auto", "always", "never"):
            raise ValueError("CONSOLE_SECURE_COOKIES is auto, always or never")
        if self.default_language not in ("vi", "en"):
            raise ValueError("CONSOLE_DEFAULT_LANGUAGE is vi or en")
        parse_trusted_proxies(self.trusted_proxies)
        return self

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def production_problems(self) -> list[str]:
        problems = placeholder_problems(self)
        if len(self.session_secret or "") < 32:
            problems.append("CONSOLE_SESSION_SECRET (32+ random characters) seals the tokens in the sessions")
        if not self.metrics_token:
            problems.append("CONSOLE_METRICS_TOKEN: /metrics answers only with it")
        if self.demo:
            problems.append("demo mode is on (unset CONSOLE_DEMO)")
        return problems
