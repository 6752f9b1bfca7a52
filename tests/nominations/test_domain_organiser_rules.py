"""The rules that differ between organisers, and who acts on whose cluster-years (pure)."""
from __future__ import annotations

from fractions import Fraction

from services.nominations import organiser_rules as rules
from shared.auth import Principal

QN = Principal(subject="s", role="staff", organiser="UBND-QN")
MINISTRY = Principal(subject="m", role="ministry")


def test_an_office_acts_on_its_organiser_and_the_ministry_reads_all():
    assert rules.manages(QN, "UBND-QN") and not rules.manages(QN, "BNV") and not rules.manages(QN, None)
    assert rules.manages(MINISTRY, None) and rules.manages(MINISTRY, "BNV") and not rules.manages(MINISTRY, "UBND-QN")
    assert rules.may_review(MINISTRY, "UBND-QN") and not rules.may_review(QN, "UBND-HN")
    assert not rules.manages(Principal(subject="p", role="province", province="22"), "BNV")


def test_versions_hold_from_their_year_on():
    default = rules.province_defaults(organiser="UBND-QN", name="Ủy ban nhân dân tỉnh Quảng Ninh")
    assert default.decision_suffix == "QĐ-UBND" and default.signer_title == "CHỦ TỊCH"
    assert default.government_flag_share == Fraction(1, 5)
    v1 = rules.OrganiserRules("UBND-QN", 1, 2026, "X", "QĐ-UBND", "CHỦ TỊCH", Fraction(1, 4), 1)
    v2 = rules.OrganiserRules("UBND-QN", 2, 2028, "X", "QĐ-UBND", "CHỦ TỊCH", Fraction(1, 3), 1)
    assert rules.rules_for_year([v1, v2], 2025, default) is default
    assert rules.rules_for_year([v1, v2], 2027, default) is v1
    assert rules.rules_for_year([v1, v2], 2030, default) is v2
    assert rules.ministry_defaults(organiser="BYT", name="Bộ Y tế").decision_suffix == "QĐ-BYT"


def test_a_provinces_forms_and_numbers():
    forms = rules.province_forms(province_name="tỉnh Quảng Ninh")
    assert [f.name for f in forms] == ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh Quảng Ninh",
                                       "Bằng khen của Chủ tịch UBND tỉnh Quảng Ninh", "Giấy khen"]
    assert [f.round_award for f in forms] == ["government_flag", "ministry_flag", "certificate_of_merit", None]
    assert rules.form_code("UBND-QN", "province_flag") == "ubnd_qn_province_flag"
    assert rules.check_number_suffix("15/QĐ-UBND", suffix="QĐ-UBND") is None
    assert rules.check_number_suffix("15/QĐ-BNV", suffix="QĐ-UBND") is not None
    assert rules.parse_share("1/5") == Fraction(1, 5)
