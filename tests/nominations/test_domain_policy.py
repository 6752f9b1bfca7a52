"""Who may do what with a vote round, and which states allow what (voting.domain.policy)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.nominations.voting.domain import policy
from services.nominations.voting.domain.rounds import TERMINAL_STATES, RoundState

S = RoundState


@dataclass(frozen=True)
class Caller:
    role: str
    province: str | None = None


LEAD = Caller("province", "30")
VOTER = Caller("province", "31")
OUTSIDER = Caller("province", "99")
MINISTRY = Caller("ministry")
SERVICE = Caller("service")
ELECTORATE = ("30", "31", "33")


def test_the_state_sets_follow_the_state_machine():
    assert policy.BALLOT_STATES == {S.open}
    assert policy.COUNTED_STATES == {S.closed, S.failed_quorum, S.runoff_required, S.certified, S.approved,
                                     S.returned}
    assert policy.CERTIFIED_STATES == {S.certified, S.approved, S.returned}
    assert policy.CERTIFIED_STATES < policy.COUNTED_STATES
    assert TERMINAL_STATES <= policy.COUNTED_STATES
    assert policy.reachable_from(S.draft) == set(S)
    assert policy.reachable_from(S.approved) == {S.approved}


@pytest.mark.parametrize("state", list(S))
def test_state_questions_take_the_stored_string(state):
    assert policy.accepts_ballots(state.value) is (state == S.open)
    assert policy.is_counted(state.value) is (state not in (S.draft, S.open))
    assert policy.is_certified(state.value) is (state in (S.certified, S.approved, S.returned))


def test_an_unknown_state_is_an_error_not_a_no():
    with pytest.raises(ValueError):
        policy.is_counted("bogus")


def test_the_lead_is_the_province_named_lead():
    assert policy.is_lead(LEAD, lead_code="30")
    assert not policy.is_lead(VOTER, lead_code="30")
    # Ministry staff carry no province; a service account neither.
    assert not policy.is_lead(MINISTRY, lead_code="30")
    assert not policy.is_lead(Caller("ministry", "30"), lead_code="30")


def test_who_reads_a_round():
    for caller in (LEAD, MINISTRY, SERVICE, VOTER):
        assert policy.may_read(caller, lead_code="30", electorate=ELECTORATE)
    assert not policy.may_read(OUTSIDER, lead_code="30", electorate=ELECTORATE)
    # A draft has no electorate yet: only the lead, ministry and services see it.
    assert not policy.may_read(VOTER, lead_code="30", electorate=None)
    assert policy.may_read(LEAD, lead_code="30", electorate=None)


def test_who_lists_rounds():
    assert policy.may_list_all(MINISTRY) and policy.may_list_all(SERVICE)
    assert not policy.may_list_all(LEAD)
    assert policy.may_list_own(LEAD)
    assert not policy.may_list_own(Caller("province", None))
    assert not policy.may_list_own(Caller("auditor"))


def test_who_casts_a_ballot():
    assert policy.may_cast(VOTER, electorate=ELECTORATE)
    assert policy.may_cast(LEAD, electorate=ELECTORATE)
    assert not policy.may_cast(OUTSIDER, electorate=ELECTORATE)
    assert not policy.may_cast(MINISTRY, electorate=ELECTORATE)
    # Before the round opens, the state (not the caller) refuses the ballot.
    assert policy.may_cast(OUTSIDER, electorate=None)


def test_who_closes_and_when():
    assert policy.may_close(LEAD, lead_code="30") and policy.may_close(SERVICE, lead_code="30")
    assert not policy.may_close(VOTER, lead_code="30")
    assert not policy.may_close(MINISTRY, lead_code="30")
    # The lead closes at any time; the scheduler only once closes_at has passed.
    assert not policy.close_waits_for_deadline(LEAD, lead_code="30")
    assert policy.close_waits_for_deadline(SERVICE, lead_code="30")


def test_who_sees_the_turnout_and_decides():
    assert policy.may_see_turnout(LEAD, lead_code="30") and policy.may_see_turnout(MINISTRY, lead_code="30")
    assert not policy.may_see_turnout(VOTER, lead_code="30")
    assert not policy.may_see_turnout(SERVICE, lead_code="30")
    assert policy.may_decide(MINISTRY)
    assert not any(policy.may_decide(c) for c in (LEAD, VOTER, SERVICE))


def test_only_a_province_creates():
    assert policy.may_create(LEAD) and policy.may_create(OUTSIDER)
    assert not policy.may_create(MINISTRY) and not policy.may_create(SERVICE)
