"""When to try a delivery again: exponential backoff with jitter. Pure, no I/O.

Attempt ``n`` (1-based: the delay after the first failure is ``backoff_seconds(1)``) waits
``min(cap, base * 2 ** (n - 1))`` seconds multiplied by a random factor in ``[1 - jitter, 1]``
("full" jitter when ``jitter == 1``, none when ``0``). The jitter spreads the retries of many
deliveries that failed together (an endpoint down for a minute) instead of hitting it in waves;
it only ever shortens the delay, so the cap is a true maximum.

With the defaults (``base=2``, ``cap=600``): about 2, 4, 8, … 512 seconds, then 600 from the 10th
attempt on, each between half and all of that.
"""
from __future__ import annotations

import math
import random

_MAX_EXPONENT = 1000  # 2.0 ** 1000 is still a float; the cap takes over long before


def _number(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return float(value)


def backoff_seconds(attempt: int, *, base: float = 2.0, cap: float = 600.0, jitter: float = 0.5,
                    rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (≥ 1) before the next one."""
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise ValueError("attempt must be an int >= 1")
    base, cap, jitter = _number("base", base), _number("cap", cap), _number("jitter", jitter)
    if base <= 0:
        raise ValueError("base must be > 0")
    if cap < 0:
        raise ValueError("cap must be >= 0")
    if not 0 <= jitter <= 1:
        raise ValueError("jitter must be between 0 and 1")
    delay = min(cap, base * 2.0 ** min(attempt - 1, _MAX_EXPONENT))
    if jitter == 0:
        return delay
    factor = (rng or random).uniform(1.0 - jitter, 1.0)
    return min(delay, delay * factor)  # uniform() may round past its upper bound


def should_give_up(attempts: int, max_attempts: int) -> bool:
    """Whether a delivery that has been attempted ``attempts`` times must stop (``attempts >= max_attempts``)."""
    for name, value in (("attempts", attempts), ("max_attempts", max_attempts)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be an int")
    if attempts < 0:
        raise ValueError("attempts must be >= 0")
    if max_attempts < 1:
        raise ValueError("max_attempts must be >= 1")
    return attempts >= max_attempts
