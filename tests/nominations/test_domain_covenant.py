"""Covenants and score sheets: the pure rules (no database)."""
from __future__ import annotations

import unicodedata
from decimal import Decimal as D

import pytest

from services.nominations.scoring.domain.covenant import (
    CovenantError,
    Criterion,
    CriterionKind,
    SheetError,
    SheetTotals,
    canonical_decimal,
    covenant_digest,
    effective_scores,
    max_total,
    sheet_totals,
    validate_covenant,
    validate_sheet,
)

REGULAR, BONUS, PENALTY = CriterionKind.REGULAR, CriterionKind.BONUS, CriterionKind.PENALTY


def _covenant():
    return validate_covenant([
        {"code": "TC1", "title": "Thực hiện nhiệm vụ chính trị", "group": "I", "max_points": 60},
        {"code": "TC2", "title": "Cải cách hành chính", "group": "I", "max_points": "40"},
        {"code": "TH1", "title": "Sáng kiến được công nhận", "group": "II", "max_points": 5, "kind": "bonus"},
        {"code": "TR1", "title": "Vi phạm kỷ luật", "group": "III", "max_points": D("10"), "kind": "penalty"},
    ])


CRITERIA = _covenant()
FULL = {"TC1": 50, "TC2": D("35.5"), "TH1": 3, "TR1": -2}


# ----------------------------------------------------------------------------------------- criteria

def test_criterion_normalises_its_fields():
    c = Criterion(code="A.1_b-2", title="  Thi đua  ", group=" Nhóm ", max_points=D("7.5"), kind="bonus")
    assert c.title == "Thi đua" and c.group == "Nhóm"
    assert c.max_points == D("7.5") and c.max_points.as_tuple().exponent == -2
    assert c.kind is BONUS
    assert Criterion("X", "t", "", 1).kind is REGULAR


def test_titles_and_groups_are_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Xuất sắc, Ưu tiên")
    assert decomposed != "Xuất sắc, Ưu tiên"
    c = Criterion(code="A", title=decomposed, group=unicodedata.normalize("NFD", "Nhóm Ề"), max_points=1)
    assert c.title == "Xuất sắc, Ưu tiên" and unicodedata.is_normalized("NFC", c.title)
    assert c.group == "Nhóm Ề"


@pytest.mark.parametrize("code", ["", "a" * 21, "TC 1", "TC/1", "Tiêu chí", "TC1\n", None, 7])
def test_bad_codes_are_rejected(code):
    with pytest.raises(CovenantError) as e:
        Criterion(code=code, title="t", group="", max_points=1)
    assert e.value.field == "code"


@pytest.mark.parametrize("code", ["a", "a" * 20, "TC-1.2_b", "0"])
def test_good_codes(code):
    assert Criterion(code=code, title="t", group="", max_points=1).code == code


@pytest.mark.parametrize("max_points", [0, -1, D("0.00"), D("1.005"), "abc", None, True, D("NaN"), float("inf")])
def test_bad_max_points(max_points):
    with pytest.raises(CovenantError) as e:
        Criterion(code="A", title="t", group="", max_points=max_points)
    assert e.value.field == "max_points"


def test_blank_title_and_unknown_kind_are_both_reported():
    with pytest.raises(CovenantError) as e:
        Criterion(code="A", title=" \t", group="", max_points=1, kind="extra")
    assert [f for f, _ in e.value.errors] == ["title", "kind"]
    assert e.value.field == "title"
    assert isinstance(e.value, ValueError)


# ----------------------------------------------------------------------------------------- covenant

def test_validate_covenant_returns_criteria_in_order():
    assert [c.code for c in CRITERIA] == ["TC1", "TC2", "TH1", "TR1"]
    assert [c.kind for c in CRITERIA] == [REGULAR, REGULAR, BONUS, PENALTY]
    assert all(isinstance(c.max_points, D) for c in CRITERIA)
    assert validate_covenant(CRITERIA) == CRITERIA  # Criterion objects pass through


