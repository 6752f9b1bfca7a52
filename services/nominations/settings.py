from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import NOMINATIONS_PORT, WorkerSettings


class NominationsSettings(WorkerSettings):
    """Settings of the nominations API and of its Celery worker and beat (env prefix NOMINATIONS_)."""

    model_config = SettingsConfigDict(env_prefix="NOMINATIONS_", extra="ignore")

    service_name: str = "nominations"
    port: int = NOMINATIONS_PORT
    # Share of the clusters active in a year that may be approved for the Government flag.
    government_flag_cap_share: float = 0.2
    registry_timeout_seconds: float = 5.0
