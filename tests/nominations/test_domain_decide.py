"""Deciding a round from its counts (``decide``: what the close does after the database counted):
the same rules as ``tally``, and the same answer on the same ballots (pure, no database)."""
from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest

from services.nominations.voting.domain.tally import FAILED_QUORUM, PROPOSED, RUNOFF_REQUIRED, decide, tally

C5 = ["01", "22", "34", "46", "79"]


def run(votes, *, cast, blank=0, candidates=C5, electorate=None, seats=1, **kw):
    return decide(candidates=candidates, electorate_size=cast if electorate is None else electorate, votes=votes,
                  ballots_cast=cast, blank_ballots=blank, seats=seats, **kw)


def counts(ballots):
    """What ``store.ballots.counts`` answers for these ballots."""
    return (dict(Counter(c for b in ballots for c in b)), len(ballots), sum(1 for b in ballots if not b))


# ----------------------------------------------------------------------------------------- counting

def test_candidates_nobody_named_have_zero_and_the_result_is_tallys_shape():
    r = run({"34": 5, "01": 3}, cast=6, blank=1, electorate=8, seats=2)
    assert r.votes == {"01": 3, "22": 0, "34": 5, "46": 0, "79": 0} and list(r.votes) == sorted(C5)
    assert (r.ballots_cast, r.blank_ballots, r.valid_ballots, r.electorate_size) == (6, 1, 6, 8)
    assert r.turnout == pytest.approx(0.75) and r.quorum_met
    assert r.ranking == [("34", 5), ("01", 3), ("22", 0), ("46", 0), ("79", 0)]
    assert (r.outcome, r.proposed, r.tied, r.remaining_seats) == (PROPOSED, ["34"], [], 0)  # 3 of 6: not more


def test_candidates_are_decided_in_code_order_whatever_order_they_come_in():
    r = run({"79": 2, "22": 2, "01": 1}, cast=3, candidates=["79", "46", "34", "22", "01"], seats=5, threshold=0)
    assert list(r.votes) == sorted(C5)
    assert r.ranking == [("22", 2), ("79", 2), ("01", 1), ("34", 0), ("46", 0)]


# ------------------------------------------------------------------------------ threshold and quorum

def test_exactly_half_is_not_enough_one_more_is():
    assert run({"34": 5, "01": 5}, cast=10, seats=2).proposed == []
    assert run({"34": 6, "01": 5}, cast=11, seats=2).proposed == ["34"]


def test_blank_ballots_count_in_the_denominator():
    assert run({"34": 3}, cast=6, blank=3).proposed == []
    assert run({"34": 4}, cast=7, blank=3).proposed == ["34"]


def test_the_threshold_is_exact_however_it_is_spelled():
    for threshold in (Fraction(2, 3), 2 / 3, "2/3"):
        r = run({"34": 6, "01": 7}, cast=9, blank=2, seats=2, threshold=threshold)
        assert r.proposed == ["01"]  # 6 of 9 is exactly two thirds: not enough


@pytest.mark.parametrize(("cast", "electorate", "met"), [(6, 9, True), (5, 9, False), (200, 300, True),
                                                         (199, 300, False), (0, 7, False), (0, 0, False)])
def test_quorum_edges(cast, electorate, met):
    r = run({}, cast=cast, blank=cast, electorate=electorate, quorum=2 / 3)
    assert r.quorum_met is met
    assert r.outcome == (PROPOSED if met else FAILED_QUORUM)


def test_failed_quorum_still_records_the_votes_and_beats_a_tie():
    r = run({"34": 2, "46": 2}, cast=4, electorate=9)
    assert r.outcome == FAILED_QUORUM and r.votes["34"] == 2
    assert r.proposed == [] and r.tied == [] and r.remaining_seats == 0


# ---------------------------------------------------------------------------------- seats and ties

def test_all_blank_proposes_nobody_even_with_zero_threshold():
    r = run({}, cast=9, blank=9, seats=2, threshold=0)
    assert r.quorum_met and r.outcome == PROPOSED and r.proposed == []


