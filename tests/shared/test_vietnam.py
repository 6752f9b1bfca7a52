"""Vietnam's time, dates and numbers as every service and the console write them (shared/vietnam.py)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shared.contracts.common import Award, RoundState
from shared.contracts.labels import AWARD_LABELS, LANGUAGES, ROUND_STATE_LABELS
from shared.vietnam import (
    TIME_ZONE,
    VIETNAM,
    format_date,
    format_decimal,
    format_time,
    in_vietnam,
    parse_decimal,
)

UTC = dt.timezone.utc


def test_the_zone_is_utc_plus_seven_all_year():
    assert TIME_ZONE == "Asia/Ho_Chi_Minh" and VIETNAM.key == TIME_ZONE
    for month in (1, 7):  # no daylight saving
        assert dt.datetime(2026, month, 1, tzinfo=VIETNAM).utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize("at, shown", [
    (dt.datetime(2026, 12, 20, 10, 0, tzinfo=UTC), "17:00 20/12/2026"),
    (dt.datetime(2026, 12, 31, 20, 30, tzinfo=UTC), "03:30 01/01/2027"),  # the day and the year turn
    (dt.datetime(2026, 12, 20, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), "17:00 20/12/2026"),
    (dt.datetime(2026, 12, 20, 17, 0), "17:00 20/12/2026"),  # naive: already Vietnam time
])
def test_times_are_shown_in_vietnam_time(at, shown):
    assert format_time(at) == shown


def test_in_vietnam_converts_an_instant_and_keeps_a_local_time():
    assert in_vietnam(dt.datetime(2026, 1, 1, 17, 0, tzinfo=UTC)).date() == dt.date(2026, 1, 2)
    assert in_vietnam(dt.datetime(2026, 1, 1, 17, 0)) == dt.datetime(2026, 1, 1, 17, 0)


def test_dates_read_day_month_year():
    assert format_date(dt.date(2025, 7, 1)) == "01/07/2025"
    assert format_date(dt.datetime(2025, 7, 1, 23, 0)) == "01/07/2025"


@pytest.mark.parametrize("number, language, places, shown", [
    (Decimal("1234.5"), "vi", None, "1.234,5"),
    (Decimal("1234.5"), "en", None, "1,234.5"),
    (Decimal("7.50"), "vi", None, "7,5"),
    (12.5, "vi", 1, "12,5"),
    (1234567, "vi", 2, "1.234.567,00"),
    (0, "en", None, "0"),
])
def test_numbers_take_the_language_s_separators(number, language, places, shown):
    assert format_decimal(number, language=language, places=places) == shown


@pytest.mark.parametrize("text, number", [("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")),
                                          ("1.234,5", Decimal("1234.5")), (" 12 ", Decimal("12")),
                                          ("", None), ("bảy", None)])
def test_numbers_are_read_either_way(text, number):
    assert parse_decimal(text) == number


def test_every_award_and_round_state_has_a_label_in_every_language():
    assert set(AWARD_LABELS) == {a.value for a in Award}
    assert set(ROUND_STATE_LABELS) == {s.value for s in RoundState}
    for labels in (*AWARD_LABELS.values(), *ROUND_STATE_LABELS.values()):
        assert set(labels) == set(LANGUAGES) and all(labels.values())
    assert AWARD_LABELS[Award.government_flag] == AWARD_LABELS["government_flag"]  # the enum looks it up too
