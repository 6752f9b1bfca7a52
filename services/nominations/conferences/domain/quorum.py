"""Attendance and quorum of a conference: pure, no I/O.

A member unit is **present** once a delegate who votes for it has checked in; guests and
delegates without a vote are attendance, not quorum. The quorum holds when the present member
units reach the conference's share of all member units (two thirds by default), read exactly.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_QUORUM = Fraction(2, 3)


class QuorumError(ValueError):
    def __init__(self, message: str, field: str = "quorum") -> None:
        super().__init__(message)
        self.field = field


def check_share(share: Fraction) -> Fraction:
    if not 0 < share <= 1:
        raise QuorumError("the quorum is a share of the member units above 0 and at most 1")
    if share.denominator > 1000:
        raise QuorumError("the quorum's denominator is at most 1000")
    return share


def needed(members: int, share: Fraction) -> int:
    """How many member units must be present: the smallest count reaching ``share`` of ``members``."""
    return math.ceil(members * share)


@dataclass(frozen=True)
class Attendance:
    member_units: tuple[str, ...]
    present_units: tuple[str, ...]
    needed: int

    @property
    def quorum_met(self) -> bool:
        return len(self.present_units) >= self.needed


def attendance(members: Iterable[str], voters_checked_in: Iterable[str], share: Fraction) -> Attendance:
    """``voters_checked_in``: the unit codes of the checked-in delegates who vote for their unit."""
    member_units = tuple(members)
    known = set(member_units)
    present = tuple(sorted({u for u in voters_checked_in if u in known}, key=member_units.index))
    return Attendance(member_units=member_units, present_units=present, needed=needed(len(member_units), share))


def names(units: Iterable[str], by_code: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"code": c, "name": by_code.get(c, c)} for c in units]
