"""Documents built on request (workbooks, PDFs) without blocking the service that builds them.

- ``DocumentBuilder`` runs the building function in worker processes: it is CPU work that holds
  the GIL, so a thread would still slow every other request; at most ``processes`` documents are
  built at once, the others wait their turn (off the event loop too). The processes run at a lower
  CPU priority (``niceness``): a document is batch work, the requests beside it are not.
- ``rate_limit`` counts a client's requests for one kind of document per window in Redis and
  answers 429 problem+json with ``Retry-After`` past the limit.
- ``kept``/``keep``: a public document per query in Redis for a short while: the same question
  within that time gets the same bytes and costs no building at all.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from shared.errors import TooManyRequests

PREFIX = "thidua:documents"
T = TypeVar("T")


class DocumentBuilder:
    def __init__(self, *, processes: int, niceness: int = 10) -> None:
        self._processes = processes
        self._niceness = niceness
        self._pool: ProcessPoolExecutor | None = None

    async def build(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker process (both must be picklable: a module-level function)."""
        if self._pool is None:
            # spawn, not fork: the service's event loop, sockets and pool threads stay behind.
            self._pool = ProcessPoolExecutor(max_workers=self._processes,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(self._niceness,))
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:32]


async def rate_limit(redis: Any, *, document: str, client: str, limit: int, window_seconds: int) -> None:
    """Refuse the request (429) when ``client`` asked for ``document`` more than ``limit`` times
    in its current window (which starts at its first request)."""
    key = f"{PREFIX}:rate:{document}:{_digest(client)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_seconds, nx=True)
        pipe.ttl(key)
        count, _, ttl = await pipe.execute()
    if int(count) > limit:
        wait = max(int(ttl), 1)
        raise TooManyRequests(f"at most {limit} {document} downloads per {window_seconds} s; try again in {wait} s",
                              slug="document-rate-limited", retry_after=wait)


def _cache_key(document: str, query: dict[str, Any]) -> str:
    return f"{PREFIX}:cache:{document}:{_digest(query)}"


async def kept(redis: Any, *, document: str, query: dict[str, Any]) -> bytes | None:
    """The bytes kept for this query of this document, if they are still fresh."""
    data: bytes | None = await redis.get(_cache_key(document, query))
    return data


async def keep(redis: Any, *, document: str, query: dict[str, Any], data: bytes, ttl_seconds: int) -> None:
    await redis.set(_cache_key(document, query), data, ex=ttl_seconds)
