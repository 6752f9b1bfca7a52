"""Sign-in throttling in Redis, checked before any password is hashed.

- Per client address, every attempt counts (``signin_address_attempts`` per window): anonymous
  traffic cannot pin the CPU with argon2 hashes.
- Per account, failures count (``signin_account_failures`` per window) and a success clears
  them: guessing one account's password is slow whatever the number of addresses used. (Someone
  who knows a username can keep that account throttled; it still signs in once the window ends,
  and the ministry sees the 429s in the access logs.)

Fixed windows (INCR + EXPIRE on the first hit); a refusal says when to come back (Retry-After).
Redis being away answers 503 (the problem handler maps the connection error), never an
unthrottled sign-in.
"""
from __future__ import annotations

import hashlib
from typing import Any

from services.registry.settings import RegistrySettings
from shared.errors import TooManyRequests

PREFIX = "thidua:signin"


def _account_key(username: str) -> str:
    # Hashed: the key space of Redis is no place for whatever string a client sends as a username.
    return f"{PREFIX}:account:{hashlib.sha256(username.lower().encode()).hexdigest()[:32]}"


def _address_key(address: str) -> str:
    return f"{PREFIX}:address:{address}"


def _refuse(ttl: int, why: str) -> TooManyRequests:
    wait = max(int(ttl), 1)
    return TooManyRequests(f"too many sign-in attempts {why}; try again in {wait} s", slug="signin-throttled",
                           retry_after=wait)


async def before_attempt(redis: Any, settings: RegistrySettings, *, username: str, address: str) -> None:
    """Count this attempt against the address and refuse it if the address or account is over."""
    akey, ukey = _address_key(address), _account_key(username)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(akey)
        pipe.expire(akey, settings.signin_address_window_seconds, nx=True)
        pipe.ttl(akey)
        pipe.get(ukey)
        pipe.ttl(ukey)
        attempts, _, address_ttl, failures, account_ttl = await pipe.execute()
    if int(attempts) > settings.signin_address_attempts:
        raise _refuse(address_ttl, "from this address")
    if failures is not None and int(failures) >= settings.signin_account_failures:
        raise _refuse(account_ttl, "for this account")


async def failed(redis: Any, settings: RegistrySettings, *, username: str) -> None:
    key = _account_key(username)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, settings.signin_account_window_seconds, nx=True)
        await pipe.execute()


async def succeeded(redis: Any, *, username: str) -> None:
    await redis.delete(_account_key(username))
