from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import NOTIFICATIONS_PORT, WorkerSettings


class NotificationsSettings(WorkerSettings):
    """Settings of the notifications API and of the Celery worker and beat (env prefix NOTIFICATIONS_)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    service_name: str = "notifications"
    port: int = NOTIFICATIONS_PORT
    # This service consumes events and emits none, so its processes run no outbox relay.
    run_outbox_relay: bool = False

    # E-mail (make run points these at the local sink on 1025).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "Thi đua Bộ Nội vụ <thidua@noreply.moha.gov.vn>"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 20.0

    # Webhooks. Private/loopback targets are refused unless allowed; unset, they follow `demo`
    # (allowed in the dev stack and tests, refused in production).
    webhook_allow_private: bool | None = None
    webhook_timeout_seconds: float = 10.0
    # One attempt, connect to last byte, never takes longer than this (a receiver dripping one
    # byte at a time meets it), and reads at most this much of the answer.
    webhook_deadline_seconds: float = 15.0
    webhook_max_response_bytes: int = 64 * 1024
    # At most this many attempts at once per receiver (host and port), across every worker (a
    # Redis semaphore); a delivery that finds no free slot is put back on its queue, not waited for.
    webhook_concurrency_per_receiver: int = 2
    # A receiver whose attempts failed this many times in a row is paused and its owner told
    # in the inbox; saving the subscription again resumes it.
    webhook_pause_after_failures: int = 10
    # Encrypts webhook secrets at rest (AES-GCM). Required in production; development falls back
    # to a fixed key so the dev stack runs without configuration.
    secret_key: str | None = None
    # Flower: "user:password" (required in production and off loopback), and where it listens.
    flower_basic_auth: str | None = None
    flower_address: str = "127.0.0.1"
    flower_port: int = 5555
    # Flower keeps every task it has seen in memory (100,000 by default): the full soak's Flower grew
    # from 100 to 155 MB through a 30-minute day and was still growing. Its most recent tasks are what
    # an operator looks at; older ones are in the services' own tables.
    flower_max_tasks: int = Field(default=10_000, ge=100)

    # Delivery retries: exponential backoff with jitter, then dead.
    max_webhook_attempts: int = 8
    max_email_attempts: int = 8
    retry_base_seconds: float = 2.0
    # Must stay below broker_visibility_timeout: a retry waits in the worker as an ETA message.
    retry_max_seconds: float = 900.0
    # Pending deliveries older than this (enqueue lost, worker gone) are re-enqueued by the sweep.
    sweep_after_seconds: float = 120.0

    # Reminders: open rounds closing within this many hours remind their non-voters once.
    reminder_window_hours: float = 24.0

    # The worker's reliability settings (visibility timeout, time limits, task retries, beat
    # interval) are WorkerSettings' (shared/settings.py), with this service's prefix.

    # Server-sent events: a comment line this often keeps proxies from closing an idle stream.
    sse_heartbeat_seconds: float = 15.0
    # A stream ends after this long and the EventSource reconnects with Last-Event-ID (nothing is
    # lost); it bounds how long an open stream can hold up a server shutdown.
    sse_max_seconds: float = 300.0

    @model_validator(mode="after")
    def _defaults_from_demo(self) -> NotificationsSettings:
        if self.webhook_allow_private is None:
            self.webhook_allow_private = self.demo
        return self

    @property
    def secret_box_key(self) -> str:
        return self.secret_key or "thidua-development-only-secret-key"

    @property
    def channel_max_attempts(self) -> dict[str, int]:
        return {"email": self.max_email_attempts, "webhook": self.max_webhook_attempts}
