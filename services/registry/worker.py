"""The registry's Celery worker: ``celery -A services.registry.worker:app worker -Q registry``.

One queue, ``registry``: ``registry.handle_events`` consumes the events the registry acts on (today
``nominations.leadership.elected``: the leadership the conference elected), confirming every event it
is handed (shared.receipts) once its transaction has committed.
"""
from __future__ import annotations

from celery import Celery
from pydantic_settings import SettingsConfigDict

from shared.settings import REGISTRY_PORT, WorkerSettings
from shared.worker import WorkerSpec, create_worker

QUEUES = ("registry",)


class RegistryWorkerSettings(WorkerSettings):
    """The registry worker's settings (env prefix REGISTRY_, as the API's)."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = REGISTRY_PORT


WORKER = WorkerSpec(
    service="registry",
    task_modules=("services.registry.tasks",),
    queues=QUEUES,
    routes={"registry.handle_events": "registry"},
    settings=RegistryWorkerSettings,
)


def create_celery(settings: RegistryWorkerSettings | None = None, *, set_as_current: bool = True) -> Celery:
    return create_worker("thidua-registry", [WORKER], settings, set_as_current=set_as_current)


app = create_celery()