def test_empty_covenant_is_rejected():
    with pytest.raises(CovenantError) as e:
        validate_covenant([])
    assert e.value.field == "criteria"


def test_a_covenant_needs_a_regular_criterion():
    with pytest.raises(CovenantError) as e:
        validate_covenant([{"code": "B", "title": "t", "max_points": 1, "kind": "bonus"}])
    assert e.value.field == "criteria"


def test_duplicate_codes_are_rejected_ignoring_case():
    with pytest.raises(CovenantError) as e:
        validate_covenant([
            {"code": "TC1", "title": "a", "max_points": 1},
            {"code": "TC2", "title": "b", "max_points": 1},
            {"code": "tc1", "title": "c", "max_points": 1},
        ])
    assert e.value.field == "criteria[2].code"
    assert "duplicate" in e.value.message and "criteria[0]" in e.value.message


@pytest.mark.parametrize("max_points", [0, -5])
def test_non_positive_max_is_rejected_with_its_position(max_points):
    with pytest.raises(CovenantError) as e:
        validate_covenant([
            {"code": "A", "title": "a", "max_points": 1},
            {"code": "B", "title": "b", "max_points": 1},
            {"code": "C", "title": "c", "max_points": max_points},
        ])
    assert e.value.field == "criteria[2].max_points"
    assert e.value.errors == [("criteria[2].max_points", "must be greater than 0")]


def test_covenant_errors_are_all_collected():
    with pytest.raises(CovenantError) as e:
        validate_covenant([
            {"code": "A", "title": "", "max_points": 1},
            {"code": "A", "title": "b", "max_points": 1},
            {"code": "C", "title": "c", "max_points": 0, "kind": "nope"},
            {"code": "D", "title": "d", "max_points": 1, "weight": 2},
            "not an object",
            {"title": "f"},
        ])
    assert [f for f, _ in e.value.errors] == [
        "criteria[0].title", "criteria[1].code", "criteria[2].max_points", "criteria[2].kind",
        "criteria[3].weight", "criteria[4]", "criteria[5].code", "criteria[5].max_points",
    ]
    assert e.value.field == "criteria[0].title"


def test_covenant_must_be_a_list():
    for bad in ("TC1", {"code": "A"}, None):
        with pytest.raises(CovenantError) as e:
            validate_covenant(bad)
        assert e.value.field == "criteria"


def test_max_total_counts_regular_criteria_only():
    assert max_total(CRITERIA) == D("100")


def test_as_dict_round_trips():
    for c in CRITERIA:
        assert Criterion.from_dict(c.as_dict()) == c
    assert CRITERIA[1].as_dict() == {"code": "TC2", "title": "Cải cách hành chính", "group": "I",
                                     "max_points": "40", "kind": "regular"}


# ----------------------------------------------------------------------------------------- digest

def test_covenant_digest_is_stable_and_order_independent():
    raw = [c.as_dict() for c in CRITERIA]
    d = covenant_digest(raw)
    assert len(d) == 64 and int(d, 16) >= 0
    assert covenant_digest(list(reversed(raw))) == d
    assert covenant_digest(CRITERIA) == d
    # the same numbers spelled differently, titles in NFD
    respelled = [{**r, "max_points": D(r["max_points"]).quantize(D("0.01")),
                  "title": unicodedata.normalize("NFD", r["title"])} for r in raw]
    assert covenant_digest(respelled) == d


@pytest.mark.parametrize("change", [
    {"code": "TC9"}, {"title": "Khác"}, {"group": "IV"}, {"max_points": "40.01"}, {"kind": "bonus"},
])
def test_covenant_digest_changes_with_any_field(change):
    raw = [c.as_dict() for c in CRITERIA]
    changed = [dict(raw[0]), *raw[1:]]
    changed[1] = {**raw[1], **change}
    assert covenant_digest(changed) != covenant_digest(raw)


def test_covenant_digest_validates():
    with pytest.raises(CovenantError):
        covenant_digest([{"code": "A", "title": "a", "max_points": 0}])


