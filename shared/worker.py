"""The Celery worker factory: every service's worker gets the same reliability settings.

A service declares what its worker runs in its own ``worker.py``: a :class:`WorkerSpec` with its
task modules, the queues it consumes, the queue of each of its tasks and its periodic (beat)
entries, and builds its app with :func:`create_worker` (``celery -A services.<name>.worker:app``).
A queue belongs to one service: a worker takes only messages for tasks it has. ``deploy/worker.py``
combines every declaration into one app for a single worker process (``make run``, the tests).

Reliability, the same for all: messages are acknowledged after the task ran (``acks_late``) and put
back if the worker process dies (``reject_on_worker_lost``) or is killed at the hard time limit
(``acks_on_timeout=False``); Redis hands an unacknowledged message to another worker only after the
visibility timeout, which is longer than any task time limit and any retry delay. JSON only, no
result backend, one message at a time per process, JSON logs, task events for Flower. Every task is
idempotent, so a message that runs twice does no harm.

Tasks are synchronous functions (what Celery runs); every task that runs async code runs it with
:func:`run_async`, on its worker process's one event loop (:class:`AsyncRuntime`), so resources
bound to a loop (an asyncpg pool, a Redis client) live as long as the process, not one task.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import setup_logging
from kombu import Exchange, Queue

from shared.broker import TRANSPORT
from shared.logs import configure_logging
from shared.settings import WorkerSettings
from shared.vietnam import TIME_ZONE

BeatSchedule = dict[str, dict[str, Any]]


def _no_beat(settings: WorkerSettings) -> BeatSchedule:
    return {}


@dataclass(frozen=True)
class WorkerSpec:
    """What one service's worker runs."""

    service: str
    task_modules: tuple[str, ...]
    queues: tuple[str, ...]
    # Task name (or glob) → the queue it goes to; every queue named here is one of ``queues``.
    routes: Mapping[str, str]
    # The service's periodic entries for its settings; each names one of ``queues``.
    beat: Callable[[WorkerSettings], BeatSchedule] = _no_beat
    # The settings a worker of this service alone runs with (env prefix of the service).
    settings: Callable[[], WorkerSettings] = WorkerSettings
    default_queue: str | None = None

    def check(self, settings: WorkerSettings) -> None:
        """A spec names only its own queues and tasks, so its messages reach only its own workers."""
        prefix = f"{self.service}."
        stray = sorted(task for task in self.routes if not task.startswith(prefix))
        stray += sorted(name for name, entry in self.beat(settings).items()
                        if not (name.startswith(prefix) and entry["task"].startswith(prefix)))
        if stray:
            raise ValueError(f"the {self.service} worker may route and schedule only {prefix}* tasks: {stray}")
        unknown = sorted({q for q in self.routes.values() if q not in self.queues}
                         | {e["options"]["queue"] for e in self.beat(settings).values()
                            if e.get("options", {}).get("queue") not in self.queues})
        if unknown:
            raise ValueError(f"the {self.service} worker routes to queues it does not consume: {unknown}")


# The name the worker process logs under: the app made current last (the one Celery runs).
_log_name = "worker"


