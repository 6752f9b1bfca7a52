"""The drills' own infrastructure: a PostgreSQL cluster (initdb/pg_ctl), a Redis, an SMTP sink, the
services and a Celery worker and beat, each a process the drills may stop, kill and restart."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiosmtpd.controller import Controller

from deploy.scratch import Postgres, Redis, wait_until
from deploy.stack import ROOT
from deploy.worker import QUEUES
from shared.auth import TokenIssuer, generate_private_key, private_key_pem
from tests.support import free_port

CLUSTER = "DRILL-20"
# An event still unconfirmed this long after it was published goes again (production: 300 s).
REDELIVER_AFTER_SECONDS = 8
# Each drill's figures, printed when its module's stack stops (``-s``) and reported in the README.
FIGURES: dict[str, dict[str, Any]] = {}


async def _create_database(admin: str, name: str) -> None:
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
    finally:
        await conn.close()


class Process:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], root: Path, port: int | None = None):
        self.name, self.argv, self.env, self.root, self.port = name, argv, env, root, port
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        log = open(self.root / f"{self.name}.log", "ab")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        if self.port is not None:
            wait_until(lambda: self._ready(), timeout=90, what=f"{self.name} to answer")

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited:\n" + (self.root / f"{self.name}.log").read_text()[-3000:])
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def pause(self, paused: bool = True) -> None:
        """Freeze (SIGSTOP) or thaw (SIGCONT) the process and its children: a worker that consumes nothing."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Mailbox:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for line in (envelope.original_content or envelope.content).decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