def test_canonical_decimal():
    assert canonical_decimal(D("1.50")) == canonical_decimal(D("1.5")) == "1.5"
    assert canonical_decimal(D("1E+2")) == canonical_decimal(D("100.00")) == "100"
    assert canonical_decimal(D("-0.00")) == "0"
    assert canonical_decimal(D("-2.10")) == "-2.1"
    with pytest.raises(ValueError):
        canonical_decimal(D("Infinity"))


# ----------------------------------------------------------------------------------------- sheets

def test_a_complete_valid_sheet():
    sheet = validate_sheet(criteria=CRITERIA, scores=FULL, require_complete=True)
    assert sheet == {"TC1": D("50"), "TC2": D("35.5"), "TH1": D("3"), "TR1": D("-2")}
    assert list(sheet) == ["TC1", "TC2", "TH1", "TR1"]
    assert all(v.as_tuple().exponent == -2 for v in sheet.values())


def test_bounds_are_inclusive_per_kind():
    top = {"TC1": 60, "TC2": 40, "TH1": 5, "TR1": -10}
    bottom = {"TC1": 0, "TC2": D("0.00"), "TH1": 0, "TR1": 0}
    assert validate_sheet(criteria=CRITERIA, scores=top, require_complete=True)["TR1"] == D("-10")
    assert validate_sheet(criteria=CRITERIA, scores=bottom, require_complete=True)["TR1"] == 0


@pytest.mark.parametrize("code,value", [
    ("TC1", D("60.01")), ("TC1", -1), ("TC2", D("-0.01")), ("TH1", D("5.01")), ("TH1", -1),
])
def test_regular_and_bonus_out_of_bounds(code, value):
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores={code: value}, require_complete=False)
    assert e.value.field == f"scores.{code}"
    assert "between 0 and" in e.value.message


@pytest.mark.parametrize("value", [1, D("0.01"), 10])
def test_a_penalty_must_not_be_positive(value):
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores={"TR1": value}, require_complete=False)
    assert e.value.field == "scores.TR1"
    assert "zero or negative" in e.value.message


def test_a_penalty_may_not_deduct_more_than_its_maximum():
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores={"TR1": D("-10.01")}, require_complete=False)
    assert e.value.field == "scores.TR1"


def test_negative_zero_is_zero():
    sheet = validate_sheet(criteria=CRITERIA, scores={"TR1": D("-0"), "TC1": D("-0.00")}, require_complete=False)
    assert str(sheet["TR1"]) == "0.00" and str(sheet["TC1"]) == "0.00"


def test_unknown_code():
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores={**FULL, "TC9": 1}, require_complete=True)
    assert e.value.errors == [("scores.TC9", "unknown criterion")]
    with pytest.raises(SheetError) as e:  # codes are matched exactly
        validate_sheet(criteria=CRITERIA, scores={"tc1": 1}, require_complete=False)
    assert e.value.field == "scores.tc1"


def test_missing_criteria_only_matter_when_the_sheet_must_be_complete():
    partial = {"TC1": 10}
    assert validate_sheet(criteria=CRITERIA, scores=partial, require_complete=False) == {"TC1": D("10")}
    assert validate_sheet(criteria=CRITERIA, scores={}, require_complete=False) == {}
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores=partial, require_complete=True)
    assert e.value.errors == [("scores.TC2", "missing"), ("scores.TH1", "missing"), ("scores.TR1", "missing")]
    assert e.value.field == "scores.TC2"


@pytest.mark.parametrize("value", [D("1.005"), D("0.001"), "1.234", 7.125, D("1E-3")])
def test_more_than_two_decimals_is_rejected(value):
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores={"TC1": value}, require_complete=False)
    assert e.value.errors == [("scores.TC1", "must have at most 2 decimal places")]


@pytest.mark.parametrize("value,expected", [
    (D("1.500"), D("1.5")), (D("12.3400000"), D("12.34")), (D("1E+1"), D("10")), (7.25, D("7.25")),
    ("7.5", D("7.5")), (0.1, D("0.1")), (20, D("20")),
])
def test_accepted_spellings(value, expected):
    assert validate_sheet(criteria=CRITERIA, scores={"TC1": value}, require_complete=False)["TC1"] == expected


