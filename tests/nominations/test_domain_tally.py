"""Counting flag votes: threshold, quorum, seats, ties and runoffs (pure, no database)."""
from __future__ import annotations

import dataclasses
import time
from decimal import Decimal
from fractions import Fraction

import pytest

from services.nominations.voting.domain.tally import (
    FAILED_QUORUM,
    PROPOSED,
    RUNOFF_REQUIRED,
    TallyResult,
    exact_fraction,
    tally,
)

C5 = ["01", "22", "34", "46", "79"]


def ballots(*spec: tuple[int, list[str]]) -> list[list[str]]:
    """``(count, choices)`` pairs → that many copies of each ballot."""
    return [list(choices) for count, choices in spec for _ in range(count)]


def run(ballot_list, *, candidates=C5, electorate=None, seats=1, **kw) -> TallyResult:
    electorate = len(ballot_list) if electorate is None else electorate
    return tally(candidates=candidates, electorate_size=electorate, ballots=ballot_list,
                 seats=seats, **kw)


# ----------------------------------------------------------------------------------------- counting

def test_counts_votes_blanks_and_ranking():
    r = run(ballots((3, ["34", "01"]), (2, ["34"]), (1, [])), electorate=8, seats=2)
    assert r.votes == {"01": 3, "22": 0, "34": 5, "46": 0, "79": 0}
    assert list(r.votes) == sorted(C5)  # every candidate, in code order
    assert r.ballots_cast == 6
    assert r.blank_ballots == 1
    assert r.valid_ballots == 6
    assert r.electorate_size == 8
    assert r.turnout == pytest.approx(0.75)
    assert r.quorum_met
    assert r.ranking == [("34", 5), ("01", 3), ("22", 0), ("46", 0), ("79", 0)]
    assert r.outcome == PROPOSED
    assert r.proposed == ["34"]  # 01 has 3 of 6: exactly half, not enough
    assert r.tied == [] and r.remaining_seats == 0


def test_result_is_frozen():
    r = run(ballots((3, ["34"])))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.outcome = FAILED_QUORUM  # type: ignore[misc]


def test_ballots_may_be_any_iterable_of_sequences():
    gen = (tuple(b) for b in [["34"], ["34", "01"], []])
    r = tally(candidates=("01", "34"), electorate_size=3, ballots=gen, seats=1)
    assert r.votes == {"01": 1, "34": 2}
    assert r.proposed == ["34"]


def test_ranking_breaks_vote_ties_by_code():
    r = run(ballots((1, ["79", "22"]), (1, ["22", "79"]), (1, ["01"])), seats=5, threshold=0)
    assert r.ranking == [("22", 2), ("79", 2), ("01", 1), ("34", 0), ("46", 0)]


# ---------------------------------------------------------------------------------------- threshold

def test_exactly_half_is_not_enough():
    r = run(ballots((5, ["34"]), (5, ["01"])), seats=2)
    assert r.votes["34"] == 5 and r.valid_ballots == 10
    assert r.outcome == PROPOSED
    assert r.proposed == []


def test_one_more_than_half_is_enough():
    r = run(ballots((6, ["34"]), (5, ["01"])), seats=2)
    assert r.proposed == ["34"]


def test_blank_ballots_count_in_the_denominator():
    # 3 of 3 non-blank ballots, but only 3 of 6 valid ballots: not more than half.
    r = run(ballots((3, ["34"]), (3, [])))
    assert r.blank_ballots == 3 and r.valid_ballots == 6
    assert r.proposed == []
    # One more blank-free vote tips it: 4 of 7.
    r = run(ballots((4, ["34"]), (3, [])))
    assert r.proposed == ["34"]


def test_threshold_zero_means_any_vote():
    r = run(ballots((1, ["34"]), (4, [])), seats=2, threshold=0)
    assert r.proposed == ["34"]  # 1 > 0; nobody else has a vote


