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


def test_an_api_problem_becomes_a_message_in_the_users_language_beside_its_field() -> None:
    import httpx

    from services.console.api import problem_to_error

    body = {"type": "urn:thidua:problem:validation-failed", "title": "Validation failed", "status": 422,
            "detail": "scores.CM: Input should be less than or equal to 40",
            "errors": [{"field": "scores.CM", "message": "Input should be less than or equal to 40"},
                       {"field": "choices", "message": "List should have at most 2 items after validation"},
                       {"field": "reason", "message": "Field required"}]}
    resp = httpx.Response(422, json=body, headers={"content-type": "application/problem+json"})
    vi = problem_to_error(resp, "vi")
    assert vi.fields == {"scores.CM": "Giá trị không được lớn hơn 40.", "choices": "Tối đa 2 lựa chọn.",
                         "reason": "Trường này là bắt buộc."}
    assert vi.field_errors({"scores.CM": "score-CM"})["score-CM"] == "Giá trị không được lớn hơn 40."
    assert vi.message == "Giá trị không hợp lệ."
    en = problem_to_error(resp, "en")
    assert en.fields["reason"] == "Field required"
    # A shape without a translation keeps the API's words, introduced in Vietnamese.
    odd = httpx.Response(409, json={"type": "urn:thidua:problem:round-not-open", "status": 409,
                                    "detail": "the round is closed", "title": "Conflict"})
    assert problem_to_error(odd, "vi").message == "Yêu cầu không thực hiện được. Chi tiết từ hệ thống: the round is closed"