@pytest.mark.parametrize("value", [None, True, "abc", "1e2", "", D("NaN"), D("-Infinity"), float("nan"), [1]])
def test_non_numbers_are_rejected(value):
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores={"TC1": value}, require_complete=False)
    assert e.value.field == "scores.TC1"


def test_all_sheet_problems_are_collected():
    scores = {"TC9": 1, "TC1": 61, "TH1": D("1.001"), "TR1": 3, "XX": 0}
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores=scores, require_complete=True)
    assert [f for f, _ in e.value.errors] == [
        "scores.TC1", "scores.TC2", "scores.TH1", "scores.TR1", "scores.TC9", "scores.XX",
    ]
    assert dict(e.value.errors)["scores.TC2"] == "missing"
    assert e.value.field == "scores.TC1"
    assert isinstance(e.value, ValueError)
    assert "scores.TC1" in str(e.value) and "scores.XX" in str(e.value)


def test_sheet_must_be_a_mapping():
    with pytest.raises(SheetError) as e:
        validate_sheet(criteria=CRITERIA, scores=[("TC1", 1)], require_complete=False)
    assert e.value.field == "scores"


# ----------------------------------------------------------------------------------------- effective & totals

def test_adjustments_replace_self_scores():
    own = validate_sheet(criteria=CRITERIA, scores=FULL, require_complete=True)
    adj = validate_sheet(criteria=CRITERIA, scores={"TC2": 30, "TR1": -4}, require_complete=False)
    eff = effective_scores(own, adj)
    assert eff == {"TC1": D("50"), "TC2": D("30"), "TH1": D("3"), "TR1": D("-4")}
    assert own["TC2"] == D("35.5")  # inputs untouched
    assert effective_scores(own, {}) == own


def test_an_adjustment_may_score_what_the_unit_left_out():
    eff = effective_scores({"TC1": D("50")}, {"TR1": D("-3")})
    assert eff == {"TC1": D("50"), "TR1": D("-3")}
    assert list(eff) == ["TC1", "TR1"]


def test_sheet_totals_with_bonus_and_penalty():
    totals = sheet_totals(CRITERIA, validate_sheet(criteria=CRITERIA, scores=FULL, require_complete=True))
    assert totals == SheetTotals(regular=D("85.5"), bonus=D("3"), penalty=D("-2"), total=D("86.5"))


def test_sheet_totals_count_unscored_criteria_as_zero():
    totals = sheet_totals(CRITERIA, {"TH1": D("5")})
    assert (totals.regular, totals.bonus, totals.penalty, totals.total) == (0, 5, 0, 5)
    assert sheet_totals(CRITERIA, {}).total == 0


def test_bonus_can_exceed_the_maximum_and_penalty_can_go_below_zero():
    top = sheet_totals(CRITERIA, {"TC1": D("60"), "TC2": D("40"), "TH1": D("5")})
    assert top.total == D("105") > max_total(CRITERIA)
    low = sheet_totals(CRITERIA, {"TC1": D("2"), "TR1": D("-10")})
    assert low.total == D("-8")


def test_sheet_totals_of_the_effective_sheet():
    own = validate_sheet(criteria=CRITERIA, scores=FULL, require_complete=True)
    adj = validate_sheet(criteria=CRITERIA, scores={"TC1": D("45.25"), "TR1": -5}, require_complete=False)
    totals = sheet_totals(CRITERIA, effective_scores(own, adj))
    assert totals == SheetTotals(regular=D("80.75"), bonus=D("3"), penalty=D("-5"), total=D("78.75"))


def test_sheet_totals_reject_unknown_codes():
    with pytest.raises(SheetError) as e:
        sheet_totals(CRITERIA, {"TC1": D("1"), "ZZ": D("1")})
    assert e.value.field == "scores.ZZ"
