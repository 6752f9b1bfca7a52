"""The movements' pure rules: states (the same pairs as the schema's guard), phases, the calendar
sweep, reminders, who may do what."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from services.nominations.movements.domain import policy, rules, states

MIGRATION = Path(__file__).resolve().parents[3] / "services/nominations/migrations/070_movements.sql"


def test_the_schema_guards_the_same_transitions_as_the_domain():
    sql = MIGRATION.read_text(encoding="utf-8")
    body = sql[sql.index("movement_transition_allowed"):sql.index("$$;")]
    pairs = set(re.findall(r"\('(\w+)', '(\w+)', '(\w+)'\)", body))
    assert pairs == states.all_pairs()
    for machine, (enum, _) in states.MACHINES.items():
        assert {s for _, a, b in pairs if _ == machine for s in (a, b)} <= {s.value for s in enum}


def test_a_model_cannot_skip_its_assessment():
    with pytest.raises(states.InvalidTransition):
        states.check("model", "registered", "recognised")
    states.check("model", "not_recognised", "under_assessment")  # reassessed on appeal
    assert states.MODEL_ROUTES["recognise"] is states.ModelState.recognised


def phase(n: int, start: str, end: str, report: str | None = None) -> rules.Phase:
    return rules.Phase(number=n, name=f"Giai đoạn {n}", starts_on=date.fromisoformat(start),
                       ends_on=date.fromisoformat(end), report_deadline=date.fromisoformat(report or end))


YEAR = {"starts_on": date(2024, 1, 1), "ends_on": date(2024, 12, 31)}


def test_two_phases_of_a_year_are_accepted():
    rules.check_phases([phase(1, "2024-01-01", "2024-06-30", "2024-07-15"), phase(2, "2024-07-01", "2024-12-31")],
                       **YEAR)


@pytest.mark.parametrize(("phases", "field"), [
    ([phase(1, "2024-01-01", "2024-06-30"), phase(2, "2024-06-30", "2024-12-31")], "phases.1.starts_on"),
    ([phase(2, "2024-01-01", "2024-06-30")], "phases.0.number"),
    ([phase(1, "2023-12-01", "2024-06-30")], "phases.0.starts_on"),
    ([phase(1, "2024-03-01", "2024-02-01")], "phases.0.ends_on"),
    ([phase(1, "2024-01-01", "2024-06-30", "2024-06-01")], "phases.0.report_deadline"),
])
def test_bad_phases_name_their_field(phases, field):
    with pytest.raises(rules.RuleError) as caught:
        rules.check_phases(phases, **YEAR)
    assert caught.value.field == field


def test_the_period_holds_the_registration_deadline():
    with pytest.raises(rules.RuleError, match="registration deadline"):
        rules.check_period(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31),
                           registration_deadline=date(2025, 1, 1))


def test_the_sweep_opens_and_ends_phases_by_the_calendar():
    phases = [(1, "planned", date(2024, 1, 1), date(2024, 6, 30)), (2, "planned", date(2024, 7, 1),
                                                                     date(2024, 12, 31))]
    assert rules.phase_moves(phases, date(2023, 12, 31)) == []
    assert rules.phase_moves(phases, date(2024, 6, 30)) == [(1, "open")]
    # A sweep that missed days opens then ends a phase it skipped over.
    assert rules.phase_moves(phases, date(2024, 7, 1)) == [(1, "open"), (1, "ended"), (2, "open")]
    assert rules.phase_moves([(1, "ended", date(2024, 1, 1), date(2024, 6, 30))], date(2024, 8, 1)) == []


def test_reminders_go_once_in_the_week_before_the_deadline():
    deadline = date(2024, 3, 25)
    assert not rules.reminder_due(today=date(2024, 3, 17), deadline=deadline, reminded_for=None)
    assert rules.reminder_due(today=date(2024, 3, 18), deadline=deadline, reminded_for=None)
    assert not rules.reminder_due(today=date(2024, 3, 20), deadline=deadline, reminded_for=deadline)
    assert rules.reminder_due(today=date(2024, 3, 20), deadline=deadline, reminded_for=date(2024, 3, 10))
    assert not rules.reminder_due(today=date(2024, 3, 26), deadline=deadline, reminded_for=None)


def test_windows_follow_their_extension():
    assert rules.registration_open(today=date(2024, 3, 26), deadline=date(2024, 3, 25),
                                   extended_to=date(2024, 4, 5))
    assert not rules.registration_open(today=date(2024, 3, 26), deadline=date(2024, 3, 25), extended_to=None)
    p = phase(1, "2024-01-01", "2024-06-30", "2024-07-10")
    assert not rules.report_open(today=date(2024, 6, 1), phase=p, ends_on=date(2024, 12, 31),
                                 deadline=p.report_deadline, extended_to=None)
    assert rules.report_open(today=date(2024, 6, 25), phase=p, ends_on=date(2024, 12, 31),
                             deadline=p.report_deadline, extended_to=None)


def test_figures_fields_and_decisions():
    assert rules.check_figures({"houses": 12}) == {"houses": 12}
    with pytest.raises(rules.RuleError) as caught:
        rules.check_figures({"houses": -1})
    assert caught.value.field == "figures.houses"
    with pytest.raises(rules.RuleError):
        rules.check_field("sports")
    assert rules.check_decision("125/QĐ-UBND") == "125/QĐ-UBND"
    with pytest.raises(rules.RuleError):
        rules.check_decision("QĐ 125")


@dataclass
class Actor:
    role: str
    province: str | None = None
    organiser: str | None = None
    unit_code: str | None = None


def test_who_organises_and_who_acts_for_a_unit():
    assert policy.is_organiser_staff(Actor("ministry"), "BNV")
    assert policy.is_organiser_staff(Actor("province", "22"), "UBND-22")
    assert not policy.is_organiser_staff(Actor("province", "22"), "UBND-33")
    assert not policy.is_organiser_staff(Actor("province", "22"), "22")
    assert not policy.is_organiser_staff(None, "BNV")
    assert policy.acts_for_unit(Actor("province", "22"), unit_code="22001", parent_code="22")
    assert policy.acts_for_unit(Actor("province", "22"), unit_code="22", parent_code=None)
    assert not policy.acts_for_unit(Actor("province", "33"), unit_code="22001", parent_code="22")
    assert not policy.acts_for_unit(Actor("ministry"), unit_code="22001", parent_code="22")
    # Organisers' own staff accounts and units' own accounts.
    assert policy.is_organiser_staff(Actor("staff", organiser="BCD-DVK-22"), "BCD-DVK-22")
    assert not policy.is_organiser_staff(Actor("staff", organiser="UBND-22"), "BCD-DVK-22")
    assert policy.acts_for_unit(Actor("unit", unit_code="22001"), unit_code="22001", parent_code="22")
    assert not policy.acts_for_unit(Actor("unit", unit_code="22001"), unit_code="22002", parent_code="22")
    assert policy.visible_units(Actor("unit", unit_code="22001")) == "22001"


def test_the_public_sees_launched_movements_and_recognised_models_only():
    assert not policy.may_see_movement(None, organiser_code="UBND-22", state="draft")
    assert policy.may_see_movement(None, organiser_code="UBND-22", state="launched")
    assert policy.may_see_movement(Actor("province", "22"), organiser_code="UBND-22", state="draft")
    assert policy.may_see_model(None, organiser_code="BNV", state="recognised", unit_code="1", parent_code=None)
    assert not policy.may_see_model(None, organiser_code="BNV", state="registered", unit_code="1", parent_code=None)
    assert policy.may_see_model(Actor("province", "22"), organiser_code="BNV", state="registered",
                                unit_code="22001", parent_code="22")


def test_a_registry_unit_in_scope():
    assert rules.scope_unit({"code": "22", "name": "Quảng Ninh", "kind": "province", "province_code": "22"}) == {
        "code": "22", "name": "Quảng Ninh", "kind": "province", "parent_code": None}
    assert rules.scope_unit({"code": "06757", "name": "Phường Hạ Long", "kind": "commune", "province_code": "22"}) == {
        "code": "06757", "name": "Phường Hạ Long", "kind": "commune", "parent_code": "22"}
    assert rules.scope_unit({"code": "SNV-22", "name": "Sở Nội vụ", "kind": "department",
                             "province_code": "22"})["kind"] == "agency"
