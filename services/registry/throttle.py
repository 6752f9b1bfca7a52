"""Sign-in throttling in Redis, checked before any password is hashed.

What it holds against, and how (waits from ``domain/signin_delays.py``):

- **Guessing one account from one address**: failures per (account, address); after a few, each
  further failure doubles the wait before the next attempt (up to 15 minutes). Never a lock.
- **Guessing one account from many addresses**: failures from addresses the account has never
  signed in from are also counted for the account as a whole, with the same growing waits.
- **Locking the owner out**: an address the account signed in from before is *known* (remembered
  90 days); the account-wide count of unknown addresses' failures does not apply to it, so an
  attacker's failures elsewhere never keep the owner from signing in where it usually does.
- **Burning the CPU**: every attempt counts against its client address (anonymous floods), and
  every argon2 verification takes a place in a global budget per window shared by all replicas;
  attempts from unknown addresses stop at their share of it, leaving room for known ones.

A refusal is 429 problem+json saying when to come back (``Retry-After``). Redis being away answers
503 (the problem handler maps the connection error), never an unthrottled sign-in.
"""
from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from services.registry.domain.signin_delays import delay_after, hash_budget_for
from services.registry.settings import RegistrySettings
from shared.errors import TooManyRequests

PREFIX = "thidua:signin"


def _digest(value: str) -> str:
    # Hashed: the key space of Redis is no place for whatever string a client sends.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _account(username: str) -> str:
    return _digest(username.lower())


def _address_key(address: str) -> str:
    return f"{PREFIX}:address:{_digest(address)}"


def _pair_key(username: str, address: str) -> str:
    return f"{PREFIX}:pair:{_account(username)}:{_digest(address)}"


def _unknown_key(username: str) -> str:
    return f"{PREFIX}:unknown:{_account(username)}"


def _known_key(username: str, address: str) -> str:
    return f"{PREFIX}:known:{_account(username)}:{_digest(address)}"


def _budget_key(settings: RegistrySettings, now: float) -> str:
    return f"{PREFIX}:hashes:{int(now // settings.signin_hash_budget_window_seconds)}"


def _refuse(wait: float, why: str, slug: str = "signin-throttled") -> TooManyRequests:
    seconds = max(math.ceil(wait), 1)
    return TooManyRequests(f"too many sign-in attempts {why}; try again in {seconds} s", slug=slug,
                           retry_after=seconds)


async def before_attempt(redis: Any, settings: RegistrySettings, *, username: str, address: str) -> None:
    """Count this attempt against its address and refuse it while a wait is running or the
    argon2 budget is spent; otherwise the password may be checked."""
    now = time.time()
    akey = _address_key(address)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(akey)
        pipe.expire(akey, settings.signin_address_window_seconds, nx=True)
        pipe.ttl(akey)
        pipe.hget(_pair_key(username, address), "until")
        pipe.exists(_known_key(username, address))
        pipe.hget(_unknown_key(username), "until")
        attempts, _, address_ttl, pair_until, known, unknown_until = await pipe.execute()
    if int(attempts) > settings.signin_address_attempts:
        raise _refuse(address_ttl, "from this address")
    if pair_until is not None and float(pair_until) > now:
        raise _refuse(float(pair_until) - now, "for this account from this address")
    if not known and unknown_until is not None and float(unknown_until) > now:
        raise _refuse(float(unknown_until) - now,
                      "for this account from addresses it has not signed in from before")
    await _take_hash_place(redis, settings, now=now, known=bool(known))


async def _take_hash_place(redis: Any, settings: RegistrySettings, *, now: float, known: bool) -> None:
    key = _budget_key(settings, now)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, settings.signin_hash_budget_window_seconds + 1, nx=True)
        taken, _ = await pipe.execute()
    if int(taken) > hash_budget_for(known_address=known, budget=settings.signin_hash_budget,
                                    unknown_share=settings.signin_unknown_hash_share):
        await redis.decr(key)  # a refused attempt hashes nothing: it leaves its place to others
        window = settings.signin_hash_budget_window_seconds
        raise _refuse(window - now % window, "right now: sign-in is busy", slug="signin-busy")


async def _count_failure(redis: Any, settings: RegistrySettings, key: str, *, free: int, now: float) -> None:
    memory = settings.signin_failure_memory_seconds
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(key, "failures", 1)
        pipe.expire(key, memory)
        failures, _ = await pipe.execute()
    wait = delay_after(int(failures), free=free, base=settings.signin_delay_base_seconds,
                       ceiling=settings.signin_delay_max_seconds)
    if wait:
        await redis.hset(key, "until", now + wait)


async def failed(redis: Any, settings: RegistrySettings, *, username: str, address: str) -> None:
    now = time.time()
    await _count_failure(redis, settings, _pair_key(username, address),
                         free=settings.signin_pair_free_failures, now=now)
    if not await redis.exists(_known_key(username, address)):
        await _count_failure(redis, settings, _unknown_key(username),
                             free=settings.signin_account_free_failures, now=now)


async def succeeded(redis: Any, settings: RegistrySettings, *, username: str, address: str) -> None:
    """The pair's failures are forgotten and the address is known for the account from now on
    (the account-wide count of unknown addresses' failures runs its course: it is an attacker's)."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(_pair_key(username, address))
        pipe.set(_known_key(username, address), 1, ex=settings.signin_known_address_days * 86400)
        await pipe.execute()
