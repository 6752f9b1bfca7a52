"""Vote-round state machine, round rules, ballot validation and the Government-flag cap."""
from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

from services.nominations.government_flag_cap import CapExceeded, check_government_flag_cap, government_flag_cap
from services.nominations.voting.domain.rounds import (
    AWARD_LABELS_EN,
    AWARD_LABELS_VI,
    BALLOT_REJECTION_REASONS,
    MIN_QUORUM,
    TERMINAL_STATES,
    TRANSITIONS,
    Award,
    BallotRejected,
    InvalidTransition,
    RoundRules,
    RoundState,
    RuleError,
    check_transition,
    state_after_close,
    validate_ballot,
)
from services.nominations.voting.domain.tally import tally

S = RoundState

ALLOWED = {
    (S.draft, S.open),
    (S.open, S.closed),
    (S.closed, S.certified),
    (S.closed, S.failed_quorum),
    (S.closed, S.runoff_required),
    (S.certified, S.approved),
    (S.certified, S.returned),
}
ALL_PAIRS = list(itertools.product(RoundState, RoundState))


# ------------------------------------------------------------------------------------------- states

def test_states_and_values():
    assert {s.value for s in RoundState} == {
        "draft", "open", "closed", "certified", "approved", "returned", "failed_quorum",
        "runoff_required",
    }
    assert RoundState("open") is S.open
    assert S.open == "open"
    assert str(S.runoff_required) == "runoff_required"
    assert f"{S.closed}" == "closed"


def test_transition_table_is_exactly_the_specified_graph():
    assert set(TRANSITIONS) == set(RoundState)
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert all(isinstance(v, frozenset) for v in TRANSITIONS.values())


def test_terminal_states():
    assert TERMINAL_STATES == {S.failed_quorum, S.runoff_required, S.approved, S.returned}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions(current, target):
    assert check_transition(current, target) is target
    assert check_transition(current.value, target.value) is target  # plain strings too


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in ALL_PAIRS if pair not in ALLOWED]
)
def test_forbidden_transitions(current, target):
    with pytest.raises(InvalidTransition) as info:
        check_transition(current, target)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.current == current.value and err.target == target.value
    assert f"'{current.value}'" in str(err) and f"'{target.value}'" in str(err)


def test_forbidden_transition_messages_say_what_is_allowed():
    expected = r"from 'open' to 'certified' \(from 'open' only to 'closed'\)"
    with pytest.raises(InvalidTransition, match=expected):
        check_transition(S.open, S.certified)
    with pytest.raises(InvalidTransition, match=r"'approved' is final"):
        check_transition(S.approved, S.open)
    with pytest.raises(InvalidTransition, match="'certified', 'failed_quorum', 'runoff_required'"):
        check_transition(S.closed, S.approved)


def test_staying_in_the_same_state_is_not_a_transition():
    for state in RoundState:
        with pytest.raises(InvalidTransition):
            check_transition(state, state)


def test_unknown_state_names():
    with pytest.raises(InvalidTransition, match="unknown current round state 'paused'"):
        check_transition("paused", "open")
    with pytest.raises(InvalidTransition, match="unknown target round state 'done'"):
        check_transition("open", "done")


# ---------------------------------------------------------------------------------- after the count

def test_state_after_close_for_each_outcome():
    decided = tally(candidates=["01", "34"], electorate_size=3, ballots=[["34"]] * 3, seats=1)
    no_quorum = tally(candidates=["01", "34"], electorate_size=9, ballots=[["34"]] * 3, seats=1)
    tie = tally(candidates=["01", "34"], electorate_size=3, ballots=[["34", "01"]] * 3, seats=1)
    assert (decided.outcome, no_quorum.outcome, tie.outcome) == (
        "proposed", "failed_quorum", "runoff_required")
    assert state_after_close(decided) is S.closed
    assert state_after_close(no_quorum) is S.failed_quorum
    assert state_after_close(tie) is S.runoff_required
    # Each is reachable from closed (or is closed itself).
    for result in (no_quorum, tie):
        check_transition(S.closed, state_after_close(result))


