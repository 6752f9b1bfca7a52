"""Message templates, the rules every message follows: one template per event type, Vietnamese by
default and English on request, Vietnam time and dates, award labels, NFC text, one-line subjects,
missing fields and bad arguments."""
from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata

import pytest

from services.notifications.domain.routing import ROUTED_EVENT_TYPES, recipients_for
from services.notifications.domain.templates import (
    AWARD_LABELS,
    TEMPLATED_EVENT_TYPES,
    Message,
    format_date,
    format_deadline,
    render,
    supported_languages,
)
from tests.notifications.template_cases import (
    CLUSTER_NAME,
    MOVEMENT_PAYLOADS,
    PAYLOADS,
    WITH_AWARD,
    WITH_CLUSTER_NAME,
    ev,
    event,
    is_nfc,
    text,
)


def test_one_template_per_event_type():
    assert TEMPLATED_EVENT_TYPES == ROUTED_EVENT_TYPES == set(PAYLOADS)


def test_supported_languages():
    assert supported_languages() == ("vi", "en")


# --- every template, every language ----------------------------------------------------------------

CASES = [(t, lang, rcpt) for t in sorted(PAYLOADS) for lang in ("vi", "en")
         for rcpt in ("ministry", "province:22", "province:37", "province:31", "province:99")]


@pytest.mark.parametrize("type_, language, recipient", CASES)
def test_every_template_renders(type_, language, recipient):
    m = render(event(type_), language=language, recipient=recipient)
    assert isinstance(m, Message)
    assert m.language == language
    assert m.subject.strip() and m.body.strip()
    assert "\n" not in m.subject
    for part in (m.subject, m.body, m.action or ""):
        assert is_nfc(part)
        assert "None" not in part and "{" not in part and "[" not in part
    if m.action:
        assert m.action in m.body.splitlines()[-1] or m.action in m.body.splitlines()[-2]
    else:
        assert m.body.splitlines()[-1] in ("Thông báo để biết, không cần thao tác.",
                                            "For your information; no action is needed.")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("type_", sorted(PAYLOADS))
def test_names_cluster_year_and_award(type_, language):
    m = render(event(type_), language=language, recipient="ministry")
    all_text = text(m)
    if type_ in MOVEMENT_PAYLOADS:  # a movement, not a cluster: named by its name
        assert "Phong trào thi đua" in all_text and ("Quảng Ninh" in all_text or "Dân vận khéo" in all_text)
    elif type_.startswith("nominations.council."):  # an organiser's council, not a cluster: its session
        assert "Phiên họp xét khen thưởng năm 2026" in all_text
    elif type_ not in ("registry.province.merged", "registry.province.merger_undone"):  # no cluster: provinces
        assert "NV-BAC" in all_text
        assert "2026" in all_text
    if type_ in WITH_CLUSTER_NAME:
        assert f"{CLUSTER_NAME} (NV-BAC)" in all_text
    if type_ in WITH_AWARD:
        assert AWARD_LABELS["government_flag"][language] in all_text
        assert AWARD_LABELS["government_flag"][language] in m.subject


@pytest.mark.parametrize("type_", sorted(PAYLOADS))
def test_vietnamese_is_the_default(type_):
    assert render(event(type_), recipient="ministry") == render(event(type_), language="vi", recipient="ministry")


@pytest.mark.parametrize("type_", sorted(PAYLOADS))
def test_english_differs_from_vietnamese(type_):
    vi = render(event(type_), language="vi", recipient="ministry")
    en = render(event(type_), language="en", recipient="ministry")
    assert vi.subject != en.subject and vi.body != en.body


@pytest.mark.parametrize("closes_at, shown", [
    ("2026-12-20T10:00:00+00:00", "17:00 20/12/2026"),
    ("2026-12-20T10:00:00Z", "17:00 20/12/2026"),
    ("2026-12-20T10:00:00", "17:00 20/12/2026"),  # naive: UTC
    ("2026-12-20T17:00:00+07:00", "17:00 20/12/2026"),
    ("2026-12-20T19:00:00+09:00", "17:00 20/12/2026"),
    ("2026-12-31T20:30:00+00:00", "03:30 01/01/2027"),  # crosses midnight and the year
    ("2026-06-15T00:05:00+00:00", "07:05 15/06/2026"),  # no daylight saving in Vietnam
    (dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.timezone.utc), "17:00 20/12/2026"),
])
def test_deadline_in_vietnam_time(closes_at, shown):
    assert format_deadline(closes_at) == shown
    m = render(event("nominations.round.opened", closes_at=closes_at), recipient="province:22")
    assert m.action == f"Bỏ phiếu trước {shown}"


def test_deadline_edge_values():
    assert format_deadline(None) is None
    assert format_deadline("") is None
    assert format_deadline("   ") is None
    assert format_deadline("next Friday") == "next Friday"  # shown rather than lost


def test_format_date():
    assert format_date("2025-07-01") == "01/07/2025"
    assert format_date("2025-07-01T00:00:00+07:00") == "01/07/2025"
    assert format_date(dt.date(2025, 7, 1)) == "01/07/2025"
    assert format_date(None) is None
    assert format_date("soon") == "soon"