def test_custom_threshold_is_strict_and_exact():
    # 2/3 threshold: 6 of 9 is exactly two thirds: not enough; 7 of 9 is.
    r = run(ballots((6, ["34", "01"]), (1, ["01"]), (2, [])), seats=2, threshold=Fraction(2, 3))
    assert r.votes == {"01": 7, "22": 0, "34": 6, "46": 0, "79": 0}
    assert r.proposed == ["01"]
    # The same with the float 2/3 (0.6666666666666666 < 2/3 would wrongly let 34 through).
    r = run(ballots((6, ["34", "01"]), (1, ["01"]), (2, [])), seats=2, threshold=2 / 3)
    assert r.proposed == ["01"]


# ------------------------------------------------------------------------------------------- quorum

def test_quorum_exactly_two_thirds_is_met():
    r = run(ballots((6, ["34"])), electorate=9)
    assert r.quorum_met
    assert r.outcome == PROPOSED and r.proposed == ["34"]


def test_quorum_one_short_is_not_met():
    r = run(ballots((5, ["34"])), electorate=9)
    assert not r.quorum_met
    assert r.outcome == FAILED_QUORUM
    assert r.proposed == [] and r.tied == [] and r.remaining_seats == 0
    assert r.votes["34"] == 5  # still counted, for the record
    assert r.turnout == pytest.approx(5 / 9)


@pytest.mark.parametrize("quorum", [2 / 3, 0.6666666666666666, Fraction(2, 3), "2/3"])
def test_float_two_thirds_behaves_as_two_thirds(quorum):
    # However two thirds is spelled, it means exactly 2/3: 2 of 3, 6 of 9, 200 of 300 are met,
    # 199 of 300 is not.
    assert run(ballots((2, ["34"])), electorate=3, quorum=quorum).quorum_met
    assert run(ballots((6, ["34"])), electorate=9, quorum=quorum).quorum_met
    assert run(ballots((200, [])), electorate=300, quorum=quorum).quorum_met
    assert not run(ballots((199, [])), electorate=300, quorum=quorum).quorum_met


def test_float_two_thirds_is_not_rounded_down():
    # With Fraction(0.6666666666666666) (the float's exact binary value) a turnout of
    # 6666666666666666 / 10**16 would pass; exact 2/3 does not let it.
    assert exact_fraction(2 / 3) == Fraction(2, 3)
    assert Fraction(6666666666666666, 10**16) < exact_fraction(2 / 3)


def test_quorum_of_one_requires_everyone():
    assert run(ballots((9, ["34"])), electorate=9, quorum=1).quorum_met
    assert not run(ballots((8, ["34"])), electorate=9, quorum=1.0).quorum_met


def test_zero_ballots_fails_quorum():
    r = run([], electorate=7)
    assert r.ballots_cast == 0 and r.blank_ballots == 0 and r.valid_ballots == 0
    assert r.turnout == 0.0
    assert not r.quorum_met
    assert r.outcome == FAILED_QUORUM
    assert r.votes == {c: 0 for c in C5}
    assert r.proposed == []


def test_empty_electorate_never_meets_quorum():
    r = run([], electorate=0)
    assert r.turnout == 0.0
    assert not r.quorum_met
    assert r.outcome == FAILED_QUORUM


def test_all_blank_ballots_propose_nobody():
    r = run(ballots((9, [])), electorate=9, seats=2)
    assert r.quorum_met
    assert r.blank_ballots == 9 and r.valid_ballots == 9
    assert r.outcome == PROPOSED
    assert r.proposed == [] and r.tied == []


def test_all_blank_with_zero_threshold_still_proposes_nobody():
    r = run(ballots((9, [])), seats=2, threshold=0)
    assert r.proposed == []


# -------------------------------------------------------------------------------------------- seats

def test_more_eligible_than_seats_takes_the_best():
    r = run(ballots((9, ["34", "01"]), (8, ["22", "46"]), (3, ["79"])), seats=2, threshold=0)
    assert r.outcome == PROPOSED
    assert r.proposed == ["01", "34"]  # 9 each: a tie that fits within the seats, in code order


def test_fewer_eligible_than_seats_proposes_only_the_eligible():
    r = run(ballots((6, ["34", "01"]), (4, ["22"])), seats=3)
    # 34: 6/10, 01: 6/10 eligible; 22: 4/10 not.
    assert r.outcome == PROPOSED
    assert r.proposed == ["01", "34"]
    assert r.remaining_seats == 0


