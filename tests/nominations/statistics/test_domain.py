"""The statistics forms' arithmetic and classifications, without I/O."""
from __future__ import annotations

from datetime import date

import pytest

from services.nominations.statistics.domain import cells, classify, forms, policy
from services.nominations.statistics.domain.cells import Fact
from shared.auth import Principal


def _award(count: int, **dims):
    base = {"form_class": "certificate", "kind": "individual", "proposer": "province", "gender": "nam",
            "leader_level": "none", "direct_worker": False, "ethnic_minority": False}
    return Fact({**base, **dims}, count)


def _organiser_awards():
    return forms.form_for(2023, "organiser_awards")


def test_a_cell_counts_the_records_meeting_its_row_and_its_column():
    form = _organiser_awards()
    values = cells.compute(form, [
        _award(3, gender="nữ"),
        _award(2, leader_level="department"),
        _award(1, direct_worker=True),
        _award(4, kind="collective", gender=None, leader_level=None, direct_worker=None, ethnic_minority=None),
        _award(1, form_class="flag", kind="collective", gender=None, leader_level=None, direct_worker=None,
               ethnic_minority=None, proposer="agency"),
        _award(5, form_class="pm_certificate"),  # a state award: not on the organiser's form
        _award(2, leader_level=None, ethnic_minority=True, gender="nữ"),
    ])
    assert values["total.total"] == 13
    assert values["total.certificate_individual"] == 8
    assert values["total.certificate_collective"] == 4
    assert values["women.certificate_individual"] == 5
    assert values["leader_department.total"] == 2
    assert values["direct_worker.total"] == 1
    assert values["other_individual.total"] == 3
    assert values["not_stated.total"] == 2
    assert values["ethnic_minority.certificate_individual"] == 2
    assert values["by_agency.flag_collective"] == 1 and values["by_province.total"] == 12
    # Shaded: a row of individuals under a column of collectives.
    assert values["women.flag_collective"] is None and values["collective.fighter_individual"] is None
    # The kinds of individual partition the individuals.
    kinds = ("leader_senior", "leader_department", "leader_division", "direct_worker", "other_individual",
             "not_stated")
    assert sum(values[f"{k}.total"] for k in kinds) == values["individual.total"] == 8


def test_the_state_form_counts_only_state_awards():
    form = forms.form_for(2023, "state_awards")
    values = cells.compute(form, [_award(5, form_class="pm_certificate"), _award(2, form_class="certificate"),
                                  _award(1, form_class="government_flag", kind="collective")])
    assert values["total.total"] == 6
    assert values["total.pm_certificate_individual"] == 5 and values["total.government_flag_collective"] == 1
    assert values["individual.government_flag_collective"] is None


def test_movements_are_counted_by_scope_duration_kind_and_launcher():
    form = forms.form_for(2024, "movements")
    facts = [Fact({"kind": "regular", "level": "ministry_province", "scope": "ministry_province",
                   "duration": "1y"}, 1),
             Fact({"kind": "thematic", "level": "ministry_province", "scope": "cluster", "duration": "under_1y"}, 1),
             Fact({"kind": "thematic", "level": "central", "scope": "national", "duration": "5y_plus"}, 1)]
    values = cells.compute(form, facts)
    assert values["total.total"] == 3 and values["total.central"] == 1 and values["total.ministry_province"] == 2
    assert values["thematic.total"] == 2 and values["regular.ministry_province"] == 1
    assert values["scope_cluster.total"] == 1 and values["duration_5y_plus.central"] == 1
    assert values["scope_unit.agency"] == 0


def test_a_cell_s_condition_and_its_records_link():
    form = _organiser_awards()
    assert cells.cell_condition(form, "women.certificate_individual") == {
        "kind": frozenset(["individual"]), "gender": frozenset(["nữ"]), "form_class": frozenset(["certificate"])}
    assert cells.cell_condition(form, "women.flag_collective") is None
    assert cells.cell_condition(form, "nobody.total") is None
    [row] = [r for r in cells.table(form, {"women.total": 2}, link=lambda c: f"/x/{c}") if r["key"] == "women"]
    assert row["cells"][0] == {"cell": "women.total", "column": "total", "value": 2, "records": "/x/women.total"}


@pytest.mark.parametrize(("code", "name", "round_award", "organiser", "klass"), [
    ("government_flag", "Cờ thi đua của Chính phủ", "government_flag", "BNV", "government_flag"),
    ("ubnd_22_government_flag", "Cờ thi đua của Chính phủ", "government_flag", "UBND-22", "government_flag"),
    ("pm_certificate", "Bằng khen của Thủ tướng Chính phủ", None, "BNV", "pm_certificate"),
    ("ministry_flag", "Cờ thi đua của Bộ Nội vụ", "ministry_flag", "BNV", "flag"),
    ("ubnd_22_province_flag", "Cờ thi đua của UBND tỉnh Quảng Ninh", "ministry_flag", "UBND-22", "flag"),
    ("minister_certificate", "Bằng khen của Bộ trưởng Bộ Nội vụ", "certificate_of_merit", "BNV", "certificate"),
    ("ubnd_22_chairman_certificate", "Bằng khen của Chủ tịch UBND tỉnh", "certificate_of_merit", "UBND-22",
     "certificate"),
    ("ministry_emulation_fighter", "Chiến sĩ thi đua cấp Bộ", None, "BNV", "fighter"),
    ("excellent_collective", "Tập thể lao động xuất sắc", None, "BNV", "other"),
    ("ubnd_22_commendation_certificate", "Giấy khen", None, "UBND-22", "other"),
    ("labour_order", "Huân chương Lao động hạng Ba", None, "BNV", "state_honour"),
])
def test_award_forms_fall_into_the_form_s_columns(code, name, round_award, organiser, klass):
    assert classify.form_class(code=code, name=name, round_award=round_award, organiser=organiser) == klass