class Stack:
    """PostgreSQL, Redis, an SMTP sink, the registry and nominations APIs, a worker and beat, each
    of the drill's own. ``postgres_settings`` go into postgresql.conf; ``on_postgres`` runs once the
    cluster answers, before anything is written (the restore drill's backup stanza); ``env`` overrides
the processes' settings."""

    def __init__(self, *, postgres_settings: dict[str, str] | None = None,
                 on_postgres: Callable[[Postgres], None] | None = None, env: dict[str, str] | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="thidua-drill-"))
        os.chmod(self.root, 0o755)
        self.pg = Postgres(self.root, postgres_settings)
        if on_postgres is not None:
            on_postgres(self.pg)
        self.redis = Redis(self.root)
        self.dsn = self.pg.dsn("thidua")
        asyncio.run(_create_database(self.pg.dsn("postgres"), "thidua"))
        subprocess.run([sys.executable, "-m", "deploy.migrate", "--dsn", self.dsn], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        key = generate_private_key()
        self.issuer = TokenIssuer(key, issuer="thidua-registry", audience="thidua", ttl_seconds=3600)
        self.mailbox = Mailbox()
        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        registry_port, nominations_port = free_port(), free_port()
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("REGISTRY_", "NOMINATIONS_", "NOTIFICATIONS_", "THIDUA_"))}
        self.env = {**base, "PYTHONPATH": str(ROOT), "DATABASE_URL": self.dsn, "REDIS_URL": self.redis.url,
                    "REGISTRY_JWT_PRIVATE_KEY_PEM": private_key_pem(key).decode(),
                    "REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "NOMINATIONS_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "NOTIFICATIONS_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
                    "REGISTRY_OUTBOX_POLL_INTERVAL": "0.3", "NOMINATIONS_OUTBOX_POLL_INTERVAL": "0.3",
                    # An event whose message a killed worker took with it goes again after 8 s (long
                    # enough that, with Redis's append-only file, a queued message gets there first).
                    "REGISTRY_OUTBOX_RECEIPT_INTERVAL_SECONDS": "1", "NOMINATIONS_OUTBOX_RECEIPT_INTERVAL_SECONDS": "1",
                    "REGISTRY_OUTBOX_REDELIVER_AFTER_SECONDS": str(REDELIVER_AFTER_SECONDS),
                    "NOMINATIONS_OUTBOX_REDELIVER_AFTER_SECONDS": str(REDELIVER_AFTER_SECONDS),
                    "REGISTRY_LOG_LEVEL": "WARNING", "NOMINATIONS_LOG_LEVEL": "WARNING",
                    "NOTIFICATIONS_SMTP_HOST": "127.0.0.1", "NOTIFICATIONS_SMTP_PORT": str(self.smtp.port),
                    "NOTIFICATIONS_BROKER_VISIBILITY_TIMEOUT": "3", "NOTIFICATIONS_BROKER_RESTORE_INTERVAL": "1",
                    "NOTIFICATIONS_TASK_RETRY_BASE_SECONDS": "0.2", "NOTIFICATIONS_TASK_RETRY_MAX_SECONDS": "2",
                    "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2", "NOTIFICATIONS_RETRY_MAX_SECONDS": "1",
                    "NOTIFICATIONS_LOG_LEVEL": "INFO",
                    # The sweep re-enqueues deliveries whose message died with a worker (below).
                    "NOTIFICATIONS_SWEEP_AFTER_SECONDS": "5", "NOTIFICATIONS_BEAT_INTERVAL_SECONDS": "2",
                    **(env or {})}
        uvicorn = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
        self.registry = Process("registry", [*uvicorn, "services.registry.main:app", "--port", str(registry_port)],
                                self.env, self.root, registry_port)
        self.nominations = Process("nominations", [*uvicorn, "services.nominations.main:app", "--port",
                                                   str(nominations_port)], self.env, self.root, nominations_port)
        self.worker = self.start_worker()
        # Beat in its own process, as deployed: a worker killed with -9 can take a message with it
        # (Redis hands it over before the worker records it as unacknowledged); for a delivery the
        # periodic sweep is what repairs that, so the drill runs it.
        self.beat = Process("beat", [sys.executable, "-m", "celery", "-A", "deploy.worker:app", "beat",
                                     "--loglevel=INFO", "--schedule", str(self.root / "beat-schedule")],
                            self.env, self.root)

    def start_worker(self) -> Process:
        worker = Process(f"worker-{uuid.uuid4().hex[:6]}",
                         [sys.executable, "-m", "celery", "-A", "deploy.worker:app", "worker",
                          "-Q", ",".join(QUEUES), "-c", "2", "--loglevel=INFO",
                          "-n", f"drill-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
                          "--without-heartbeat"], self.env, self.root)
        log = self.root / f"{worker.name}.log"
        wait_until(lambda: b" ready." in log.read_bytes(), timeout=90, what="the worker")
        return worker

    def token(self, role: str, province: str | None = None) -> dict[str, str]:
        subject = f"province-{province}" if province else role
        token, _ = self.issuer.issue(subject=subject, role=role, province=province)
        return {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        for proc in (self.beat, self.worker, self.nominations, self.registry):
            proc.stop(signal.SIGKILL)
        self.smtp.stop()
        self.redis.stop()
        try:
            self.pg.stop("immediate")
        finally:
            if os.environ.get("THIDUA_DRILL_KEEP"):  # the processes' logs, to read after a failure
                print(f"\nfault drill logs kept in {self.root}")
            else:
                shutil.rmtree(self.root, ignore_errors=True)


def running_stack(**options: Any) -> Iterator[Stack]:
    """A started Stack for a module's drills, torn down after them (also when it fails to start)."""
    built = Stack.__new__(Stack)
    try:
        built.__init__(**options)  # type: ignore[misc]
    except BaseException:
        for name in ("beat", "worker", "nominations", "registry"):
            if hasattr(built, name):
                getattr(built, name).stop(signal.SIGKILL)
        if hasattr(built, "redis"):
            built.redis.stop()
        if hasattr(built, "pg"):
            built.pg.stop("immediate")
        raise
    try:
        yield built
    finally:
        built.close()
        print("\ndrill figures:", json.dumps(FIGURES, ensure_ascii=False))