def test_seats_greater_than_candidates_is_fine():
    r = run(ballots((3, ["34", "01"])), candidates=["01", "34"], seats=5)
    assert r.outcome == PROPOSED
    assert r.proposed == ["01", "34"]


def test_proposed_is_best_first():
    r = run(ballots((4, ["46", "79", "01"]), (3, ["79", "01"]), (2, ["01"])), seats=3)
    assert r.votes["01"] == 9 and r.votes["79"] == 7 and r.votes["46"] == 4
    assert r.proposed == ["01", "79"]  # 46: 4 of 9 not eligible


# --------------------------------------------------------------------------------------------- ties

def test_tie_at_the_cutoff_requires_a_runoff():
    # 2 seats; 01 clearly first; 34 and 46 tied for the second seat.
    r = run(ballots((4, ["01", "34"]), (3, ["01", "46"]), (1, ["46"])), seats=2)
    assert r.votes["01"] == 7 and r.votes["34"] == 4 and r.votes["46"] == 4
    # 8 ballots: 4 is exactly half, so 34 and 46 are not even eligible: no runoff.
    assert r.outcome == PROPOSED and r.proposed == ["01"]

    r = run(ballots((5, ["01", "34"]), (5, ["01", "46"]), (1, ["34", "46"])), seats=2)
    assert r.votes == {"01": 10, "22": 0, "34": 6, "46": 6, "79": 0}  # 6 of 11: eligible
    assert r.outcome == RUNOFF_REQUIRED
    assert r.proposed == ["01"]
    assert r.tied == ["34", "46"]
    assert r.remaining_seats == 1


def test_tie_for_the_only_seat():
    r = run(ballots((3, ["79", "22"]), (1, ["79"]), (1, ["22"])), seats=1)
    assert r.votes["79"] == 4 and r.votes["22"] == 4
    assert r.outcome == RUNOFF_REQUIRED
    assert r.proposed == []
    assert r.tied == ["22", "79"]  # code order
    assert r.remaining_seats == 1


def test_three_way_tie_for_the_last_seat():
    # 3 seats; 01 and 22 safely in; 34, 46, 79 tied for the third seat.
    b = ballots((10, ["01", "22"]), (6, ["34", "46", "79"]), (1, ["01"]))
    r = run(b, seats=3, threshold=Fraction(1, 3))
    assert r.votes == {"01": 11, "22": 10, "34": 6, "46": 6, "79": 6}
    assert r.outcome == RUNOFF_REQUIRED
    assert r.proposed == ["01", "22"]
    assert r.tied == ["34", "46", "79"]
    assert r.remaining_seats == 1


def test_tie_spanning_two_seats_and_one_outside():
    # 2 seats, three units tied at the top: none is safely in; runoff for both seats.
    r = run(ballots((5, ["01", "22"]), (5, ["34"]), (5, ["01", "22", "34"])), seats=2, threshold=0)
    assert r.votes["01"] == r.votes["22"] == r.votes["34"] == 10
    assert r.outcome == RUNOFF_REQUIRED
    assert r.proposed == []
    assert r.tied == ["01", "22", "34"]
    assert r.remaining_seats == 2


def test_tie_above_the_cutoff_is_not_a_runoff():
    # 2 seats; 01 and 34 tied at the top, both fit; 46 is third with fewer votes.
    r = run(ballots((6, ["01", "34"]), (3, ["46"])), seats=2, threshold=0)
    assert r.outcome == PROPOSED
    assert r.proposed == ["01", "34"]
    assert r.tied == [] and r.remaining_seats == 0


def test_tie_below_the_cutoff_is_not_a_runoff():
    # 1 seat; 01 first; 34 and 46 tied for second place, which wins nothing.
    r = run(ballots((6, ["01"]), (2, ["34", "46"])), seats=1, threshold=0)
    assert r.outcome == PROPOSED
    assert r.proposed == ["01"]


def test_tie_among_ineligible_units_is_not_a_runoff():
    r = run(ballots((2, ["34"]), (2, ["46"]), (1, [])), seats=1)
    assert r.votes["34"] == r.votes["46"] == 2  # 2 of 5: below the threshold
    assert r.outcome == PROPOSED and r.proposed == []