def test_seats_greater_than_candidates():
    assert run({"34": 3, "01": 3}, cast=3, candidates=["01", "34"], seats=5).proposed == ["01", "34"]


def test_tie_at_the_cutoff_requires_a_runoff():
    r = run({"01": 10, "34": 6, "46": 6}, cast=11, seats=2)
    assert (r.outcome, r.proposed, r.tied, r.remaining_seats) == (RUNOFF_REQUIRED, ["01"], ["34", "46"], 1)


def test_tie_spanning_two_seats_and_one_outside():
    r = run({"01": 10, "22": 10, "34": 10}, cast=15, seats=2, threshold=0)
    assert (r.outcome, r.proposed, r.tied, r.remaining_seats) == (RUNOFF_REQUIRED, [], ["01", "22", "34"], 2)


def test_ties_above_or_below_the_cutoff_or_ineligible_are_not_a_runoff():
    assert run({"01": 6, "34": 6, "46": 3}, cast=9, seats=2, threshold=0).proposed == ["01", "34"]
    assert run({"01": 6, "34": 2, "46": 2}, cast=8, seats=1, threshold=0).proposed == ["01"]
    r = run({"34": 2, "46": 2}, cast=5, blank=1)
    assert r.outcome == PROPOSED and r.proposed == []


# ------------------------------------------------------------------- the same answer as tally()

@pytest.mark.parametrize("seed", range(200))
def test_decide_on_the_counts_equals_tally_on_the_ballots(seed):
    rng = random.Random(seed)
    candidates = rng.sample([f"{i:02d}" for i in range(1, 64)], rng.randint(1, 8))
    max_choices = rng.randint(1, len(candidates))
    electorate = rng.randint(0, 40)
    ballots = [sorted(rng.sample(candidates, rng.randint(0, max_choices)))
               for _ in range(rng.randint(0, electorate))]
    rules = {"seats": rng.randint(1, 4), "threshold": rng.choice([0, "1/3", "1/2", "2/3"]),
             "quorum": rng.choice(["1/2", "2/3", 1])}
    votes, cast, blank = counts(ballots)
    assert decide(candidates=candidates, electorate_size=electorate, votes=votes, ballots_cast=cast,
                  blank_ballots=blank, **rules) == \
        tally(candidates=candidates, electorate_size=electorate, ballots=ballots, **rules)


# ------------------------------------------------------------------------------------- invalid input

def test_more_ballots_than_voters():
    with pytest.raises(ValueError, match="electorate"):
        run({"34": 4}, cast=4, electorate=3)


@pytest.mark.parametrize(("votes", "cast", "blank", "match"), [
    ({"99": 1}, 1, 0, "unknown candidate '99'"),
    ({34: 1}, 1, 0, "unknown candidate"),
    ({"34": -1}, 1, 0, "votes for 34"),
    ({"34": 1.0}, 1, 0, "votes for 34"),
    ({"34": True}, 1, 0, "votes for 34"),
    ({"34": 3}, 3, 1, "only 2 ballots name anyone"),  # a ballot names a candidate at most once
    ({"34": 1}, 3, 1, "2 ballots name someone"),  # a ballot that is not blank names someone
    ({}, 2, 3, "blank"),
    ({}, -1, 0, "ballots_cast"),
    ({}, 1, -1, "blank_ballots"),
    ({}, 1.0, 0, "ballots_cast"),
])
def test_counts_no_ballots_can_produce_are_refused(votes, cast, blank, match):
    with pytest.raises(ValueError, match=match):
        run(votes, cast=cast, blank=blank, electorate=9)


@pytest.mark.parametrize(("rule", "value"), [("seats", 0), ("threshold", 1), ("quorum", 0), ("candidates", []),
                                             ("candidates", ["34", "34"]), ("electorate", -1)])
def test_the_rules_are_checked_as_in_tally(rule, value):
    kwargs = {"electorate": 3, rule: value}
    with pytest.raises(ValueError, match="electorate_size" if rule == "electorate" else rule.rstrip("s")):
        run({}, cast=0, **kwargs)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        decide(C5, 3, {}, 0, 0, 1)  # type: ignore[misc]
