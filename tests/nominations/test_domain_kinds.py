"""The election and motion rules (voting.domain.kinds), pure."""
from __future__ import annotations

from fractions import Fraction

import pytest

from services.nominations.voting.domain.kinds import (
    decide_election,
    decide_motion,
    default_election_candidates,
    election_order,
)
from services.nominations.voting.domain.rounds import BallotRejected, RoundRules, RuleError, validate_ballot
from services.nominations.voting.domain.tally import FAILED_QUORUM, PROPOSED, RUNOFF_REQUIRED

ROTATION = ["34", "33", "30", "31", "22", "36", "35", "37"]


def test_the_succession_starts_after_this_years_lead():
    assert election_order(ROTATION, lead="34") == ["33", "30", "31", "22", "36", "35", "37", "34"]
    assert election_order(ROTATION, lead="37") == ROTATION
    assert election_order(ROTATION, lead="99") == ROTATION
    order = election_order(ROTATION, lead="34")
    assert default_election_candidates(order, lead=None, post="lead") == ["33"]
    assert default_election_candidates(order, lead=None, post="deputy") == ["30"]
    with pytest.raises(ValueError):
        default_election_candidates(order, lead=None, post="chair")


def election(votes, *, cast, blank=0, second=False, electorate=8):
    return decide_election(candidates=sorted(votes), electorate_size=electorate, votes=votes, ballots_cast=cast,
                           blank_ballots=blank, quorum=Fraction(2, 3), second_round=second,
                           order=election_order(ROTATION, lead="34"))


def test_a_first_round_elects_more_than_half_or_sends_the_two_best_to_a_second():
    counted, rule = election({"30": 5, "31": 2}, cast=7)
    assert counted.outcome == PROPOSED and counted.proposed == ["30"] and rule is None
    counted, _ = election({"30": 4, "31": 3, "22": 1}, cast=8)  # 4 of 8 is not more than half
    assert counted.outcome == RUNOFF_REQUIRED and counted.tied == ["30", "31"] and counted.remaining_seats == 1
    counted, _ = election({"30": 4, "31": 2, "22": 2}, cast=8)  # both tied for second go on
    assert counted.tied == ["22", "30", "31"]
    counted, _ = election({"33": 3}, cast=7, blank=4)  # a lone candidate without a majority is not elected
    assert counted.outcome == PROPOSED and counted.proposed == []
    counted, _ = election({"33": 3}, cast=3)
    assert counted.outcome == FAILED_QUORUM and counted.proposed == []


def test_a_second_round_elects_the_most_votes_and_a_tie_goes_by_the_rotation():
    counted, rule = election({"30": 3, "31": 4}, cast=7, second=True)
    assert counted.proposed == ["31"] and rule is None
    counted, rule = election({"31": 3, "22": 3}, cast=7, blank=1, second=True)
    assert counted.outcome == PROPOSED and counted.proposed == ["31"] and rule == "rotation_order"
    assert counted.tied == ["22", "31"]


def motion(votes, *, denominator="present", present=7, threshold="1/2", at_least=False, cast=None):
    return decide_motion(electorate_size=8, votes=votes, ballots_cast=sum(votes.values()) if cast is None else cast,
                         blank_ballots=0, quorum=Fraction(2, 3), threshold=threshold, at_least=at_least,
                         denominator=denominator, present=present)


def test_a_motion_passes_its_bar_of_the_present_or_of_all_members():
    adopted = motion({"yes": 4, "no": 2, "abstain": 1})
    assert adopted.adopted and adopted.base == 7 and adopted.bar == Fraction(7, 2)
    assert not motion({"yes": 3, "no": 2, "abstain": 2}).adopted  # 3 is not more than 7/2
    # abstentions weigh against: the bar is a share of the units, not of the yes and no
    assert not motion({"yes": 4, "no": 0, "abstain": 4}, present=8).adopted
    assert motion({"yes": 6, "no": 1}, denominator="members", threshold="2/3", at_least=True).adopted  # 6 >= 16/3
    assert not motion({"yes": 5, "no": 2}, denominator="members", threshold="2/3", at_least=True).adopted
    assert motion({"yes": 4}, present=None).base == 4  # without a conference: the units that voted
    failed = motion({"yes": 5}, present=7)
    assert failed.count.outcome == FAILED_QUORUM and not failed.adopted
    with pytest.raises(ValueError):
        motion({"yes": 5, "no": 3}, present=7)  # more ballots than units present
    with pytest.raises(ValueError):
        motion({"yes": 6}, denominator="everyone")


def test_a_motion_ballot_says_exactly_one_of_yes_no_abstain():
    rules = RoundRules.build(seats=1, candidates=["abstain", "no", "yes"], max_choices=1, kind="motion")
    assert validate_ballot(rules=rules, voter="34", choices=["yes"]) == ["yes"]
    for bad, reason in (([], "no_choice"), (["yes", "no"], "too_many_choices"), (["maybe"], "unknown_candidate")):
        with pytest.raises(BallotRejected) as caught:
            validate_ballot(rules=rules, voter="34", choices=bad)
        assert caught.value.reason == reason
    with pytest.raises(RuleError):
        RoundRules.build(seats=1, candidates=["yes", "no"], max_choices=1, kind="motion")
    with pytest.raises(RuleError):
        RoundRules.build(seats=2, candidates=["33", "30"], kind="election")
    with pytest.raises(RuleError):
        RoundRules.build(seats=1, candidates=["33"], kind="referendum")
    elected = RoundRules.build(seats=1, candidates=["33", "30"], kind="election", self_vote=True)
    assert validate_ballot(rules=elected, voter="33", choices=["33"]) == ["33"]


def test_the_tie_rule_orders_the_tied_by_the_rotation_or_the_ranking():
    from services.nominations.voting.domain.kinds import tie_order

    order = election_order(ROTATION, lead="34")
    assert tie_order(order, rule="rotation_order") == order
    ranks = {"31": 1, "22": 2, "30": 5}
    assert tie_order(order, rule="ranking", ranks=ranks)[:4] == ["31", "22", "30", "33"]  # unranked after, in rotation
    counted, rule = decide_election(candidates=["30", "31"], electorate_size=8, votes={"30": 3, "31": 3},
                                    ballots_cast=7, blank_ballots=1, quorum=Fraction(2, 3), second_round=True,
                                    order=tie_order(order, rule="ranking", ranks=ranks), tie_rule="ranking")
    assert counted.proposed == ["31"] and rule == "ranking"
    with pytest.raises(ValueError):
        tie_order(order, rule="lot")
