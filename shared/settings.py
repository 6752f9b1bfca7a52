"""Typed settings shared by every service.

Each service subclasses ``ServiceSettings`` with its own ``env_prefix`` (``REGISTRY_``,
``NOMINATIONS_``, ``NOTIFICATIONS_``). The infrastructure addresses fall back to the unprefixed
``DATABASE_URL`` / ``REDIS_URL`` so one environment can run the whole system.
"""
from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.proxies import DEFAULT_TRUSTED_PROXIES, parse_trusted_proxies

if TYPE_CHECKING:
    from shared.events import Consumer

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/thidua"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

# Default ports, part of the contract between services (the web console will take 8000).
REGISTRY_PORT = 8001
NOMINATIONS_PORT = 8002
NOTIFICATIONS_PORT = 8003


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    # THIDUA_ENV=production: the service refuses to start with demo data, default keys, JWKS over
    # plain HTTP or the SSRF guard off (shared.production); one variable for the whole system.
    environment: Literal["development", "production"] = Field(
        default="development", validation_alias=AliasChoices("THIDUA_ENV", "environment"))
    service_name: str = "thidua"
    host: str = "127.0.0.1"
    port: int = 8000
    # Unset: the unprefixed DATABASE_URL / REDIS_URL, else the local defaults.
    database_url: str = Field(default_factory=lambda: os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    redis_url: str = Field(default_factory=lambda: os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    db_pool_min: int = 1
    db_pool_max: int = 10
    # Where the registry publishes its public keys; every service verifies tokens locally.
    registry_url: str = f"http://127.0.0.1:{REGISTRY_PORT}"
    jwks_url: str | None = None
    jwt_issuer: str = "thidua-registry"
    jwt_audience: str = "thidua"
    # Clock skew tolerated between the registry and the verifiers (exp, nbf, iat).
    jwt_leeway_seconds: int = 30
    # Request bodies above this are refused with 413 before they are parsed (streamed ones too).
    max_body_bytes: int = 1024 * 1024
    # /metrics: with a token, only `Authorization: Bearer <token>` reads it; without one it is open
    # in development and answers only direct loopback connections in production.
    metrics_token: str | None = None
    # The proxies whose X-Forwarded-For/-Proto are believed (shared.proxies): addresses and networks,
    # comma-separated; loopback by default. One variable for the whole system.
    trusted_proxies: str = Field(default=DEFAULT_TRUSTED_PROXIES,
                                 validation_alias=AliasChoices("THIDUA_TRUSTED_PROXIES", "trusted_proxies"))
    # TLS to Redis (a rediss:// URL): "required" (default), "optional" or "none", and a CA bundle.
    redis_ssl_cert_reqs: Literal["required", "optional", "none"] = "required"
    redis_ssl_ca_certs: str | None = None
    # The outbox relay runs inside each API process; false leaves it to a relay process of its own
    # (``python -m deploy.relay <service>``: make run and Kubernetes run it so, to scale it apart
    # from the API and to say whose CPU is whose).
    run_outbox_relay: bool = True
    outbox_poll_interval: float = 2.0
    # Woken within this long of its last publish, the relay waits out the rest, so that a steady
    # stream of events goes in batches (see shared.events.OutboxRelay); 0 publishes on every wake.
    outbox_coalesce_seconds: float = Field(0.02, ge=0, le=1)
    # Receipts (shared.receipts): consumers confirm each event; the relay records the confirmations
    # this often and publishes again an event unconfirmed this long after its publication (then
    # twice as long each time, up to 64 times).
    outbox_receipt_interval_seconds: float = Field(10.0, gt=0)
    outbox_redeliver_after_seconds: float = Field(300.0, gt=0)
    # Housekeeping: remembered Idempotency-Key answers and published outbox rows are kept this long.
    idempotency_retention_hours: float = 24.0
    outbox_retention_days: float = 7.0
    housekeeping_interval_seconds: float = 3600.0
    # Every event is handed to each of these consumers: "task@queue" (one event per message) or
    # "task@queue*N" (up to N events per message, for a task that takes a list), comma-separated.
    event_consumers: str = "notifications.handle_events@events*100"
    log_level: str = "INFO"
    demo: bool = False
    # Tests only: the instant the service takes for "now" (ISO with offset); unset, the system clock.
    clock_fixed_at: datetime | None = None

    @model_validator(mode="after")
    def _infrastructure_fallbacks(self) -> ServiceSettings:
        if self.jwks_url is None:
            self.jwks_url = self.registry_url.rstrip("/") + "/.well-known/jwks.json"
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        parse_trusted_proxies(value)  # a typo fails at start-up, not as a throttle that counts the proxy
        return value

    @model_validator(mode="after")
    def _consumers_parse(self) -> ServiceSettings:
        self.consumers  # noqa: B018 (a malformed EVENT_CONSUMERS fails at start-up, not at the first event)
        return self

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def redis_tls(self) -> bool:
        return self.redis_url.startswith("rediss://")

    def celery_ssl(self) -> dict[str, object] | None:
        """Celery's broker_use_ssl / redis_backend_use_ssl for a rediss:// URL, else None."""
        if not self.redis_tls:
            return None
        import ssl

        reqs = {"required": ssl.CERT_REQUIRED, "optional": ssl.CERT_OPTIONAL, "none": ssl.CERT_NONE}
        options: dict[str, object] = {"ssl_cert_reqs": reqs[self.redis_ssl_cert_reqs]}
        if self.redis_ssl_ca_certs:
            options["ssl_ca_certs"] = self.redis_ssl_ca_certs
        return options

    @property
    def consumers(self) -> list[Consumer]:
        from shared.events import parse_consumers

        return parse_consumers(self.event_consumers)


class WorkerSettings(ServiceSettings):
    """A service that runs Celery tasks: the reliability settings its worker is built with (shared.worker)."""

    # The visibility timeout is how long Redis waits for an unacknowledged message before handing it
    # to another worker: longer than any task and any ETA retry, else a slow task runs twice.
    broker_visibility_timeout: float = 3600.0
    # How often a worker looks for messages whose holder died (kombu default: about 100 s).
    broker_restore_interval: float = 10.0
    task_soft_time_limit: float = 120.0
    task_time_limit: float = 180.0
    # A task that meets an infrastructure error (PostgreSQL, Redis or the network away) is retried
    # without a limit: base × 2^(n−1) seconds, capped, with jitter. The cap must stay below
    # broker_visibility_timeout (the retry waits in a worker as an ETA message).
    task_retry_base_seconds: float = 1.0
    task_retry_max_seconds: float = 300.0
    # The period of the service's beat entries that run "every so often".
    beat_interval_seconds: float = 60.0

    @model_validator(mode="after")
    def _time_limits_in_order(self) -> WorkerSettings:
        if self.task_soft_time_limit >= self.task_time_limit:
            raise ValueError("task_soft_time_limit must be below task_time_limit")
        return self
