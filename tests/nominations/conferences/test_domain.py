"""The conferences' pure rules: the states (the same pairs as the schema's guard), the quorum, who may
do what."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from services.nominations.conferences.domain import policy, quorum, states

MIGRATION = Path(__file__).resolve().parents[3] / "services/nominations/migrations/100_conferences.sql"


def test_the_schema_guards_the_same_transitions_as_the_domain():
    sql = MIGRATION.read_text(encoding="utf-8")
    body = sql[sql.index("conference_transition_allowed"):sql.index("$$;")]
    pairs = set(re.findall(r"\('(\w+)', '(\w+)'\)", body))
    assert pairs == {(a.value, b.value) for a, b in states.TRANSITIONS}
    assert states.ROSTER_OPEN == {states.ConferenceState.scheduled, states.ConferenceState.in_session}
    with pytest.raises(states.InvalidTransition):
        states.check("scheduled", "adjourned")


NORTH = ("34", "33", "30", "31", "22", "36", "35", "37")


@pytest.mark.parametrize(("present", "met"), [(5, False), (6, True), (8, True)])
def test_two_thirds_of_eight_units_is_six(present, met):
    seen = quorum.attendance(NORTH, NORTH[:present], quorum.DEFAULT_QUORUM)
    assert seen.needed == 6 and seen.quorum_met is met and len(seen.present_units) == present


def test_only_member_units_count_once_each_in_rotation_order():
    seen = quorum.attendance(NORTH, ["37", "34", "37", "01"], Fraction(1, 2))
    assert seen.present_units == ("34", "37") and seen.needed == 4 and not seen.quorum_met


@pytest.mark.parametrize("share", [Fraction(0), Fraction(3, 2), Fraction(1, 1001)])
def test_a_quorum_is_a_share_above_zero_up_to_all(share):
    with pytest.raises(quorum.QuorumError):
        quorum.check_share(share)


@dataclass
class Caller:
    role: str
    province: str | None = None


@dataclass
class Staff:
    organiser: str
    role: str = "staff"
    province: str | None = None


def test_who_may_do_what():
    lead, member, outsider, ministry = Caller("province", "34"), Caller("province", "30"), Caller("province", "01"), \
        Caller("ministry")
    desk = {"host_code": "34", "organiser": "BNV"}
    assert policy.may_schedule(lead, lead_code="34", organiser="BNV")
    assert policy.may_schedule(ministry, lead_code=None, organiser="BNV")
    assert not policy.may_schedule(ministry, lead_code="34", organiser="UBND-22")  # another organiser's cluster
    assert policy.may_schedule(Staff("UBND-22"), lead_code="34", organiser="UBND-22")
    assert not policy.may_schedule(member, lead_code="34", organiser="BNV")
    assert policy.may_name_delegate(member, **desk, unit_code="30", members=NORTH)
    assert not policy.may_name_delegate(member, **desk, unit_code="33", members=NORTH)
    assert not policy.may_name_delegate(member, **desk, unit_code=None, members=NORTH)  # a guest
    assert policy.may_name_delegate(lead, **desk, unit_code=None, members=NORTH)
    assert not policy.may_name_delegate(outsider, **desk, unit_code="01", members=NORTH)
    assert policy.check_in_method(member, **desk, unit_code="30") == "self"
    assert policy.check_in_method(lead, **desk, unit_code="30") == "secretary"
    assert policy.check_in_method(ministry, **desk, unit_code=None) == "secretary"
    assert policy.check_in_method(member, **desk, unit_code="33") is None