def test_failed_quorum_wins_over_a_tie():
    r = run(ballots((2, ["34"]), (2, ["46"])), electorate=9, seats=1)
    assert r.outcome == FAILED_QUORUM
    assert r.tied == [] and r.proposed == []


# ------------------------------------------------------------------------------------ invalid input

@pytest.mark.parametrize("seats", [0, -1, True, 1.0, "1"])
def test_seats_must_be_a_positive_integer(seats):
    with pytest.raises(ValueError, match="seats"):
        run([], electorate=3, seats=seats)


@pytest.mark.parametrize("threshold", [-0.1, 1, 1.0, 1.5, float("nan"), float("inf"), "x", True])
def test_threshold_must_be_in_zero_one(threshold):
    with pytest.raises(ValueError, match="threshold"):
        run([], electorate=3, threshold=threshold)


@pytest.mark.parametrize("quorum", [0, 0.0, -0.5, 1.01, Fraction(3, 2), float("nan"), None])
def test_quorum_must_be_in_zero_one(quorum):
    with pytest.raises(ValueError, match="quorum"):
        run([], electorate=3, quorum=quorum)


def test_boundaries_of_threshold_and_quorum_are_accepted():
    run([], electorate=3, threshold=0, quorum=1)
    run([], electorate=3, threshold=Decimal("0.99"), quorum=Decimal("0.01"))


def test_unknown_candidate_on_a_ballot():
    with pytest.raises(ValueError, match="unknown candidate '99'"):
        run([["34"], ["99"]])


def test_duplicate_on_a_ballot():
    with pytest.raises(ValueError, match="34 twice"):
        run([["34", "34"]])


def test_ballot_must_not_be_a_bare_string():
    with pytest.raises(ValueError, match="list of codes"):
        run(["34"])


def test_non_string_choice_is_unknown():
    with pytest.raises(ValueError, match="unknown candidate"):
        run([[34]])


def test_more_ballots_than_voters():
    with pytest.raises(ValueError, match="electorate"):
        run(ballots((4, ["34"])), electorate=3)


@pytest.mark.parametrize("electorate", [-1, 2.0, None])
def test_electorate_must_be_a_non_negative_integer(electorate):
    with pytest.raises(ValueError, match="electorate_size"):
        tally(candidates=C5, electorate_size=electorate, ballots=[], seats=1)


@pytest.mark.parametrize("candidates", [[], ["34", "34"], "34", [34]])
def test_candidates_must_be_distinct_strings(candidates):
    with pytest.raises(ValueError, match="candidate"):
        tally(candidates=candidates, electorate_size=3, ballots=[], seats=1)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        tally(C5, 3, [], 1)  # type: ignore[misc]


# ---------------------------------------------------------------------------------- exact fractions

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, Fraction(1, 2)),
        (2 / 3, Fraction(2, 3)),
        (1 / 3, Fraction(1, 3)),
        (0.2, Fraction(1, 5)),
        (0.1, Fraction(1, 10)),
        (0.51, Fraction(51, 100)),
        (1e-07, Fraction(1, 10**7)),
        (0.1234567, Fraction(1234567, 10**7)),
        (0.0, Fraction(0)),
        (1, Fraction(1)),
        (Fraction(2, 3), Fraction(2, 3)),
        (Decimal("0.66"), Fraction(33, 50)),
        ("2/3", Fraction(2, 3)),
        (" 0.5 ", Fraction(1, 2)),
    ],
)
def test_exact_fraction(value, expected):
    assert exact_fraction(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("-inf"), Decimal("NaN"), "abc", "1/0"])
def test_exact_fraction_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        exact_fraction(value)


@pytest.mark.parametrize("value", [True, None, [0.5]])
def test_exact_fraction_rejects_wrong_types(value):
    with pytest.raises(TypeError):
        exact_fraction(value)


@pytest.mark.parametrize("value", ["1e10000000", "1E-10000000", "2/3e999", "5e+0000000000101"])
def test_exact_fraction_refuses_exponents_that_would_take_minutes_to_expand(value):
    started = time.monotonic()
    with pytest.raises(ValueError, match="exponent"):
        exact_fraction(value)
    assert time.monotonic() - started < 0.1
    assert exact_fraction("5e-1") == Fraction(1, 2) and exact_fraction("1e2") == 100
