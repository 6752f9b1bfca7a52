"""The one way a Celery task runs async code: its worker process's event loop (shared.worker.run_async)."""
from __future__ import annotations

import asyncio

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from shared import worker


@pytest.fixture(autouse=True)
def fresh_runtime():
    worker.close_runtime()
    yield
    worker.close_runtime()


def test_tasks_of_one_process_share_one_loop_and_its_resources():
    async def loop_and_count():
        runtime = worker.runtime()
        runtime.resources["runs"] = runtime.resources.get("runs", 0) + 1
        return asyncio.get_running_loop(), runtime.resources["runs"]

    first_loop, _ = worker.run_async(loop_and_count)
    second_loop, runs = worker.run_async(loop_and_count)
    assert first_loop is second_loop and runs == 2


def test_a_soft_time_limit_starts_the_next_task_afresh():
    closed = []
    worker.runtime().on_close(lambda: closed.append(True))
    before = worker.runtime()

    async def interrupted():
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        worker.run_async(interrupted)
    assert closed == [True] and worker.runtime() is not before


def test_an_error_named_fresh_after_closes_the_runtime_and_others_do_not():
    first = worker.runtime()

    async def fails(exc):
        raise exc

    with pytest.raises(ValueError):
        worker.run_async(lambda: fails(ValueError("a bug")))
    assert worker.runtime() is first
    with pytest.raises(ConnectionError):
        worker.run_async(lambda: fails(ConnectionError()), fresh_after=(ConnectionError,))
    assert worker.runtime() is not first


def test_a_timeout_bounds_the_work():
    with pytest.raises(TimeoutError):
        worker.run_async(lambda: asyncio.sleep(5), timeout=0.05)
