"""What the whole system is made of: schemas with their migrations, demo seeds and processes.

Each entry is used only once its module exists, so the stack grows as services land.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path

from shared.settings import NOMINATIONS_PORT, NOTIFICATIONS_PORT, REGISTRY_PORT

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@dataclass(frozen=True)
class Schema:
    name: str
    migrations: Path
    demo_seed: str | None  # "module:function", an async function taking an asyncpg connection
    # Reference data every deployment needs (not demo data), loaded after the migrations by the migrate
    # step: "module:function", an async function taking a connection, returning a line for the log or None.
    reference_data: str | None = None


SCHEMAS = [
    Schema("registry", ROOT / "services/registry/migrations", "services.registry.demo:seed",
           "services.registry.service.national_list:load_reference"),
    Schema("nominations", ROOT / "services/nominations/migrations", "services.nominations.demo:seed"),
    Schema("notifications", ROOT / "services/notifications/migrations", "services.notifications.demo:seed"),
]


def schemas() -> list[Schema]:
    return [s for s in SCHEMAS if s.migrations.is_dir() and any(s.migrations.glob("*.sql"))]


@dataclass(frozen=True)
class Process:
    name: str
    module: str          # must be importable for the process to start
    argv: list[str]
    url: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # on top of the stack's environment


def _uvicorn(module: str, port: int) -> list[str]:
    # uvloop and httptools, named so a missing one fails loudly instead of falling back silently.
    return [PY, "-m", "uvicorn", f"{module}:app", "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop",
            "--http", "httptools", "--no-access-log", "--no-proxy-headers"]


# One worker process for every service's queues (docker-compose runs one per service).
CELERY_APP = "deploy.worker:app"

CONSOLE_PORT = 8000

PROCESSES = [
    # The web console comes first: it is what people open (make run prints it first).
    Process("console", "services.console.main", _uvicorn("services.console.main", CONSOLE_PORT),
            f"http://127.0.0.1:{CONSOLE_PORT}  <- open this: the web console"),
    # The APIs leave their outboxes to the relay process below (as on Kubernetes).
    Process("registry", "services.registry.main", _uvicorn("services.registry.main", REGISTRY_PORT),
            f"http://127.0.0.1:{REGISTRY_PORT}/docs", env={"REGISTRY_RUN_OUTBOX_RELAY": "false"}),
    Process("nominations", "services.nominations.main", _uvicorn("services.nominations.main", NOMINATIONS_PORT),
            f"http://127.0.0.1:{NOMINATIONS_PORT}/docs", env={"NOMINATIONS_RUN_OUTBOX_RELAY": "false"}),
    Process("notifications", "services.notifications.main",
            _uvicorn("services.notifications.main", NOTIFICATIONS_PORT), f"http://127.0.0.1:{NOTIFICATIONS_PORT}/docs"),
    Process("relay", "deploy.relay", [PY, "-m", "deploy.relay", "registry", "nominations"]),
    Process("worker", "deploy.worker",
            [PY, "-m", "celery", "-A", CELERY_APP, "worker", "--loglevel=INFO", "--concurrency=2",
             "-Q", "events,notify,webhooks,beat,rankings,rounds,movements,registry", "-n", "worker1@%h"]),
    Process("beat", "deploy.worker",
            [PY, "-m", "celery", "-A", CELERY_APP, "beat", "--loglevel=INFO",
             "--schedule", str(ROOT / ".dev/celerybeat-schedule")]),
    Process("flower", "deploy.worker",
            [PY, "-m", "services.notifications.flower", "--app", CELERY_APP, "--port", "5555",
             "--address", "127.0.0.1"],
            "http://127.0.0.1:5555 (queues and tasks; basic auth, see .dev/logs/flower.log)"),
    Process("smtp-sink", "services.notifications.smtp_sink",
            [PY, "-m", "services.notifications.smtp_sink", "--port", "1025", "--mailbox", str(ROOT / ".dev/mail")],
            f"smtp://127.0.0.1:1025 (mail kept in {ROOT / '.dev/mail'})"),
]


def processes() -> list[Process]:
    return [p for p in PROCESSES if _exists(p.module)]
