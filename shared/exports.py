"""Documents built on request (workbooks, PDFs) without blocking the service that builds them.

- ``DocumentBuilder`` runs the building function in worker processes: it is CPU work that holds
  the GIL, so a thread would still slow every other request; at most ``processes`` documents are
  built at once, the others wait their turn (off the event loop too).
- ``rate_limit`` counts a client's requests for one kind of document per window in Redis and
  answers 429 problem+json with ``Retry-After`` past the limit.
- ``cached`` keeps a public document per query in Redis for a short while: the same question
  within that time gets the same bytes and costs no building at all.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from shared.errors import TooManyRequests

PREFIX = "thidua:documents"
T = TypeVar("T")


class DocumentBuilder:
    def __init__(self, *, processes: int) -> None:
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None

    async def build(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker process (both must be picklable: a module-level function)."""
        if self._pool is None:
            # spawn, not fork: the service's event loop, sockets and pool threads stay behind.
            self._pool = ProcessPoolExecutor(max_workers=self._processes,
                                             mp_context=multiprocessing.get_context("spawn"))
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:32]


async def rate_limit(redis: Any, *, document: str, client: str, limit: int, window_seconds: int) -> None:
    """Refuse the request (429) when ``client`` asked for ``document`` more than ``limit`` times
    in the current window."""
    now = time.time()
    key = f"{PREFIX}:rate:{document}:{_digest(client)}:{int(now // window_seconds)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_seconds + 1, nx=True)
        count, _ = await pipe.execute()
    if int(count) > limit:
        wait = max(int(window_seconds - now % window_seconds), 1)
        raise TooManyRequests(f"at most {limit} {document} downloads per {window_seconds} s; try again in {wait} s",
                              slug="document-rate-limited", retry_after=wait)


async def cached(redis: Any, *, document: str, query: dict[str, Any], ttl_seconds: int,
                 build: Callable[[], Awaitable[bytes]]) -> bytes:
    """The bytes built for this query within the last ``ttl_seconds``, else ``build()``'s (kept)."""
    key = f"{PREFIX}:cache:{document}:{_digest(query)}"
    kept: bytes | None = await redis.get(key)
    if kept is not None:
        return kept
    data = await build()
    await redis.set(key, data, ex=ttl_seconds)
    return data
