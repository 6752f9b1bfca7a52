"""How a disabled account's tokens (or tokens issued before a password change) stop working.

Every service verifies tokens locally, so the registry cannot simply forget them. Each account has
a token version (``registry.accounts.token_version``) that every token carries as the ``ver``
claim. Disabling an account or changing its password bumps the version and the registry writes
the account's lowest still-valid version into one Redis hash, ``thidua:token-floor``
(subject → version). Verifiers keep a copy of that hash, refreshed every few seconds (one HGETALL,
never a round trip per request), and refuse a token whose ``ver`` is below its subject's floor.

If Redis is away, verifiers keep using their last copy; the registry re-publishes every floor
on start-up and periodically, so a write lost to an outage is repaired. A disabled account also
cannot obtain new tokens (the registry checks ``active`` at every sign-in and refresh), and
access tokens are short-lived, so the floor is a belt on top of the braces.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("thidua.auth")

TOKEN_FLOOR_KEY = "thidua:token-floor"


async def publish_floors(redis: Any, floors: Mapping[str, int]) -> None:
    """Record ``subject → lowest valid token version`` (only ever raised)."""
    if floors:
        await redis.hset(TOKEN_FLOOR_KEY, mapping={k: str(v) for k, v in floors.items()})


class TokenFloors:
    """A verifier's cached copy of the floors, refreshed at most every ``refresh_seconds``."""

    def __init__(self, redis: Any, *, refresh_seconds: float = 2.0) -> None:
        self.redis = redis
        self.refresh_seconds = refresh_seconds
        self._floors: dict[str, int] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.refresh_seconds:
                return
            try:
                raw = await asyncio.wait_for(self.redis.hgetall(TOKEN_FLOOR_KEY), timeout=2)
                self._floors = {k.decode() if isinstance(k, bytes) else str(k): int(v) for k, v in raw.items()}
            except Exception as exc:  # Redis away: keep the last copy, look again next time
                log.warning("token floors not refreshed; using the cached copy",
                            extra={"fields": {"error": type(exc).__name__}})
            self._fetched_at = time.monotonic()

    def raise_floor(self, subject: str, version: int) -> None:
        """Apply a change made by this process at once (the registry's own verifier)."""
        self._floors[subject] = max(version, self._floors.get(subject, 0))

    async def floor(self, subject: str) -> int:
        if time.monotonic() - self._fetched_at >= self.refresh_seconds:
            await self._refresh()
        return self._floors.get(subject, 0)
