"""Units (đơn vị) of every kind: their codes, forms and what may happen to them.

Provinces, districts and communes carry the national codes (two, three and five digits); every
other unit carries a code its organiser's office assigns, which starts with a letter, so the two
kinds of code never collide (an office cannot give a department the five digits of a commune). A
commune in force from 1 July 2025 is one of the national list of communes (loaded by
``service.national_list``); an office records only communes that ended before then, as history. A code names one unit on any day (the schema's exclusion constraint);
a unit's identity is (code, validity period), as the provinces' always was.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Literal, Sequence

from services.registry.domain.provinces import Unit, eve_of
from shared.errors import Conflict, Unprocessable

UnitKind = Literal["province", "department", "district", "commune", "public_service", "enterprise", "collective"]
UNIT_KINDS: tuple[UnitKind, ...] = ("province", "department", "district", "commune", "public_service",
                                    "enterprise", "collective")
#: Any unit's code, as paths and member lists take it.
UNIT_CODE = r"^[0-9A-Z][0-9A-Z-]{1,15}$"
_NATIONAL = {"province": re.compile(r"^[0-9]{2}$"), "district": re.compile(r"^[0-9]{3}$"),
             "commune": re.compile(r"^[0-9]{5}$")}
_OFFICE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
#: The forms a national unit takes (tỉnh/thành phố; huyện/quận/thị xã/thành phố thuộc tỉnh;
#: xã/phường/đặc khu/thị trấn), and the one assumed when none is given.
FORMS: dict[str, tuple[str, ...]] = {
    "province": ("province", "city"),
    "district": ("huyen", "quan", "thi_xa", "thanh_pho"),
    "commune": ("xa", "phuong", "dac_khu", "thi_tran"),
}
#: The district level ended on 30 June 2025: a district unit carries history only.
DISTRICTS_END = date(2025, 6, 30)
#: The national list of communes after the 2025 reorganisation took effect on this day.
COMMUNES_LIST_FROM = date(2025, 7, 1)


def check_code(*, kind: str, code: str) -> None:
    """A national unit carries its national code; any other an office code starting with a letter."""
    national = _NATIONAL.get(kind)
    if national is not None:
        if not national.fullmatch(code):
            digits = {"province": 2, "district": 3, "commune": 5}[kind]
            raise Unprocessable(f"a {kind} carries its {digits}-digit national code", field="code")
    elif not (_OFFICE.fullmatch(code) and len(code) <= 16):
        raise Unprocessable("an office-assigned code starts with a letter: capital letters and digits, words "
                            "joined by hyphens, at most 16 characters (national codes are all digits)",
                            field="code")


def check_form(*, kind: str, form: str | None) -> str | None:
    """The unit's form: required among its kind's for national units, none for the others."""
    forms = FORMS.get(kind)
    if forms is None:
        if form is not None:
            raise Unprocessable(f"a {kind} has no form", field="form")
        return None
    if form is None:
        return forms[0]
    if form not in forms:
        raise Unprocessable(f"a {kind}'s form is one of {', '.join(forms)}", field="form")
    return form


def check_new_unit(*, kind: str, code: str, province_code: str | None, valid_to: date | None = None) -> None:
    """Provinces come from the national list (and its mergers), not from an office; a commune or a
    district lies in a province; a district ended with the district level."""
    if kind == "province":
        raise Unprocessable("provinces are the national list's: they change by merger (POST /v1/provinces/mergers)",
                            field="kind")
    check_code(kind=kind, code=code)
    if kind in ("district", "commune") and province_code is None:
        raise Unprocessable(f"a {kind} lies in a province: name it", field="province_code")


def is_commune_history(*, kind: str, valid_to: date | None) -> bool:
    """A commune that ended before the national list of 1 July 2025: history an office records under
    the code it had then (the list's codes reuse some of those, on other days)."""
    return kind == "commune" and valid_to is not None and valid_to < COMMUNES_LIST_FROM


def check_commune_listed(*, kind: str, code: str, valid_to: date | None, listed: bool) -> None:
    """A commune in force on or after 1 July 2025 is one of the national list's: its code must be
    the list's (the list's communes are loaded as units, so an office records only history)."""
    if kind != "commune" or is_commune_history(kind=kind, valid_to=valid_to):
        return
    if not listed:
        raise Unprocessable(f"{code} is not a commune of the national list of communes after 1 July 2025: a commune "
                            "in force since then carries its code from that list; a commune that ended before then "
                            "is recorded with its valid_to", field="code", slug="not-in-national-list")


def check_validity(*, valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise Unprocessable("a unit's last day comes after its first", field="valid_to")


def overlaps(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Two validity periods (None: open) share a day."""
    return (a_from is None or b_to is None or a_from <= b_to) and (b_from is None or a_to is None or b_from <= a_to)


def check_name(name: str) -> str:
    """A unit's name: non-blank, no control characters (digits are fine: Phường 1)."""
    if not name.strip() or any(ord(ch) < 32 for ch in name):
        raise ValueError("a unit's name is non-blank text without control characters")
    return name


def check_rename(*, unit: Unit, new_name: str, effective_date: date) -> None:
    if not unit.in_force_on(effective_date):
        raise Unprocessable(f"{unit.code} ({unit.name}) is not in force on {effective_date}", field="effective_date")
    if unit.name == new_name:
        raise Unprocessable(f"{unit.code} is already named {new_name}", field="name")


def check_dissolve(*, unit: Unit, effective_date: date) -> date:
    """A unit is dissolved from ``effective_date``: its last day is the day before, when it was in force."""
    eve = eve_of(effective_date)
    if not (unit.in_force_on(eve) and unit.in_force_on(effective_date)):
        raise Unprocessable(f"{unit.code} ({unit.name}) is not in force on {effective_date}", field="effective_date")
    if unit.valid_from is not None and unit.valid_from >= effective_date:
        raise Unprocessable(f"{unit.code} only starts on {unit.valid_from}", field="effective_date")
    return eve


def check_absorption(*, sources: Sequence[Unit], successor: Unit, effective_date: date) -> None:
    """Units merged into one already in force: it is no source, and in force on the effective date."""
    if any(s.id == successor.id for s in sources):
        raise Unprocessable(f"{successor.code} cannot absorb itself", field="successor.code")
    if not successor.in_force_on(effective_date):
        raise Unprocessable(f"{successor.code} ({successor.name}) is not in force on {effective_date}",
                            field="successor.code")


def check_same_organiser(*, organisers: Sequence[str], organiser: str) -> None:
    """Units merge within one organiser."""
    if any(o != organiser for o in organisers):
        raise Conflict("units merge within one organiser: a source belongs to another", field="sources",
                       slug="other-organiser")


def successor_kind(*, sources_kinds: Sequence[str], kind: str | None) -> str:
    """A new successor's kind: the one given, else the sources' when they share one."""
    if kind is not None:
        return kind
    kinds = set(sources_kinds)
    if len(kinds) != 1:
        raise Unprocessable("sources of different kinds: name the successor's kind", field="successor.kind")
    return kinds.pop()
