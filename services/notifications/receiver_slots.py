"""A per-receiver concurrency cap shared by every worker: a Redis semaphore with leases.

Each holder is a member of a sorted set scored by when its lease ends; members whose lease ended
(their worker died) are dropped before counting, so a crash never leaks a slot for long.
"""
from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


def receiver_of(url: str) -> str:
    """A receiver is a host and port: two URLs on one server share its cap."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


class ReceiverSlots:
    def __init__(self, redis: Any, *, cap: int, lease_seconds: float) -> None:
        self.redis = redis
        self.cap = cap
        self.lease_seconds = lease_seconds
        self._acquire = redis.register_script(_ACQUIRE)

    @staticmethod
    def key(url: str) -> str:
        return f"thidua:webhook-slots:{receiver_of(url)}"

    async def acquire(self, url: str) -> str | None:
        """A token to release, or None when the receiver already has ``cap`` attempts running."""
        token = uuid.uuid4().hex
        now = time.time()
        got = await self._acquire(keys=[self.key(url)],
                                  args=[now, self.cap, now + self.lease_seconds, token,
                                        int(self.lease_seconds * 2000)])
        return token if int(got) == 1 else None

    async def release(self, url: str, token: str) -> None:
        await self.redis.zrem(self.key(url), token)
