"""Exponential backoff with jitter, and when to give up."""
from __future__ import annotations

import random

import pytest

from services.notifications.domain.retry import backoff_seconds, should_give_up


class Fixed:
    """An rng whose uniform() always returns one end of the range."""

    def __init__(self, end: str):
        self.end = end
        self.calls: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.calls.append((a, b))
        return a if self.end == "low" else b


def test_without_jitter_doubles_from_base_then_caps():
    got = [backoff_seconds(n, jitter=0) for n in range(1, 13)]
    assert got == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600]


def test_first_attempt_is_about_base():
    for seed in range(50):
        assert 1.0 <= backoff_seconds(1, rng=random.Random(seed)) <= 2.0


def test_custom_base_and_cap():
    assert [backoff_seconds(n, base=0.5, cap=3, jitter=0) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]
    assert backoff_seconds(1, base=10, cap=5, jitter=0) == 5
    assert backoff_seconds(3, cap=0, jitter=0) == 0


@pytest.mark.parametrize("jitter", [0.0, 0.25, 0.5, 1.0])
def test_jitter_factor_is_within_one_minus_jitter_and_one(jitter):
    for seed in range(30):
        rng = random.Random(seed)
        for n in range(1, 15):
            nominal = min(600.0, 2.0 * 2 ** (n - 1))
            got = backoff_seconds(n, jitter=jitter, rng=rng)
            assert nominal * (1 - jitter) - 1e-9 <= got <= nominal


def test_jitter_bounds_are_reached():
    low, high = Fixed("low"), Fixed("high")
    assert backoff_seconds(4, rng=low) == 8.0
    assert backoff_seconds(4, rng=high) == 16.0
    assert low.calls == [(0.5, 1.0)]
    assert backoff_seconds(4, jitter=1.0, rng=Fixed("low")) == 0.0


def test_jitter_never_exceeds_the_cap_even_if_uniform_overshoots():
    class Overshoot:
        def uniform(self, a, b):
            return b + 1e-12

    assert backoff_seconds(50, rng=Overshoot()) == 600.0


def test_capped_for_any_attempt():
    for seed in range(20):
        rng = random.Random(seed)
        for n in (10, 11, 20, 64, 1_000, 10_000, 10**9):
            got = backoff_seconds(n, rng=rng)
            assert 300.0 <= got <= 600.0


def test_huge_attempt_and_base_do_not_overflow():
    assert backoff_seconds(10**9, base=1e300, jitter=0) == 600.0


def test_monotonic_while_uncapped_with_default_jitter():
    # With jitter ≤ 0.5, attempt n+1's smallest delay equals attempt n's largest: never shorter.
    for seed in range(50):
        rng = random.Random(seed)
        delays = [backoff_seconds(n, rng=rng) for n in range(1, 10)]  # 2 … 512: below the cap
        assert delays == sorted(delays), seed


def test_grows_on_average_and_stays_capped():
    rng = random.Random(7)
    means = [sum(backoff_seconds(n, rng=rng) for _ in range(200)) / 200 for n in range(1, 16)]
    assert all(b >= a for a, b in zip(means[:9], means[1:10]))
    assert max(means) <= 600.0
    assert means[-1] > 400  # capped region: mean about 450


def test_seeded_rng_is_reproducible():
    a = [backoff_seconds(n, rng=random.Random(42)) for n in range(1, 8)]
    b = [backoff_seconds(n, rng=random.Random(42)) for n in range(1, 8)]
    assert a == b


def test_jitter_spreads_retries():
    rng = random.Random(3)
    assert len({backoff_seconds(5, rng=rng) for _ in range(20)}) > 10


def test_default_rng_works():
    for _ in range(20):
        assert 32.0 <= backoff_seconds(6) <= 64.0


def test_zero_jitter_does_not_touch_the_rng():
    rng = Fixed("low")
    assert backoff_seconds(3, jitter=0, rng=rng) == 8.0
    assert rng.calls == []


@pytest.mark.parametrize("attempt", [0, -1, 1.0, "1", None, True])
def test_invalid_attempt(attempt):
    with pytest.raises(ValueError):
        backoff_seconds(attempt)  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [
    {"base": 0}, {"base": -1}, {"base": float("nan")}, {"base": float("inf")}, {"cap": -1},
    {"jitter": -0.1}, {"jitter": 1.5}, {"jitter": float("nan")}, {"base": "2"},
])
def test_invalid_parameters(kwargs):
    with pytest.raises(ValueError):
        backoff_seconds(1, **kwargs)


def test_returns_float():
    assert isinstance(backoff_seconds(1, jitter=0), float)
    assert isinstance(backoff_seconds(1, base=3, cap=100, jitter=0.2), float)


# --- giving up ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("attempts, max_attempts, give_up", [
    (0, 5, False), (1, 5, False), (4, 5, False), (5, 5, True), (6, 5, True), (0, 1, False), (1, 1, True),
])
def test_should_give_up(attempts, max_attempts, give_up):
    assert should_give_up(attempts, max_attempts) is give_up


@pytest.mark.parametrize("attempts, max_attempts", [(-1, 5), (1, 0), (1, -3), (1.0, 5), (1, 5.0), (True, 5), (None, 5)])
def test_should_give_up_rejects_nonsense(attempts, max_attempts):
    with pytest.raises(ValueError):
        should_give_up(attempts, max_attempts)  # type: ignore[arg-type]


def test_schedule_with_give_up():
    # A delivery tried up to 8 times waits 7 times, for at most 2+4+…+128 = 254 seconds in total.
    waits, attempts = [], 1
    while not should_give_up(attempts, 8):
        waits.append(backoff_seconds(attempts, rng=Fixed("high")))
        attempts += 1
    assert attempts == 8 and len(waits) == 7 and sum(waits) == 254.0
