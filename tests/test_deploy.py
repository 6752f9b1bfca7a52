"""docker-compose.yml and deploy/Dockerfile, checked as data (no Docker needed): one image recipe
for every service, one worker and one beat per service with Celery tasks, each consuming exactly the
queues its service declares."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose(name: str = "docker-compose.yml") -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _celery(command: list[str]) -> tuple[str, str, list[str]] | None:
    """(app module, subcommand, queues) of a ``celery -A module:app <sub> [-Q a,b]`` command."""
    if not command or command[0] != "celery":
        return None
    module = command[command.index("-A") + 1].split(":")[0]
    sub = command[command.index("-A") + 2]
    queues = command[command.index("-Q") + 1].split(",") if "-Q" in command else []
    return module, sub, queues


def test_one_dockerfile_builds_every_service():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG SERVICE$", dockerfile, re.MULTILINE)
    assert "services.${SERVICE}.main:app" in dockerfile
    assert sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "deploy").rglob("Dockerfile*")) == \
        ["deploy/Dockerfile"]
    built = {}
    for name, service in _compose()["services"].items():
        build = service.get("build")
        if build is None:
            continue
        assert build["dockerfile"] == "deploy/Dockerfile", name
        target = build["args"]["SERVICE"]
        assert (ROOT / "services" / target / "main.py").exists(), (name, target)
        assert service["image"] == f"thidua/{target}:latest", name
        built[target] = service["image"]
    assert set(built) >= {"registry", "nominations", "notifications"}
    # Every other container runs an image built here.
    images = {s.get("image") for s in _compose()["services"].values() if s.get("image", "").startswith("thidua/")}
    assert images <= set(built.values())


def test_each_service_runs_its_own_worker_and_beat_on_its_own_queues():
    workers: dict[str, list[str]] = {}
    beats: set[str] = set()
    for name, service in _compose()["services"].items():
        parsed = _celery(service.get("command") or [])
        if parsed is None:
            continue
        module, sub, queues = parsed
        if sub == "worker":
            # A service may split its queues over several workers (notifications: webhooks apart).
            workers.setdefault(module, []).extend(queues)
        elif sub == "beat":
            beats.add(module)
        # The image holds the service whose worker it runs.
        service_name = module.split(".")[1] if module.startswith("services.") else None
        if service_name:
            assert service["image"] == f"thidua/{service_name}:latest", name
    assert set(workers) == beats == {"services.notifications.worker", "services.nominations.worker"}
    for module, queues in workers.items():
        declared = importlib.import_module(module).WORKER.queues
        assert sorted(queues) == sorted(declared), module


def test_the_demo_override_names_only_services_that_exist():
    assert set(_compose("docker-compose.demo.yml")["services"]) <= set(_compose()["services"])