def test_a_runoff_that_misses_its_quorum_keeps_what_its_parent_decided():
    no_quorum = tally(candidates=["31", "33"], electorate_size=8, ballots=[["31"]] * 3, seats=1)
    decided = tally(candidates=["31", "33"], electorate_size=8, ballots=[["31"]] * 8, seats=1)
    # The parent's outright winners make the runoff certifiable (closed); without any, it is final.
    assert state_after_close(no_quorum, carried_over=["22"]) is S.closed
    assert state_after_close(no_quorum, carried_over=[]) is S.failed_quorum
    assert state_after_close(decided, carried_over=["22"]) is S.closed
    check_transition(S.closed, S.certified)


def test_state_after_close_rejects_unknown_outcome():
    decided = tally(candidates=["34"], electorate_size=1, ballots=[["34"]], seats=1)
    with pytest.raises(ValueError, match="unknown tally outcome"):
        state_after_close(dataclasses.replace(decided, outcome="bogus"))


# ------------------------------------------------------------------------------------------- awards

def test_awards_and_labels():
    assert [a.value for a in Award] == ["government_flag", "ministry_flag", "certificate_of_merit"]
    assert AWARD_LABELS_VI == {
        "government_flag": "Cờ thi đua của Chính phủ",
        "ministry_flag": "Cờ thi đua của Bộ Nội vụ",
        "certificate_of_merit": "Bằng khen",
    }
    assert set(AWARD_LABELS_EN) == set(AWARD_LABELS_VI)
    assert all(AWARD_LABELS_EN.values())
    for award in Award:  # both the enum and its value look a label up
        assert AWARD_LABELS_VI[award] == AWARD_LABELS_VI[award.value]
        assert AWARD_LABELS_EN[award] == AWARD_LABELS_EN[award.value]
    assert str(Award.ministry_flag) == "ministry_flag"


# ------------------------------------------------------------------------------------------ the cap

