"""Jobs: Celery tasks sent by name, and only once the transaction that made them necessary committed.

A task message must never name a row its worker cannot see yet (or ever, after a rollback), so a
use case does not send anything itself: it adds jobs to the transaction's ``AfterCommit``, and
:func:`transaction` sends them when the block has committed. Nothing is sent if it raised.

    async with jobs.transaction(db, request.app.state.jobs) as (conn, after):
        row = await service.retry_delivery(conn, delivery_id=delivery_id)
        after.add(Job("notifications.deliver", args=(str(delivery_id),), queue="notify"))

A job is sent by task name: the sender needs no task code, so a service sends to another
service's worker without importing it. Each queue is a direct exchange named like it (what the
workers declare, ``shared.worker``). A job whose loss something else repairs (a periodic sweep, a
nightly run) is logged and forgotten when the broker refuses it; a ``required`` one raises
:class:`JobNotSent`, so the caller can answer 503 and the client try again.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from celery import Celery

from shared.db import Database
from shared.logs import log_fields

log = logging.getLogger("thidua.jobs")

# The producer gives up quickly: a request must not hang on a broker that is away.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}


@dataclass(frozen=True)
class Job:
    """One task message: the task's name, its arguments and where it goes."""

    task: str
    args: Sequence[Any] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    queue: str | None = None
    countdown: float | None = None
    task_id: str | None = None
    # Raise JobNotSent if the broker refuses it (nothing else would repair its loss).
    required: bool = False


class JobNotSent(RuntimeError):
    """The broker did not take a required job; its transaction has committed nonetheless."""

    def __init__(self, job: Job, cause: BaseException) -> None:
        super().__init__(f"{job.task} was not sent: {type(cause).__name__}")
        self.job = job
        self.cause = cause


def producer(broker_url: str, *, name: str = "thidua-producer") -> Celery:
    """A Celery client that only sends (no task code, no result backend), giving up quickly."""
    app = Celery(name, broker=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=False,
        broker_connection_max_retries=1,
        task_publish_retry=True,
        task_publish_retry_policy=PUBLISH_RETRY,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
    )
    return app


class JobSender:
    """Sends jobs through one Celery app: a producer on ``broker_url``, or a worker's own app."""

    def __init__(self, broker_url: str | None = None, *, app: Celery | None = None) -> None:
        if (broker_url is None) == (app is None):
            raise ValueError("give a broker_url or a Celery app")
        self._owned = app is None
        self.app: Celery = app if app is not None else producer(str(broker_url))

    def send_now(self, job: Job) -> str:
        """Send one job at once (blocking); returns the task id. Raises what the broker raises."""
        options: dict[str, Any] = {"retry": True, "retry_policy": PUBLISH_RETRY}
        if job.queue is not None:
            options["queue"] = job.queue
        if job.countdown is not None:
            options["countdown"] = job.countdown
        if job.task_id is not None:
            options["task_id"] = job.task_id
        result = self.app.send_task(job.task, args=list(job.args), kwargs=dict(job.kwargs), **options)
        return str(result.id)

    def send_all(self, jobs: Iterable[Job]) -> list[str | None]:
        """Send jobs after a commit (blocking): the task ids, None for an optional job the broker refused
        (logged). Raises :class:`JobNotSent` for a required one."""
        ids: list[str | None] = []
        for job in jobs:
            try:
                ids.append(self.send_now(job))
            except Exception as exc:
                if job.required:
                    raise JobNotSent(job, exc) from exc
                log_fields(log, "cannot send a job; what repairs its loss will", logging.WARNING, task=job.task,
                           args=[str(a) for a in job.args][:5], error=repr(exc))
                ids.append(None)
        return ids

    async def send(self, jobs: Iterable[Job]) -> list[str | None]:
        """:meth:`send_all` off the event loop (the broker client blocks)."""
        return await asyncio.to_thread(self.send_all, list(jobs))

    def close(self) -> None:
        if self._owned:
            self.app.close()


class AfterCommit:
    """The jobs a transaction asks for; :func:`transaction` sends them once it has committed."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def add(self, job: Job) -> None:
        self.jobs.append(job)


@asynccontextmanager
async def transaction(db: Database, sender: JobSender) -> AsyncIterator[tuple[asyncpg.Connection, AfterCommit]]:
    """``db.transaction()`` that sends the jobs added to it after the commit (none if it raised)."""
    after = AfterCommit()
    async with db.transaction() as conn:
        yield conn, after
    if after.jobs:
        await sender.send(after.jobs)
