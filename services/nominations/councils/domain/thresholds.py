"""The share of the council's votes a nominee needs, counted against ALL its members: pure, no I/O.

By default (Decree 98/2023/NĐ-CP, as it had it): at least **90 %** of all members for the higher
individual titles (Chiến sĩ thi đua toàn quốc, Chiến sĩ thi đua cấp Bộ, ngành, tỉnh), at least
**80 %** for the flags, the grassroots titles and every other form. An organiser configures its own
share per award form from an effective date (Decree 152/2025/NĐ-CP replaced Decree 98/2023): the
version in force on the session's day wins, else the default.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

HIGHER_INDIVIDUAL_SHARE = Fraction(9, 10)
OTHER_SHARE = Fraction(4, 5)
DEFAULT_BASIS = "Nghị định số 98/2023/NĐ-CP"


class ThresholdError(ValueError):
    def __init__(self, message: str, field: str = "share") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Threshold:
    share: Fraction
    basis: str
    effective_from: date | None  # None: the default, not a configured version


@dataclass(frozen=True)
class ThresholdVersion:
    """One configured version: an organiser's share for one award form from a date."""

    organiser: str
    form_code: str
    effective_from: date
    share: Fraction
    basis: str


def check_share(share: Fraction) -> Fraction:
    if not 0 < share <= 1:
        raise ThresholdError("a threshold is a share of all the council's members above 0 and at most 1")
    if share.denominator > 1000:
        raise ThresholdError("a threshold's denominator is at most 1000")
    return share


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def is_higher_individual_title(form_name: str) -> bool:
    """Chiến sĩ thi đua toàn quốc / cấp Bộ, ngành / cấp tỉnh; not Chiến sĩ thi đua cơ sở (grassroots)."""
    name = _plain(form_name)
    return "chiến sĩ thi đua" in name and "cơ sở" not in name


def default_threshold(form_name: str) -> Threshold:
    share = HIGHER_INDIVIDUAL_SHARE if is_higher_individual_title(form_name) else OTHER_SHARE
    return Threshold(share=share, basis=DEFAULT_BASIS, effective_from=None)


def threshold_for(versions: Iterable[ThresholdVersion], *, organiser: str, form_code: str, form_name: str,
                  on: date) -> Threshold:
    """The organiser's version for the form in force ``on`` (the latest that began by then), else the default."""
    in_force = [v for v in versions
                if v.organiser == organiser and v.form_code == form_code and v.effective_from <= on]
    if not in_force:
        return default_threshold(form_name)
    latest = max(in_force, key=lambda v: v.effective_from)
    return Threshold(share=latest.share, basis=latest.basis, effective_from=latest.effective_from)


def votes_needed(share: Fraction, members: int) -> int:
    """The smallest number of votes reaching ``share`` of ``members`` (all members, present or not)."""
    if members < 1:
        raise ThresholdError("a council has at least one member", field="members")
    return math.ceil(members * share)
