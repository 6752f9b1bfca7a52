"""A movement's rules: its period and phases, its windows, the model fields and figures. Pure."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


class RuleError(ValueError):
    """Bad input for a movement, naming the field it is about."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


# The fields a model is registered in (lĩnh vực), with their Vietnamese names.
FIELDS: dict[str, str] = {
    "economy": "Kinh tế",
    "administrative_reform": "Cải cách hành chính",
    "social_security": "An sinh xã hội",
    "mass_mobilisation": "Dân vận",
    "culture_society": "Văn hóa – xã hội",
    "defence_security": "Quốc phòng – an ninh",
    "political_system": "Xây dựng hệ thống chính trị",
    "environment": "Môi trường",
    "digital_transformation": "Chuyển đổi số",
}

# The figures a model may carry, with their Vietnamese names and units.
FIGURES: dict[str, str] = {
    "money_vnd": "Số tiền huy động (đồng)",
    "houses": "Số nhà xây, sửa",
    "households": "Số hộ được giúp đỡ",
    "people": "Số người tham gia",
    "workdays": "Ngày công",
    "km_roads": "Số km đường",
}
FIGURE_MAX = 10**15

RECOGNITION_LEVELS: dict[str, str] = {
    "commune": "Cấp xã",
    "province": "Cấp tỉnh",
    "ministry": "Cấp bộ",
    "national": "Toàn quốc",
}

# Số, ký hiệu of a decision as Decree 30/2020 writes it: "125/QĐ-UBND", "12/QĐ-BCĐ".
DECISION_NUMBER = re.compile(r"^[0-9]{1,6}/[A-ZĐ]{1,8}(-[A-ZĐ0-9]+)*$")
# The launch document may be a plan (KH), a decision (QĐ), a directive (CT)...: "01/KH-UBND".
DOCUMENT_NUMBER = re.compile(r"^[0-9]{1,6}/[A-ZĐ]{1,8}(-[A-ZĐ0-9]+)*$")


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    starts_on: date
    ends_on: date
    report_deadline: date


# The registry's kinds of unit, as a movement's scope counts them.
UNIT_KINDS: dict[str, str] = {"province": "province", "commune": "commune", "department": "agency",
                              "public_service": "agency", "district": "other", "enterprise": "other",
                              "collective": "other", "ministry": "ministry"}


def scope_unit(unit: Mapping[str, object]) -> dict[str, str | None]:
    """A registry unit (code, name, kind, province_code) as a unit in scope: its parent level is the
    province it lies in (none for a province itself)."""
    code, province = str(unit["code"]), unit.get("province_code")
    parent = str(province) if province and province != code else None
    return {"code": code, "name": str(unit["name"]), "kind": UNIT_KINDS.get(str(unit.get("kind")), "other"),
            "parent_code": parent}


def check_period(*, starts_on: date, ends_on: date, registration_deadline: date) -> None:
    if ends_on < starts_on:
        raise RuleError("a movement ends on or after the day it starts", field="ends_on")
    if ends_on - starts_on > timedelta(days=366 * 10):
        raise RuleError("a movement lasts at most ten years", field="ends_on")
    if not starts_on <= registration_deadline <= ends_on:
        raise RuleError("the registration deadline falls within the movement's period",
                        field="registration_deadline")


def check_phases(phases: Sequence[Phase], *, starts_on: date, ends_on: date) -> None:
    """Phases numbered 1, 2, ... in order of their dates, inside the period, never overlapping."""
    for index, phase in enumerate(phases):
        where = f"phases.{index}"
        if phase.number != index + 1:
            raise RuleError("phases are numbered 1, 2, ... in order", field=f"{where}.number")
        if phase.ends_on < phase.starts_on:
            raise RuleError("a phase ends on or after the day it starts", field=f"{where}.ends_on")
        if phase.starts_on < starts_on or phase.ends_on > ends_on:
            raise RuleError("a phase falls within the movement's period", field=f"{where}.starts_on")
        if phase.report_deadline < phase.ends_on:
            raise RuleError("the report deadline is on or after the phase's last day",
                            field=f"{where}.report_deadline")
        if index and phase.starts_on <= phases[index - 1].ends_on:
            raise RuleError("phases do not overlap: a phase starts after the previous one ends",
                            field=f"{where}.starts_on")


def check_codes(codes: Sequence[str], *, field: str) -> None:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            raise RuleError(f"{code} is listed twice", field=f"{field}.{index}")
        seen.add(code)


def check_field(field_code: str) -> str:
    if field_code not in FIELDS:
        raise RuleError(f"a field is one of {', '.join(FIELDS)}", field="field")
    return field_code


def check_figures(figures: Mapping[str, int]) -> dict[str, int]:
    for key, value in figures.items():
        if key not in FIGURES:
            raise RuleError(f"a figure is one of {', '.join(FIGURES)}", field=f"figures.{key}")
        if not 0 <= value <= FIGURE_MAX:
            raise RuleError("a figure is a whole number from 0", field=f"figures.{key}")
    return dict(figures)


def check_decision(number: str, *, field: str = "decision_number") -> str:
    if not DECISION_NUMBER.match(number):
        raise RuleError("a decision number reads like 125/QĐ-UBND", field=field)
    return number


def check_document_number(number: str) -> str:
    if not DOCUMENT_NUMBER.match(number):
        raise RuleError("a document number reads like 01/KH-UBND", field="document_number")
    return number


# ---------------------------------------------------------------- windows

def registration_open(*, today: date, deadline: date, extended_to: date | None) -> bool:
    """Units register from the launch (the service's gate: a draft takes none) to the deadline or
    its extension."""
    return today <= max(deadline, extended_to or deadline)


def report_open(*, today: date, phase: Phase | None, ends_on: date, deadline: date,
                extended_to: date | None) -> bool:
    """A phase's report (sơ kết) is taken from its last week to its report deadline (or extension);
    the final report (tổng kết, ``phase`` None) likewise around the movement's end."""
    last_day = phase.ends_on if phase is not None else ends_on
    return last_day - timedelta(days=7) <= today <= max(deadline, extended_to or deadline)


def final_report_deadline(ends_on: date) -> date:
    """Units report the whole movement within 30 days of its end, unless extended."""
    return ends_on + timedelta(days=30)


# ---------------------------------------------------------------- the calendar

def phase_moves(phases: Sequence[tuple[int, str, date, date]], today: date) -> list[tuple[int, str]]:
    """What the daily sweep does to each phase (number, state, starts_on, ends_on) on ``today``:
    (number, "open") for a planned phase whose first day came, (number, "ended") for an open one
    whose last day passed. A phase skipped over (the sweep missed its days) opens then ends."""
    moves: list[tuple[int, str]] = []
    for number, state, starts_on, ends_on in phases:
        if state == "planned" and today >= starts_on:
            moves.append((number, "open"))
            state = "open"
        if state == "open" and today > ends_on:
            moves.append((number, "ended"))
    return moves


REMINDER_DAYS = 7


def reminder_due(*, today: date, deadline: date, reminded_for: date | None) -> bool:
    """Remind unregistered units once, within the week before the deadline (on the day included)."""
    return reminded_for != deadline and deadline - timedelta(days=REMINDER_DAYS) <= today <= deadline
