"""The council's pure rules: thresholds against all members (Decree 98/2023's defaults, versions by
date), the result per nominee with quotas and ties, receipts, and the states the schema also holds."""
from __future__ import annotations

import re
import uuid
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from services.nominations.councils.domain import policy, receipts
from services.nominations.councils.domain.result import Candidate, Outcome, decide, quorum_needed
from services.nominations.councils.domain.states import TRANSITIONS, InvalidTransition, check
from services.nominations.councils.domain.thresholds import (
    ThresholdError,
    ThresholdVersion,
    check_share,
    default_threshold,
    is_higher_individual_title,
    threshold_for,
    votes_needed,
)

MIGRATION = Path(__file__).resolve().parents[3] / "services/nominations/migrations/120_councils.sql"


# ---------------------------------------------------------------- thresholds

@pytest.mark.parametrize("name, higher", [
    ("Chiến sĩ thi đua cấp Bộ", True), ("Chiến sĩ thi đua toàn quốc", True), ("Chiến sĩ thi đua cấp tỉnh", True),
    ("Chiến sĩ thi đua cơ sở", False), ("Cờ thi đua của Bộ Nội vụ", False), ("Cờ thi đua của Chính phủ", False),
    ("Tập thể lao động xuất sắc", False), ("Bằng khen của Bộ trưởng Bộ Nội vụ", False)])
def test_the_higher_individual_titles_need_ninety_percent_the_rest_eighty(name, higher):
    assert is_higher_individual_title(name) is higher
    t = default_threshold(name)
    assert t.share == (Fraction(9, 10) if higher else Fraction(4, 5))
    assert t.basis == "Nghị định số 98/2023/NĐ-CP" and t.effective_from is None


def test_a_configured_version_holds_from_its_date_and_the_latest_wins():
    versions = [
        ThresholdVersion("BNV", "ministry_flag", date(2025, 7, 1), Fraction(2, 3), "Nghị định số 152/2025/NĐ-CP"),
        ThresholdVersion("BNV", "ministry_flag", date(2026, 1, 1), Fraction(3, 4), "Quy chế 2026"),
        ThresholdVersion("UBND-22", "ministry_flag", date(2020, 1, 1), Fraction(1, 2), "another organiser's"),
        ThresholdVersion("BNV", "pm_certificate", date(2020, 1, 1), Fraction(1, 2), "another form's"),
    ]
    on = {d: threshold_for(versions, organiser="BNV", form_code="ministry_flag", form_name="Cờ thi đua của Bộ Nội vụ",
                           on=d) for d in (date(2024, 1, 5), date(2025, 7, 1), date(2025, 12, 31), date(2026, 3, 1))}
    assert on[date(2024, 1, 5)].share == Fraction(4, 5) and on[date(2024, 1, 5)].effective_from is None
    assert (on[date(2025, 7, 1)].share, on[date(2025, 7, 1)].basis) == (Fraction(2, 3), "Nghị định số 152/2025/NĐ-CP")
    assert on[date(2025, 12, 31)].share == Fraction(2, 3)
    assert (on[date(2026, 3, 1)].share, on[date(2026, 3, 1)].effective_from) == (Fraction(3, 4), date(2026, 1, 1))


def test_votes_needed_count_all_members_exactly():
    assert votes_needed(Fraction(9, 10), 9) == 9      # 8.1 → 9: one member against is enough to fail
    assert votes_needed(Fraction(4, 5), 9) == 8       # 7.2 → 8
    assert votes_needed(Fraction(4, 5), 10) == 8      # exactly 8
    assert votes_needed(Fraction(9, 10), 10) == 9
    assert quorum_needed(9, Fraction(2, 3)) == 6 and quorum_needed(10, Fraction(2, 3)) == 7
    with pytest.raises(ThresholdError):
        votes_needed(Fraction(1, 2), 0)
    for bad in (Fraction(0), Fraction(3, 2), Fraction(1, 1001)):
        with pytest.raises(ThresholdError):
            check_share(bad)


# ---------------------------------------------------------------- the result

def ids(n: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=i + 1) for i in range(n)]


def test_the_threshold_is_counted_against_all_members_not_the_ballots():
    a, b = ids(2)
    # 9 members, 7 ballots (two absent, no written ballot): 7 yes is 7/9, under 4/5 (8 needed).
    out = decide([Candidate(a, "ministry_flag", Fraction(4, 5)), Candidate(b, "ministry_flag", Fraction(4, 5))],
                 yes={a: 7, b: 8}, ballots=8, members=9)
    assert [(f.yes, f.no, f.needed, f.outcome) for f in out] == [
        (7, 1, 8, Outcome.below_threshold), (8, 0, 8, Outcome.approved)]
    with pytest.raises(ValueError):
        decide([Candidate(a, "x", Fraction(1, 2))], yes={}, ballots=10, members=9)


