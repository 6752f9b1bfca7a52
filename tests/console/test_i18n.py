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
    # the problem as a whole says what is wrong too (for a page without a place for a field)
    assert vi.message == "Giá trị không được lớn hơn 40. Tối đa 2 lựa chọn. Trường này là bắt buộc."
    en = problem_to_error(resp, "en")
    assert en.fields["reason"] == "Field required"
    # A type the console knows is said in the user's words, never the API's English.
    odd = httpx.Response(409, json={"type": "urn:thidua:problem:round-not-open", "status": 409,
                                    "detail": "the round is closed", "title": "Conflict"})
    assert problem_to_error(odd, "vi").message == "Đợt bỏ phiếu không mở."
    unknown = httpx.Response(409, json={"type": "urn:thidua:problem:something-new", "status": 409,
                                        "detail": "the frobnicator is busy", "title": "Conflict"})
    assert problem_to_error(unknown, "vi").message == "Yêu cầu không thực hiện được."


def test_codes_are_translated_with_their_params_and_never_shown_in_english() -> None:
    import httpx

    from services.console.api import problem_to_error

    body = {"type": "urn:thidua:problem:validation-failed", "code": "validation-failed", "status": 422,
            "detail": "criteria[2].code: duplicate code 'TC1' (see criteria[0])", "title": "Validation failed",
            "errors": [{"field": "criteria[2].code", "message": "duplicate code 'TC1' (see criteria[0])",
                        "code": "duplicate-criterion", "params": {"code": "TC1", "row": 1}},
                       {"field": "scores.CM", "message": "must be between 0 and 30", "code": "score-out-of-range",
                        "params": {"min": "0", "max": "30"}},
                       {"field": "seats", "message": "Input should be greater than or equal to 1",
                        "code": "greater_than_equal", "params": {"ge": 1}},
                       {"field": "note", "message": "missing", "code": "something_else", "params": {}}]}
    vi = problem_to_error(httpx.Response(422, json=body), "vi")
    assert vi.fields == {"criteria[2].code": "Mã tiêu chí TC1 trùng với dòng 1.",
                         "scores.CM": "Điểm phải từ 0 đến 30.", "seats": "Giá trị không được nhỏ hơn 1.",
                         "note": "Giá trị không hợp lệ."}
    period = {"type": "urn:thidua:problem:period-missing", "code": "period-missing", "status": 422,
              "detail": "cluster noivu-bac has no period 2026", "cluster": "noivu-bac", "year": 2026,
              "errors": [{"field": "cluster_code", "message": "cluster noivu-bac has no period 2026",
                          "code": "period-missing", "params": {"cluster": "noivu-bac", "year": 2026}}]}
    error = problem_to_error(httpx.Response(422, json=period), "vi")
    assert error.message == "Cụm noivu-bac chưa có danh sách thành viên năm 2026."
    assert error.fields["cluster_code"] == error.message
    assert "missing" not in str(vi.fields) and "Chi tiết" not in str(vi.fields)


def test_english_counts_one_and_many_vietnamese_has_one_form() -> None:
    assert translate("en", "round.seats_n", n=1) == "1 seat"
    assert translate("en", "round.seats_n", n=2) == "2 seats"
    assert translate("en", "tasks.vote_rules", seats=1, max=1) == "1 seat, choose up to 1"
    assert translate("vi", "round.seats_n", n=1) == "1 suất đề nghị"
    for key, text in EN.items():           # both forms name the same placeholders
        if "||" in text:
            one, other = text.split("||")
            assert set(re.findall(r"{(\w+)}", one)) == set(re.findall(r"{(\w+)}", other)), key
    assert not any("||" in text for text in VI.values())
