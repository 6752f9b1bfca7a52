"""Typed settings of the console (env prefix ``CONSOLE_``)."""
from __future__ import annotations

import os

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    # proxy, per X-Forwarded-Proto); "always"/"never" force it.
    secure_cookies: str = "auto"
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
        return self