def test_over_a_quota_the_nominees_are_ranked_by_votes():
    a, b, c, d = ids(4)
    cands = [Candidate(x, "government_flag", Fraction(4, 5)) for x in (a, b, c, d)]
    out = {f.nominee_id: f for f in decide(cands, yes={a: 9, b: 10, c: 8, d: 7}, ballots=10, members=10,
                                           quotas={"government_flag": 2})}
    assert (out[b].rank, out[b].outcome) == (1, Outcome.approved)
    assert (out[a].rank, out[a].outcome) == (2, Outcome.approved)
    assert (out[c].rank, out[c].outcome) == (3, Outcome.over_quota)
    assert (out[d].rank, out[d].outcome) == (None, Outcome.below_threshold)


def test_a_tie_across_the_quota_approves_none_of_the_tied():
    a, b, c = ids(3)
    cands = [Candidate(x, "government_flag", Fraction(4, 5)) for x in (a, b, c)]
    out = {f.nominee_id: f for f in decide(cands, yes={a: 10, b: 9, c: 9}, ballots=10, members=10,
                                           quotas={"government_flag": 2})}
    assert out[a].outcome is Outcome.approved
    assert (out[b].rank, out[b].outcome) == (2, Outcome.tied_at_quota)
    assert (out[c].rank, out[c].outcome) == (2, Outcome.tied_at_quota)
    # Another form has no quota: unaffected.
    e = uuid.uuid4()
    more = decide([*cands, Candidate(e, "pm_certificate", Fraction(9, 10))], yes={a: 10, b: 9, c: 9, e: 9}, ballots=10, members=10,
                  quotas={"government_flag": 3})
    assert all(f.outcome is Outcome.approved for f in more)


# ---------------------------------------------------------------- receipts, policy, states

def test_a_receipt_finds_its_ballot_and_nothing_else():
    session, a, b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    secret = receipts.new_secret()
    c = receipts.commitment(session_id=session, approve=[b, a], secret=secret)
    assert re.fullmatch(r"[0-9a-f]{64}", c)
    assert receipts.commitment(session_id=session, approve=[a, b], secret=secret) == c
    assert receipts.verify(session_id=session, approve=[a, b], secret=secret, commitment_=c)
    assert not receipts.verify(session_id=session, approve=[a], secret=secret, commitment_=c)
    assert not receipts.verify(session_id=uuid.uuid4(), approve=[a, b], secret=secret, commitment_=c)
    assert not receipts.verify(session_id=session, approve=[a, b], secret="0" * 64, commitment_=c)
    with pytest.raises(ValueError):
        receipts.canonical([a, a])


class Who:
    def __init__(self, role: str, subject: str, organiser: str | None = None):
        self.role, self.subject, self.organiser, self.province = role, subject, organiser, None


def test_the_member_votes_with_its_own_account_the_office_keeps_the_desk():
    assert policy.may_found(Who("ministry", "ministry"), organiser="BNV")
    assert not policy.may_found(Who("staff", "qn-office", "UBND-22"), organiser="BNV")
    assert policy.may_found(Who("staff", "qn-office", "UBND-22"), organiser="UBND-22")
    assert policy.check_in_method(Who("ministry", "bt-tran"), organiser="BNV", account="bt-tran") == "self"
    assert policy.check_in_method(Who("ministry", "ministry"), organiser="BNV", account="bt-tran") == "secretary"
    assert policy.check_in_method(Who("province", "province-22"), organiser="BNV", account="bt-tran") is None
    assert policy.is_member(Who("ministry", "bt-tran"), account="bt-tran")
    assert not policy.is_member(Who("ministry", "ministry"), account="bt-tran")


def test_the_schema_holds_the_same_moves():
    sql = MIGRATION.read_text(encoding="utf-8")
    body = re.search(r"council_session_transition_allowed.*?IN \((.*?)\)\n\$\$", sql, re.S).group(1)
    pairs = set(re.findall(r"\('(\w+)', '(\w+)'\)", body))
    assert pairs == {(a.value, b.value) for a, b in TRANSITIONS}
    check("scheduled", "open")
    with pytest.raises(InvalidTransition):
        check("closed", "open")