@pytest.mark.parametrize(
    ("clusters", "cap"),
    [(0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (12, 2), (14, 2), (15, 3), (35, 7), (100, 20)],
)
def test_government_flag_cap_is_floor_of_twenty_percent(clusters, cap):
    assert government_flag_cap(active_clusters=clusters) == cap
    assert government_flag_cap(active_clusters=clusters, share=0.2) == cap


def test_cap_uses_exact_arithmetic():
    # In floats 0.29 * 100 == 28.999999999999996, so a naive floor would give 28.
    assert government_flag_cap(active_clusters=100, share=0.29) == 29
    assert government_flag_cap(active_clusters=10, share=0.7) == 7
    assert government_flag_cap(active_clusters=3, share=Fraction(1, 3)) == 1
    assert government_flag_cap(active_clusters=10, share=Decimal("0.25")) == 2
    assert government_flag_cap(active_clusters=10, share=1) == 10
    assert government_flag_cap(active_clusters=10, share=0) == 0


@pytest.mark.parametrize("kwargs", [
    {"active_clusters": -1},
    {"active_clusters": 2.5},
    {"active_clusters": True},
    {"active_clusters": 10, "share": 1.5},
    {"active_clusters": 10, "share": -0.1},
    {"active_clusters": 10, "share": float("nan")},
])
def test_cap_rejects_invalid_input(kwargs):
    with pytest.raises(ValueError):
        government_flag_cap(**kwargs)


def test_check_cap_within_limit_returns_the_cap():
    assert check_government_flag_cap(approved_so_far=0, proposing=2, active_clusters=10) == 2
    assert check_government_flag_cap(approved_so_far=1, proposing=1, active_clusters=12) == 2
    assert check_government_flag_cap(approved_so_far=0, proposing=0, active_clusters=4) == 0


@pytest.mark.parametrize(
    ("approved", "proposing", "clusters", "cap"),
    [(0, 3, 10, 2), (2, 1, 12, 2), (1, 2, 10, 2), (0, 1, 4, 0), (3, 0, 10, 2)],
)
def test_check_cap_exceeded(approved, proposing, clusters, cap):
    with pytest.raises(CapExceeded) as info:
        check_government_flag_cap(approved_so_far=approved, proposing=proposing,
                                  active_clusters=clusters)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.cap == cap
    assert err.approved_so_far == approved and err.proposing == proposing
    assert f"cap {cap}" in str(err)


def test_check_cap_message_says_how_many_more():
    with pytest.raises(CapExceeded, match="at most 1 more"):
        check_government_flag_cap(approved_so_far=1, proposing=2, active_clusters=10)


@pytest.mark.parametrize("kwargs", [
    {"approved_so_far": -1, "proposing": 0},
    {"approved_so_far": 0, "proposing": -1},
    {"approved_so_far": 0, "proposing": 1.0},
])
def test_check_cap_rejects_negative_counts(kwargs):
    with pytest.raises(ValueError) as info:
        check_government_flag_cap(active_clusters=10, **kwargs)
    assert not isinstance(info.value, CapExceeded)


# -------------------------------------------------------------------------------------------- rules

def test_build_defaults():
    rules = RoundRules.build(seats=2, candidates=["34", "01", "79"])
    assert rules == RoundRules(seats=2, max_choices=2, threshold=Fraction(1, 2),
                               quorum=Fraction(2, 3), self_vote=False,
                               candidates=("34", "01", "79"))
    assert rules.candidates == ("34", "01", "79")  # order given, as a tuple


def test_build_normalises_ratios_to_exact_fractions():
    rules = RoundRules.build(seats=1, candidates=["34"], threshold=0.5, quorum=2 / 3,
                             max_choices=3, self_vote=True)
    assert rules.threshold == Fraction(1, 2) and isinstance(rules.threshold, Fraction)
    assert rules.quorum == Fraction(2, 3) and isinstance(rules.quorum, Fraction)
    assert rules.max_choices == 3 and rules.self_vote is True


def test_build_accepts_boundaries_and_generators():
    rules = RoundRules.build(seats=1, candidates=(c for c in ["01", "02"]), threshold=0, quorum=1)
    assert rules.candidates == ("01", "02")
    assert rules.threshold == 0 and rules.quorum == 1
    assert RoundRules.build(seats=1, candidates=["01"], quorum="1/2").quorum == MIN_QUORUM == Fraction(1, 2)


def test_the_quorum_floor_is_for_new_rounds_only():
    # A round stored before the floor keeps its rules: its ballots are still validated against them.
    stored = RoundRules(seats=1, max_choices=1, threshold=Fraction(1, 2), quorum=Fraction(1, 3), self_vote=False,
                        candidates=("01", "34"))
    assert validate_ballot(rules=stored, voter="01", choices=["34"]) == ["34"]
    with pytest.raises(RuleError, match="at least 1/2"):
        RoundRules.build(seats=1, candidates=["01", "34"], quorum=Fraction(1, 3))


def test_rules_are_frozen_and_hashable():
    rules = RoundRules.build(seats=1, candidates=["34"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.seats = 2  # type: ignore[misc]
    assert hash(rules) == hash(RoundRules.build(seats=1, candidates=("34",)))


def test_direct_construction_is_validated_too():
    with pytest.raises(RuleError) as info:
        RoundRules(seats=0, max_choices=1, threshold=Fraction(1, 2), quorum=Fraction(2, 3),
                   self_vote=False, candidates=("34",))
    assert info.value.field == "seats"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"seats": 0}, "seats"),
        ({"seats": -2}, "seats"),
        ({"seats": True}, "seats"),
        ({"seats": "2"}, "seats"),
        ({"max_choices": 0}, "max_choices"),
        ({"max_choices": 1.5}, "max_choices"),
        ({"threshold": 1}, "threshold"),
        ({"threshold": 1.0}, "threshold"),
        ({"threshold": -0.01}, "threshold"),
        ({"threshold": "half"}, "threshold"),
        ({"threshold": None}, "threshold"),
        ({"quorum": 0}, "quorum"),
        ({"quorum": 1.0001}, "quorum"),
        ({"quorum": float("nan")}, "quorum"),
        ({"quorum": Fraction(1, 3)}, "quorum"),  # under MIN_QUORUM (1/2)
        ({"quorum": 0.4999}, "quorum"),
        ({"self_vote": 1}, "self_vote"),
        ({"self_vote": "no"}, "self_vote"),
        ({"candidates": []}, "candidates"),
        ({"candidates": ["34", "34"]}, "candidates"),
        ({"candidates": ["3"]}, "candidates"),
        ({"candidates": ["034"]}, "candidates"),
        ({"candidates": ["3a"]}, "candidates"),
        ({"candidates": ["34\n"]}, "candidates"),
        ({"candidates": ["٣٤"]}, "candidates"),  # Arabic-Indic digits are not province codes
        ({"candidates": [34]}, "candidates"),
        ({"candidates": "3401"}, "candidates"),
        ({"candidates": None}, "candidates"),
    ],
)
def test_build_rejects_invalid_rules(kwargs, field):
    args = {"seats": 2, "candidates": ["01", "34"], **kwargs}
    with pytest.raises(RuleError) as info:
        RoundRules.build(**args)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == field
    assert str(err).startswith(f"{field}: ")


