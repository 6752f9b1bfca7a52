"""The catalogue and the Vietnamese formats (no browser)."""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

from services.console.i18n import (
    format_date,
    format_datetime,
    format_number,
    parse_number,
    translate,
)
from services.console.messages import EN, VI


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(VI) == set(EN), {"only vi": set(VI) - set(EN), "only en": set(EN) - set(VI)}
    for key in VI:
        assert set(re.findall(r"{(\w+)}", VI[key])) == set(re.findall(r"{(\w+)}", EN[key])), key


def test_vietnamese_text_is_nfc() -> None:
    for key, text in VI.items():
        assert unicodedata.normalize("NFC", text) == text, key


def test_dates_and_numbers_read_as_in_the_minutes() -> None:
    assert format_date(date(2025, 7, 1)) == "01/07/2025"
    assert format_date("2025-06-30") == "30/06/2025"
    assert format_datetime(datetime(2025, 12, 1, 2, 5, tzinfo=UTC)) == "09:05 01/12/2025"
    assert format_number(Decimal("1234.5")) == "1.234,5"
    assert format_number(14.5, "en") == "14.5"
    assert format_number(97, "vi", 2) == "97,00"
    assert parse_number("7,5") == Decimal("7.5") and parse_number("7.5") == Decimal("7.5")
    assert parse_number("bảy") is None and parse_number("") is None


def test_a_missing_key_falls_back_to_vietnamese_then_to_the_key() -> None:
    assert translate("en", "signin.title") == "Sign in"
    assert translate("vi", "no.such.key") == "no.such.key"
    assert translate("vi", "provinces.count", count=34) == "34 đơn vị"
