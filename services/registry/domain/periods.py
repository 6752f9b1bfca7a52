"""Rules for a period's membership during the year: which day counts, what a change may do."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Hashable, Sequence

from shared.errors import Conflict, Unprocessable


def membership_day(year: int, today: date) -> date:
    """The day whose membership a period shows by default: today within its year, else the year's
    first day (a year to come) or last day (a year gone)."""
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


@dataclass(frozen=True)
class MemberSpan:
    key: Hashable
    joined_on: date | None
    left_on: date | None

    def member_on(self, day: date) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or day < self.left_on)


def check_change(*, year: int, effective_date: date, spans: Sequence[MemberSpan], add: Sequence[Hashable],
                 remove: Sequence[Hashable], keep: Sequence[Hashable]) -> None:
    """A membership change takes effect on a day of the period's year; it adds units that are not
    members that day and removes units that are; the lead and deputy (``keep``) stay; at least two
    members remain."""
    if effective_date.year != year:
        raise Unprocessable(f"the effective date must fall in {year}", field="effective_date")
    if not add and not remove:
        raise Unprocessable("name the members to add or to remove", field="add")
    if set(add) & set(remove):
        raise Unprocessable("a province cannot be both added and removed", field="remove")
    if len(set(add)) != len(add):
        raise Unprocessable("a province appears twice", field="add")
    if len(set(remove)) != len(remove):
        raise Unprocessable("a province appears twice", field="remove")
    on_day = {s.key for s in spans if s.member_on(effective_date)}
    for key in add:
        if key in on_day:
            raise Unprocessable(f"{key} is already a member on {effective_date}", field="add")
    later = {s.key: s for s in spans}
    for key in add:
        span = later.get(key)
        if span is not None and span.left_on is None and span.joined_on is not None and span.joined_on > effective_date:
            raise Unprocessable(f"{key} already joins on {span.joined_on}", field="add")
    for key in remove:
        if key not in on_day:
            raise Unprocessable(f"{key} is not a member on {effective_date}", field="remove")
        span = later[key]
        if span.joined_on is not None and span.joined_on >= effective_date:
            raise Unprocessable(f"{key} only joins on {span.joined_on}", field="remove")
    for key in keep:
        if key in remove:
            raise Conflict("the lead and the deputy stay members; correct the leadership first",
                           slug="leader-removed")
    remaining = (on_day - set(remove)) | set(add)
    if len(remaining) < 2:
        raise Unprocessable("a cluster period needs at least two members", field="remove")
