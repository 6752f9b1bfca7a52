from __future__ import annotations

import pytest

from services.registry.domain.signin_delays import delay_after, hash_budget_for


@pytest.mark.parametrize(("failures", "wait"), [(0, 0), (3, 0), (4, 2), (5, 4), (6, 8), (12, 512), (13, 900),
                                                (10_000, 900)])
def test_waits_grow_after_the_free_failures_up_to_the_ceiling(failures, wait):
    assert delay_after(failures, free=3, base=2, ceiling=900) == wait


def test_unknown_addresses_keep_to_their_share_of_the_hash_budget():
    assert hash_budget_for(known_address=True, budget=20, unknown_share=0.75) == 20
    assert hash_budget_for(known_address=False, budget=20, unknown_share=0.75) == 15
    assert hash_budget_for(known_address=False, budget=1, unknown_share=0.5) == 1