def test_proposers_launchers_and_scopes():
    assert [classify.proposer_kind(c) for c in ("22", "22001", "SNV-22")] == ["province", "commune", "agency"]
    assert [classify.launcher_level(o) for o in ("HDTDKT-TW", "BNV", "UBND-22", "BCD-DVK-22", "TRUONG-A")] == [
        "central", "ministry_province", "ministry_province", "ministry_province", "agency"]
    assert classify.movement_scope(level="central", unit_kinds=frozenset({"province"}), is_cluster=False) == "national"
    assert classify.movement_scope(level="ministry_province", unit_kinds=frozenset({"province"}),
                                   is_cluster=True) == "cluster"
    assert classify.movement_scope(level="ministry_province", unit_kinds=frozenset({"province", "commune"}),
                                   is_cluster=False) == "ministry_province"
    assert classify.movement_scope(level="ministry_province", unit_kinds=frozenset({"agency"}),
                                   is_cluster=False) == "unit"


@pytest.mark.parametrize(("starts", "ends", "bucket"), [
    (date(2024, 3, 1), date(2024, 9, 30), "under_1y"),
    (date(2024, 1, 1), date(2024, 12, 31), "1y"),
    (date(2024, 1, 15), date(2024, 12, 31), "1y"),
    (date(2024, 1, 1), date(2025, 6, 30), "1_3y"),
    (date(2024, 1, 1), date(2026, 12, 31), "3_5y"),
    (date(2021, 1, 1), date(2025, 12, 31), "5y_plus"),
    (date(2024, 2, 29), date(2025, 2, 27), "1y"),
])
def test_durations(starts, ends, bucket):
    assert classify.duration_bucket(starts, ends) == bucket


def test_each_year_falls_under_its_circular():
    assert forms.form_for(2022, "state_awards").symbol == "0702.N/BNV-TĐKT"
    assert forms.form_for(2023, "state_awards").symbol == "0602.N/BNV-TĐKT"
    later = forms.form_for(2026, "state_awards")
    assert later.symbol == "0602.N/BNV-TĐKT" and "18/2025" in later.basis and "tự dựng" in later.basis
    assert forms.form_for(2023, "nothing") is None
    assert [f.code for f in forms.forms_for(2023)] == list(forms.CODES)


def test_who_reads_the_forms():
    ministry, service = Principal(subject="m", role="ministry"), Principal(subject="s", role="service")
    office = Principal(subject="qn", role="staff", organiser="UBND-22")
    province = Principal(subject="p", role="province", province="22")
    assert policy.may_read(ministry, None) and policy.may_read(ministry, "UBND-22") and policy.may_read(service, None)
    assert policy.may_read(office, "UBND-22") and not policy.may_read(office, "BNV")
    assert not policy.may_read(office, None) and not policy.may_read(province, "BNV")
    assert policy.scope(office, None) == "UBND-22" and policy.scope(ministry, None) is None


@pytest.mark.parametrize("code", forms.CODES)
def test_the_cells_are_the_sums_their_definition_says(code):
    """compute() merges facts and matches rows and columns apart: the same figures as summing, for
    every cell, the facts that meet its row and its column together."""
    import random

    rng = random.Random(7)
    choices = {"form_class": ["flag", "certificate", "fighter", "other", "pm_certificate", "government_flag"],
               "kind": ["collective", "individual"], "proposer": ["province", "commune", "agency"],
               "gender": ["nam", "nữ", None], "leader_level": ["none", "senior", "department", "division", None],
               "direct_worker": [True, False, None], "ethnic_minority": [True, False, None],
               "scope": ["national", "ministry_province", "cluster", "unit"],
               "duration": ["under_1y", "1y", "1_3y", "3_5y", "5y_plus"], "level": ["central", "ministry_province",
                                                                                  "agency"],
               "form_kind": ["regular", "thematic"]}
    facts = [Fact({k: rng.choice(v) for k, v in choices.items()} | {"kind": rng.choice(
        ["collective", "individual", "regular", "thematic"])}, rng.randint(1, 50)) for _ in range(800)]
    form = forms.form_for(2024, code)
    expected = {}
    for row in form.rows:
        for column in form.columns:
            condition = cells.combine(row.where, column.where)
            expected[cells.cell_id(row, column)] = (
                None if condition is None else sum(f.count for f in facts if cells.matches(f.dims, condition)))
    assert cells.compute(form, facts) == expected