def test_rule_error_names_the_offending_code():
    with pytest.raises(RuleError, match="province 34 is listed more than once"):
        RoundRules.build(seats=1, candidates=["34", "01", "34"])
    with pytest.raises(RuleError, match="'7' is not a two-digit province code"):
        RoundRules.build(seats=1, candidates=["34", "7"])


# ------------------------------------------------------------------------------------------ ballots

RULES = RoundRules.build(seats=2, candidates=["01", "22", "34", "46"])


def test_valid_ballot_is_returned_sorted():
    assert validate_ballot(rules=RULES, voter="79", choices=["46", "01"]) == ["01", "46"]
    assert validate_ballot(rules=RULES, voter="79", choices=("34",)) == ["34"]


def test_blank_ballot_is_valid():
    assert validate_ballot(rules=RULES, voter="01", choices=[]) == []


def _rejected(choices, *, rules=RULES, voter="79") -> BallotRejected:
    with pytest.raises(BallotRejected) as info:
        validate_ballot(rules=rules, voter=voter, choices=choices)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == "choices"
    assert err.reason in BALLOT_REJECTION_REASONS
    return err


def test_duplicate_choice():
    err = _rejected(["34", "34"])
    assert err.reason == "duplicate_choice"
    assert "34" in str(err) and "more than once" in str(err)


def test_unknown_candidate():
    err = _rejected(["01", "99"])
    assert err.reason == "unknown_candidate"
    assert "'99' is not a candidate" in str(err)


def test_non_string_choice_is_an_unknown_candidate():
    assert _rejected([34]).reason == "unknown_candidate"
    assert _rejected([["34"]]).reason == "unknown_candidate"


def test_too_many_choices():
    err = _rejected(["01", "22", "34"])
    assert err.reason == "too_many_choices"
    assert "at most 2" in str(err) and "3" in str(err)


def test_max_choices_is_independent_of_seats():
    rules = RoundRules.build(seats=1, candidates=["01", "22", "34"], max_choices=2)
    assert validate_ballot(rules=rules, voter="79", choices=["01", "22"]) == ["01", "22"]
    assert _rejected(["01", "22", "34"], rules=rules).reason == "too_many_choices"


def test_self_vote_forbidden_by_default():
    err = _rejected(["34"], voter="34")
    assert err.reason == "self_vote"
    assert "34" in str(err) and "itself" in str(err)


def test_self_vote_allowed_when_the_rules_say_so():
    rules = RoundRules.build(seats=2, candidates=["01", "34"], self_vote=True)
    assert validate_ballot(rules=rules, voter="34", choices=["34", "01"]) == ["01", "34"]


def test_non_candidate_voter_may_vote_for_anyone():
    assert validate_ballot(rules=RULES, voter="79", choices=["01", "34"]) == ["01", "34"]


def test_reason_precedence():
    # duplicate before unknown before too-many before self-vote.
    assert _rejected(["99", "34", "34"]).reason == "duplicate_choice"
    assert _rejected(["01", "22", "99"]).reason == "unknown_candidate"
    assert _rejected(["34", "01", "22"], voter="34").reason == "too_many_choices"


def test_validate_ballot_rejects_a_bare_string():
    with pytest.raises(TypeError):
        validate_ballot(rules=RULES, voter="79", choices="34")


def test_validated_ballot_counts_in_tally():
    picked = [validate_ballot(rules=RULES, voter=v, choices=c)
              for v, c in [("01", ["34", "22"]), ("22", ["34"]), ("34", []), ("46", ["34", "01"])]]
    result = tally(candidates=RULES.candidates, electorate_size=4, ballots=picked,
                   seats=RULES.seats, threshold=RULES.threshold, quorum=RULES.quorum)
    assert result.votes == {"01": 1, "22": 1, "34": 3, "46": 0}
    assert result.proposed == ["34"]
    assert state_after_close(result) is S.closed