# --- labels and text -----------------------------------------------------------------------------------

@pytest.mark.parametrize("award, vi, en", [
    ("government_flag", "Cờ thi đua của Chính phủ", "Government emulation flag"),
    ("ministry_flag", "Cờ thi đua của Bộ Nội vụ", "Ministry emulation flag"),
    ("certificate_of_merit", "Bằng khen", "Certificate of merit"),
])
def test_award_labels(award, vi, en):
    assert render(event("nominations.round.opened", award=award), recipient="province:22").subject.count(vi) == 1
    assert en in render(event("nominations.round.opened", award=award), language="en", recipient="province:22").subject


def test_unknown_award_is_shown_as_is():
    m = render(event("nominations.round.opened", award="golden_lotus"), recipient="province:22")
    assert "golden_lotus năm 2026" in m.subject


def test_vietnamese_text_is_intact_and_nfc():
    m = render(event("nominations.round.opened"), recipient="province:22")
    # Precomposed characters, not base letter + combining mark.
    assert "\u1edd" in m.subject  # ờ
    assert not any(unicodedata.combining(ch) for ch in text(m))
    assert m.subject.encode("utf-8").decode("utf-8") == m.subject


def test_decomposed_input_comes_out_nfc():
    nfd_name = unicodedata.normalize("NFD", CLUSTER_NAME)
    assert nfd_name != CLUSTER_NAME
    m = render(event("nominations.round.opened", cluster_name=nfd_name), recipient="province:22")
    assert f"{CLUSTER_NAME} (NV-BAC)" in m.subject
    assert is_nfc(m.subject) and is_nfc(m.body)


def test_subject_is_one_line_even_with_newlines_in_names():
    m = render(event("nominations.round.opened", cluster_name="Cụm\r\nBcc: x@evil.example"), recipient="province:22")
    assert "\n" not in m.subject and "\r" not in m.subject
    assert "Cụm Bcc: x@evil.example (NV-BAC)" in m.subject


def test_message_is_frozen():
    m = render(event("nominations.round.opened"), recipient="province:22")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.subject = "x"  # type: ignore[misc]


# --- missing fields and errors --------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("type_", sorted(PAYLOADS))
def test_empty_payload_still_renders(type_, language):
    for e in (ev(type_), {"type": type_}, {"type": type_, "payload": None}):
        for recipient in ("ministry", "province:22"):
            m = render(e, language=language, recipient=recipient)
            assert m.subject and m.body
            assert "None" not in text(m)


def test_cluster_without_name_uses_code():
    m = render(event("nominations.round.opened", cluster_name=None), recipient="province:22")
    assert "Cụm thi đua NV-BAC" in m.subject
    en = render(event("nominations.round.opened", cluster_name=None), language="en", recipient="province:22")
    assert "Cluster NV-BAC" in en.subject


@pytest.mark.parametrize("e", [ev("nominations.round.exploded"), ev("registry.period.updated"), {}, {"type": None},
                               {"type": ["x"]}, None])
def test_unknown_type_raises_key_error(e):
    with pytest.raises(KeyError):
        render(e, recipient="ministry")


@pytest.mark.parametrize("language", ["fr", "", "vn", None, "english"])
def test_unsupported_language(language):
    with pytest.raises(ValueError, match="unsupported language"):
        render(event("nominations.round.opened"), language=language, recipient="ministry")


@pytest.mark.parametrize("language, resolved", [("en-US", "en"), ("EN", "en"), ("vi_VN", "vi"), (" vi ", "vi")])
def test_language_tags(language, resolved):
    assert render(event("nominations.round.opened"), language=language, recipient="ministry").language == resolved


@pytest.mark.parametrize("recipient", ["", "everyone", "province:", "Ministry"])
def test_bad_recipient(recipient):
    with pytest.raises(ValueError):
        render(event("nominations.round.opened"), recipient=recipient)


def test_recipient_is_required():
    with pytest.raises(TypeError):
        render(event("nominations.round.opened"))  # type: ignore[call-arg]


def test_every_routed_recipient_can_be_rendered():
    for type_ in PAYLOADS:
        for recipient in recipients_for(event(type_)):
            for language in supported_languages():
                render(event(type_), language=language, recipient=recipient)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_conference_election_or_motion_is_named_by_what_it_decides(language):
    from tests.notifications.template_cases import event

    opened = "nominations.round.opened"
    election = render(event(opened, award=None, kind="election", post="deputy", year=2023), language=language,
                      recipient="province:33")
    expected = "Cụm phó năm 2024" if language == "vi" else "the deputy for 2024"
    assert expected in election.subject
    motion = render(event(opened, award=None, kind="motion", title="Thông qua Giao ước thi đua năm 2024"),
                    language=language, recipient="province:33")
    assert "Thông qua Giao ước thi đua năm 2024" in motion.subject
    both = election.subject + motion.subject
    assert "danh hiệu" not in both and "award" not in both
