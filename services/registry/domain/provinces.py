"""Rules for the province timeline and mergers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from shared.errors import Conflict, Unprocessable


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def eve_of(effective_date: date) -> date:
    """The day before a merger takes effect: the sources' last day."""
    if effective_date <= date.min:
        raise Unprocessable(f"a merger cannot take effect on {effective_date}: its sources need a last day before it",
                            field="effective_date")
    return effective_date - timedelta(days=1)


def check_merger(*, sources: Sequence[Unit], successor_code: str, effective_date: date,
                 same_code_units: Sequence[Unit]) -> None:
    """Sources must be in force the day before and on the effective date (they are closed then);
    the successor's code must be free from that date, unless it is one of the sources' codes."""
    if not sources:
        raise Unprocessable("a merger needs at least one source unit", field="sources")
    eve = eve_of(effective_date)
    for unit in sources:
        if not (unit.in_force_on(eve) and unit.in_force_on(effective_date)):
            raise Unprocessable(f"unit {unit.code} ({unit.name}) is not in force on {effective_date}",
                                field="sources")
        if unit.valid_from is not None and unit.valid_from >= effective_date:
            raise Unprocessable(f"unit {unit.code} only starts on {unit.valid_from}", field="effective_date")
    source_ids = {u.id for u in sources}
    for unit in same_code_units:
        if unit.id in source_ids:
            continue
        if unit.valid_to is None or unit.valid_to >= effective_date:
            raise Unprocessable(f"code {successor_code} is used by {unit.name} on or after {effective_date}",
                                field="successor.code")


def check_merger_window(*, effective_date: date, today: date, window_days: int) -> None:
    """A merger takes effect within ``window_days`` of today (Vietnam's), either way: a date years
    off is a typing error, not a reform."""
    if abs((effective_date - today).days) > window_days:
        raise Unprocessable(f"a merger takes effect within {window_days} days of today ({today}); "
                            f"{effective_date} is outside", field="effective_date")


# A unit's name: words of letters (Vietnamese included), separated by spaces, hyphens, apostrophes
# or dots; no digits, no symbols, at least two letters.
_NAME = re.compile(r"^[^\W\d_]+(?:[ \-'’.]+[^\W\d_]+)*\.?$")


def check_unit_name(name: str) -> str:
    if not _NAME.fullmatch(name) or sum(ch.isalpha() for ch in name) < 2:
        raise ValueError("a unit's name is words of letters (no digits or symbols), at least two letters")
    return name


def check_undo(*, successor: Unit, later_references: int) -> None:
    """A merger is undone only while nothing refers to the unit it created."""
    if later_references:
        raise Conflict(f"{successor.code} ({successor.name}) is already referred to ({later_references} "
                       f"reference(s): cluster periods or later mergers); the merger cannot be undone",
                       slug="merger-referenced")
