"""How long a sign-in waits after failures (pure: the Redis bookkeeping is services/registry/throttle.py).

Failures are counted per (account, address), and per account for the addresses it has never signed
in from. The first ``free`` failures cost nothing (typing mistakes); each one after that doubles
the wait before the next attempt, from ``base`` up to ``ceiling`` seconds. Never a lock: guessing
gets slower and slower, the owner waits at most ``ceiling`` and, from an address it signed in
from before, not at all because of someone else's failures.
"""
from __future__ import annotations


def delay_after(failures: int, *, free: int, base: float, ceiling: float) -> float:
    """Seconds the next attempt waits after ``failures`` consecutive failures."""
    if failures <= free:
        return 0.0
    return float(min(ceiling, base * 2 ** min(failures - free - 1, 62)))


def hash_budget_for(*, known_address: bool, budget: int, unknown_share: float) -> int:
    """How many of the window's argon2 verifications this attempt may take a place among: attempts
    from unknown addresses stop at their share, so a flood of guesses leaves room for owners."""
    return budget if known_address else max(1, int(budget * unknown_share))
