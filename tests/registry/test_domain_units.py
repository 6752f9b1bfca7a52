"""Rules of organisers and units (pure)."""
from __future__ import annotations

from datetime import date

import pytest

from services.registry.domain import organisers, units
from services.registry.domain.provinces import Unit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, Unprocessable

QN_STAFF = Principal(subject="s", role="staff", organiser="UBND-QN")
MINISTRY = Principal(subject="m", role="ministry")


@pytest.mark.parametrize(("kind", "code", "ok"), [
    ("province", "22", True), ("province", "022", False), ("district", "193", True), ("district", "19", False),
    ("commune", "06505", True), ("commune", "6505", False), ("department", "QN-SNV", True),
    ("department", "12345", False), ("enterprise", "1A", False), ("collective", "QN-SNV-P1", True),
    ("public_service", "qn-bv", False), ("department", "A" * 17, False),
])
def test_codes_keep_national_and_office_codes_apart(kind, code, ok):
    if ok:
        units.check_code(kind=kind, code=code)
    else:
        with pytest.raises(Unprocessable):
            units.check_code(kind=kind, code=code)


def test_forms_default_for_national_units_and_none_otherwise():
    assert units.check_form(kind="commune", form=None) == "xa"
    assert units.check_form(kind="commune", form="phuong") == "phuong"
    assert units.check_form(kind="department", form=None) is None
    for kind, form in (("commune", "quan"), ("department", "xa")):
        with pytest.raises(Unprocessable) as e:
            units.check_form(kind=kind, form=form)
        assert e.value.field == "form"


def test_new_units_come_from_an_office_and_lie_in_a_province():
    with pytest.raises(Unprocessable) as e:
        units.check_new_unit(kind="province", code="99", province_code=None)
    assert e.value.field == "kind"
    with pytest.raises(Unprocessable) as e:
        units.check_new_unit(kind="commune", code="99101", province_code=None)
    assert e.value.field == "province_code"
    units.check_new_unit(kind="department", code="QN-SNV", province_code=None)


def test_dissolution_and_absorption_dates():
    unit = Unit(id=1, code="QN-A", name="A", valid_from=None, valid_to=None)
    assert units.check_dissolve(unit=unit, effective_date=date(2025, 7, 1)) == date(2025, 6, 30)
    ended = Unit(id=2, code="QN-B", name="B", valid_from=None, valid_to=date(2025, 6, 30))
    with pytest.raises(Unprocessable):
        units.check_dissolve(unit=ended, effective_date=date(2025, 7, 1))
    with pytest.raises(Unprocessable):
        units.check_absorption(sources=[unit], successor=unit, effective_date=date(2025, 7, 1))
    with pytest.raises(Conflict):
        units.check_same_organiser(organisers=["UBND-QN", "BNV"], organiser="UBND-QN")
    assert units.successor_kind(sources_kinds=["commune", "commune"], kind=None) == "commune"
    with pytest.raises(Unprocessable):
        units.successor_kind(sources_kinds=["commune", "department"], kind=None)


def test_who_acts_for_an_organiser():
    assert organisers.manages(QN_STAFF, "UBND-QN") and not organisers.manages(QN_STAFF, "BNV")
    assert organisers.manages(MINISTRY, "BNV") and not organisers.manages(MINISTRY, "UBND-QN")
    assert not organisers.manages(Principal(subject="p", role="province", province="22"), "BNV")
    with pytest.raises(Forbidden):
        organisers.require_manages(MINISTRY, "UBND-QN", what="x")
    assert organisers.award_level("province") == "province" and organisers.award_level("other") == "ministry"
    assert organisers.may_create_account(MINISTRY, role="ministry", organiser=None)
    assert organisers.may_create_account(QN_STAFF, role="unit", organiser="UBND-QN")
    assert not organisers.may_create_account(QN_STAFF, role="unit", organiser="BNV")
    assert not organisers.may_create_account(QN_STAFF, role="ministry", organiser=None)


def test_an_account_names_what_it_acts_for():
    organisers.check_account_target(role="staff", province_code=None, organiser="UBND-QN", unit_code=None)
    for role, values, field in (("staff", {}, "organiser"), ("unit", {}, "unit_code"),
                                ("ministry", {"organiser": "BNV"}, "organiser"),
                                ("province", {"province_code": "22", "unit_code": "22"}, "unit_code")):
        args = {"province_code": None, "organiser": None, "unit_code": None, **values}
        with pytest.raises(Unprocessable) as e:
            organisers.check_account_target(role=role, **args)
        assert e.value.field == field