def create_worker(name: str, specs: Sequence[WorkerSpec], settings: WorkerSettings | None = None, *,
                  set_as_current: bool = True) -> Celery:
    """A Celery app running ``specs`` (one service, or several in one process) with the common
    reliability settings. ``settings``: default, the first spec's."""
    if not specs:
        raise ValueError("a worker runs at least one service's tasks")
    settings = settings or specs[0].settings()
    queues: list[str] = []
    for spec in specs:
        spec.check(settings)
        shared_queues = set(queues) & set(spec.queues)
        if shared_queues:
            raise ValueError(f"queues {sorted(shared_queues)} are declared by two services")
        queues += spec.queues
    routes = {task: {"queue": queue} for spec in specs for task, queue in spec.routes.items()}
    beat: BeatSchedule = {}
    for spec in specs:
        beat.update(spec.beat(settings))
    app = Celery(name, broker=settings.redis_url, include=[m for spec in specs for m in spec.task_modules],
                 set_as_current=set_as_current)
    app.conf.update(
        # One direct exchange per queue, named like it (what shared.jobs and the outbox relays send
        # to). A bare Queue(name) would bind every queue to the default exchange with one routing
        # key, so anything publishing through that exchange would reach every queue.
        task_queues=[Queue(q, Exchange(q, type="direct"), routing_key=q)  # type: ignore[no-untyped-call]
                     for q in queues],
        task_default_queue=specs[0].default_queue or specs[0].queues[0],
        task_routes=routes,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # tasks record their effects in PostgreSQL; no result backend
        # At-least-once execution: ack after the run, requeue when the worker process dies.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # A task that fails (raises, as opposed to retrying) is acknowledged: by then nothing depends
        # on its message (each service keeps what it could not process, and its periodic jobs
        # recompute their work from PostgreSQL). A task killed at the hard time limit is put back
        # in its queue instead: it did not get to decide, and every task is idempotent.
        task_acks_on_failure=True,
        task_acks_on_timeout=False,
        # Tasks are short; one message at a time per process keeps the others for other workers.
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout,
            "unacked_restore_interval": settings.broker_restore_interval,
            "unacked_restore_throttle": 1,
            # The restorer holds a Redis lock while it scans (milliseconds). A worker killed while
            # holding it would stop every restore until the lock expires: kombu's 300 s default
            # would hold a dead worker's messages that long, so let it expire after a few scans.
            "unacked_mutex_expire": max(5, round(3 * settings.broker_restore_interval)),
            "socket_connect_timeout": 5,
            "socket_timeout": 30,
            "health_check_interval": 25,
        },
        # kombu's Redis transport, minus a crash when the broker goes away (shared/broker.py).
        broker_transport=TRANSPORT,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # Let Flower show every task.
        worker_send_task_events=True,
        task_send_sent_event=True,
        timezone=TIME_ZONE,
        enable_utc=True,
        beat_schedule=beat,
    )
    tls = settings.celery_ssl()
    if tls:  # rediss://: TLS to the broker (and to a result backend, should one be configured)
        app.conf.broker_use_ssl = tls
        app.conf.redis_backend_use_ssl = tls
    app.thidua_settings = settings
    app.thidua_specs = tuple(specs)
    if set_as_current:
        global _log_name
        _log_name = f"{name}-worker"
    return app


def queues_of(app: Celery) -> tuple[str, ...]:
    return tuple(q.name for q in app.conf.task_queues)


@setup_logging.connect  # type: ignore[untyped-decorator]
def _json_logs(loglevel: int | str | None = None, **_: Any) -> None:
    # The same one-JSON-object-per-line logs as the HTTP services (with the task fields).
    level = logging.getLevelName(loglevel) if isinstance(loglevel, int) else (loglevel or "INFO")
    configure_logging(_log_name, level)


# ---------------------------------------------------------------- async code in tasks

T = TypeVar("T")


class AsyncRuntime:
    """One event loop per worker process, created in the process that runs the task (after a
    prefork worker forks, never inherited) and reused by every task it runs.

    ``resources`` holds what a service keeps bound to this loop (its pool, its Redis client), made
    on first use; ``on_close`` registers how to let go of one when the runtime is closed.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.runner = asyncio.Runner()
        self.resources: dict[str, Any] = {}
        self._closers: list[Callable[[], object]] = []

    def run(self, main: Callable[[], Awaitable[T]], *, timeout: float | None = None) -> T:
        async def bounded() -> T:
            # Finish (cancelled, cleanly) before Celery's soft limit interrupts the loop from outside.
            return await asyncio.wait_for(main(), timeout) if timeout is not None else await main()

        return self.runner.run(bounded())

    def on_close(self, closer: Callable[[], object]) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):  # the loop may be in a bad state after an interruption
                closer()
        with contextlib.suppress(Exception):
            self.runner.close()


_runtime: AsyncRuntime | None = None


def runtime() -> AsyncRuntime:
    """This process's runtime (a new one in a forked child)."""
    global _runtime
    if _runtime is None or _runtime.pid != os.getpid():
        _runtime = AsyncRuntime()
    return _runtime


def close_runtime() -> None:
    """Close this process's runtime; the next task starts a fresh one (tests, and after an error
    that leaves the loop or its resources in an unknown state)."""
    global _runtime
    if _runtime is not None and _runtime.pid == os.getpid():
        _runtime.close()
    _runtime = None


def run_async(main: Callable[[], Awaitable[T]], *, timeout: float | None = None,
              fresh_after: tuple[type[BaseException], ...] = ()) -> T:
    """Run ``main()`` on this worker process's event loop: the one way a task runs async code.

    A soft time limit (raised by a signal wherever the loop happened to be), or any of
    ``fresh_after``, closes the runtime so that the next task starts afresh.
    """
    current = runtime()
    try:
        return current.run(main, timeout=timeout)
    except (SoftTimeLimitExceeded, *fresh_after):
        close_runtime()
        raise
