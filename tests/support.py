"""Helpers the tests share: databases cloned from a migrated template, services served over loopback."""
from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI

from deploy.scratch import free_port  # noqa: F401 - the tests take it from here
from shared.http_clients import tls_context

ADMIN_DSN = os.environ.get("THIDUA_TEST_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("THIDUA_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")


def claim_redis_db() -> tuple[int, Callable[[], None]]:
    """A Redis database index of this test run's own, and how to give it back.

    Tests flush their database, so two runs on one machine (a developer's and CI's, say) must not
    share one; the dev stack keeps database 0, the benchmarks 11 and 12. ``THIDUA_TEST_REDIS_DB`` pins an index instead.
    """
    import redis

    if os.environ.get("THIDUA_TEST_REDIS_DB"):
        return int(os.environ["THIDUA_TEST_REDIS_DB"]), lambda: None
    client = redis.Redis.from_url(f"{REDIS_BASE}/0")
    owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        for index in range(1, 11):  # 11 and up: benchmarks
            key = f"thidua:test-redis-db:{index}"
            if client.set(key, owner, nx=True, ex=4 * 3600):
                def release(key: str = key) -> None:
                    if client.get(key) == owner.encode():
                        client.delete(key)
                    client.close()
                return index, release
    except Exception:
        client.close()
        raise
    client.close()
    raise RuntimeError("every Redis database 1..10 is claimed by another test run")


def dsn_for(database: str) -> str:
    parts = urlsplit(ADMIN_DSN)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


async def admin_execute(sql: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def clone_database(template: str) -> str:
    name = f"thidua_t_{uuid.uuid4().hex[:12]}"
    await admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


async def drop_database(name: str) -> None:
    await admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ClonePool:
    """Fresh copies of ``template`` made before the tests ask for them and dropped after them, on
    threads of their own, so that neither waits in a test's set-up or teardown.

    Every test still gets a database nobody used before, cloned from the migrated template; only the
    timing moves. On PostgreSQL 15 the clone (CREATE DATABASE … TEMPLATE, WAL_LOG) takes 0.1-0.3 s;
    the drop waits for a checkpoint (1-3 s on a busy disk), and drops that wait together share one,
    hence several droppers. ``ahead`` copies are kept ready; the first ``take`` starts the threads.
    """

    def __init__(self, template: str, *, ahead: int = 2, droppers: int = 4) -> None:
        self.template = template
        self.ready: queue.Queue[str | BaseException] = queue.Queue(maxsize=ahead)
        self.used: queue.Queue[str | None] = queue.Queue()
        self.droppers = droppers
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def _start(self) -> None:
        with self.lock:
            if self.threads:
                return
            self.threads.append(threading.Thread(target=asyncio.run, args=(self._create(),), daemon=True,
                                                 name="clone-pool-create"))
            self.threads += [threading.Thread(target=asyncio.run, args=(self._drop(),), daemon=True,
                                              name=f"clone-pool-drop-{i}") for i in range(self.droppers)]
            for thread in self.threads:
                thread.start()

    async def _create(self) -> None:
        try:
            conn = await asyncpg.connect(ADMIN_DSN)
        except BaseException as exc:  # the test that takes the next copy reports it
            self.ready.put(exc)
            return
        try:
            while not self.stopping.is_set():
                name = f"thidua_t_{uuid.uuid4().hex[:12]}"
                try:
                    await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY WAL_LOG')
                except BaseException as exc:
                    self.ready.put(exc)
                    return
                while True:  # wait for room, or hand the copy to the droppers when the run ends
                    try:
                        self.ready.put(name, timeout=0.2)
                        break
                    except queue.Full:
                        if self.stopping.is_set():
                            self.used.put(name)
                            return
        finally:
            await conn.close()

    async def _drop(self) -> None:
        try:
            conn = await asyncpg.connect(ADMIN_DSN)
        except Exception as exc:
            self.failures.append(f"a dropper could not connect: {exc}")
            return
        try:
            while True:
                name = self.used.get()
                if name is None:  # the end of the run: one None per dropper
                    return
                try:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except Exception as exc:
                    self.failures.append(f"{name}: {exc}")
        finally:
            await conn.close()

    def take(self, timeout: float = 300) -> str:
        """The name of a fresh copy (blocking: call it with ``asyncio.to_thread`` from a loop)."""
        self._start()
        item = self.ready.get(timeout=timeout)
        if isinstance(item, BaseException):
            raise RuntimeError(f"cloning {self.template} failed") from item
        return item

    def give_back(self, name: str) -> None:
        """Drop ``name`` soon, on a dropper (it may still have sessions: the drop forces them out)."""
        self.used.put(name)

    def close(self) -> None:
        """Drop the copies made ahead and wait for every drop; raise if any failed."""
        self.stopping.set()
        if not self.threads:
            return
        self.threads[0].join()
        while True:
            try:
                item = self.ready.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, str):
                self.used.put(item)
        for _ in range(self.droppers):
            self.used.put(None)
        for thread in self.threads[1:]:
            thread.join()
        if self.failures:
            raise RuntimeError("some test databases were not dropped: " + "; ".join(self.failures))


@dataclass
class Served:
    app: FastAPI
    url: str
    client: httpx.AsyncClient

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


class _LoopbackServer(uvicorn.Server):
    """uvicorn's server, stopping as soon as it can. uvicorn looks for ``should_exit`` every 0.1 s, and
    its shutdown sleeps 0.1 s, then looks every 0.1 s for the connections to finish: 0.15-0.3 s of
    waiting per server per test (two or three servers a test). Here the main loop wakes on ``stop()``
    and the shutdown waits for the same things (connections closed, their tasks done, then the
    lifespan's shutdown), looking every 5 ms. Starting, serving and the lifespan are uvicorn's own."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stop_requested = asyncio.Event()

    def stop(self) -> None:
        self.should_exit = True
        self.stop_requested.set()

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):  # the Date header each second, and should_exit
            counter = (counter + 1) % 864000
            try:
                await asyncio.wait_for(self.stop_requested.wait(), 0.1)
            except TimeoutError:
                pass

    async def shutdown(self, sockets: Any = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # an idle one closes now, a busy one after its response
        while self.server_state.connections or self.server_state.tasks:
            await asyncio.sleep(0.005)
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[Served]:
    """Run ``app`` under uvicorn on an ephemeral loopback port, in this event loop."""
    # A test's client may sit idle past uvicorn's 5 s keep-alive (a test waiting for a deadline, a loaded
    # machine) and then send on the connection the server is closing that instant: a ReadError no user
    # would meet behind a proxy. The test servers keep idle connections for a minute.
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", access_log=False,
                            proxy_headers=False,  # the apps read forwarded headers themselves (shared.proxies)
                            timeout_keep_alive=60)
    server = _LoopbackServer(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # pytest owns signals
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server stopped during start-up")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url, timeout=30, verify=tls_context()) as client:
        try:
            yield Served(app=app, url=url, client=client)
        finally:
            server.stop()
            await task


def problem(resp: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem response with ``status`` and return its body."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text}"
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.headers["content-type"]
    body = resp.json()
    assert body["status"] == status and body["type"].startswith("urn:thidua:problem:") and body["detail"]
    return body


def fields_naming(body: dict[str, Any], value: str) -> list[str]:
    """The top-level fields of ``body`` that hold ``value`` itself, or hold it as an element or key of a
    nested list or object. Substrings do not count: a timestamp may well contain "31"."""
    def holds(v: Any) -> bool:
        if isinstance(v, dict):
            return value in v or any(holds(x) for x in v.values())
        if isinstance(v, list):
            return any(holds(x) for x in v)
        return v == value
    return [k for k, v in body.items() if holds(v)]




async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 20.0, interval: float = 0.1,
                     message: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; fail with the last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}; last value: {last!r}")
