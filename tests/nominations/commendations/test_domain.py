"""The pure rules of commendations: states, eligibility, limits, identities, search text, files."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from services.nominations.commendations.domain import files, rules
from services.nominations.commendations.domain.states import (
    TRANSITIONS,
    InvalidTransition,
    State,
    check_transition,
    path,
    proposal_state,
)
from services.nominations.commendations.printing import vietnamese_date

FLAG = rules.Form(code="ministry_flag", name="Cờ thi đua của Bộ Nội vụ", recipients="collective",
                  from_vote_only=True, capped=False)
MERIT = rules.Form(code="minister_certificate", name="Bằng khen", recipients="both", from_vote_only=False,
                   capped=False, required_fields=("years_of_service",))
FIGHTER = rules.Form(code="fighter", name="Chiến sĩ thi đua", recipients="individual", from_vote_only=False,
                     capped=False)
LIMITS = rules.Limits(max_nominees=2, max_attachments=1, max_attachment_bytes=10)
TODAY = date(2024, 1, 5)


def test_the_machine_goes_forward_and_back_only_where_drawn():
    check_transition("draft", "submitted")
    check_transition("returned", "submitted")
    check_transition("approved", "awarded")
    for current, target in [("draft", "accepted"), ("submitted", "sent"), ("sent", "awarded"),
                            ("awarded", "approved"), ("rejected", "approved"), ("returned", "accepted")]:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)
    assert not any(b == State.draft for _, b in TRANSITIONS)  # nothing goes back to draft


@pytest.mark.parametrize(("current", "nominees", "expected"), [
    ("draft", ["draft"], "draft"),
    ("submitted", ["submitted", "accepted"], "submitted"),
    ("submitted", ["accepted", "returned"], "returned"),
    ("submitted", ["accepted", "accepted"], "accepted"),
    ("accepted", ["sent", "sent"], "sent"),
    ("sent", ["approved", "sent"], "sent"),
    ("sent", ["approved", "rejected"], "approved"),
    ("sent", ["rejected", "rejected"], "rejected"),
    ("approved", ["awarded", "rejected"], "awarded"),
    ("approved", ["awarded", "approved"], "approved"),
])
def test_a_proposal_follows_its_nominees(current, nominees, expected):
    assert proposal_state(current, nominees) == State(expected)


def test_a_proposal_moves_through_legal_steps_only():
    assert path("returned", "accepted") == [State.submitted, State.accepted]
    assert path("approved", "approved") == []
    assert path("sent", "awarded") == [State.approved, State.awarded]
    with pytest.raises(InvalidTransition):
        path("awarded", "draft")


def test_names_are_searched_without_diacritics():
    assert rules.search_text("Nguyễn Văn An") == "nguyen van an"
    assert rules.search_text("  ĐỖ   Quang Đạt ") == "do quang dat"
    assert rules.search_text("Nguyễn Văn An") == rules.search_text("Nguyễn Văn An")  # NFD input
    assert rules.search_text("Sở Nội vụ tỉnh Ninh Bình") == "so noi vu tinh ninh binh"


def test_who_a_nominee_is_does_not_depend_on_spelling():
    a = rules.identity_key(kind="individual", name="Nguyễn Văn An", province_code="34", birth_date=date(1980, 5, 17))
    b = rules.identity_key(kind="individual", name="nguyen van  an", province_code="36", birth_date=date(1980, 5, 17))
    c = rules.identity_key(kind="individual", name="Nguyễn Văn An", province_code="34", birth_date=date(1981, 5, 17))
    assert a == b != c
    x = rules.identity_key(kind="collective", name="Văn phòng Sở", province_code="34", birth_date=None)
    y = rules.identity_key(kind="collective", name="Văn phòng Sở", province_code="36", birth_date=None)
    assert x != y  # every province has its own office


def test_eligibility_by_form_and_kind():
    with pytest.raises(rules.RuleError) as e:
        rules.check_form_open(FLAG)
    assert e.value.field == "form" and e.value.slug == "form-from-vote-only"
    with pytest.raises(rules.RuleError) as e:
        rules.check_nominee(FIGHTER, kind="collective", birth_date=None, fields={}, today=TODAY)
    assert e.value.field == "kind"
    with pytest.raises(rules.RuleError) as e:
        rules.check_nominee(MERIT, kind="individual", birth_date=None, fields={}, today=TODAY)
    assert e.value.field == "birth_date"
    with pytest.raises(rules.RuleError) as e:
        rules.check_nominee(MERIT, kind="individual", birth_date=date(1980, 1, 1), fields={}, today=TODAY)
    assert e.value.field == "fields.years_of_service"
    with pytest.raises(rules.RuleError) as e:
        rules.check_nominee(MERIT, kind="individual", birth_date=date(2030, 1, 1),
                            fields={"years_of_service": "20"}, today=TODAY)
    assert e.value.field == "birth_date"
    rules.check_nominee(MERIT, kind="individual", birth_date=date(1980, 1, 1), fields={"years_of_service": "20"},
                        today=TODAY)
    rules.check_nominee(MERIT, kind="collective", birth_date=None, fields={}, today=TODAY)


def test_limits_come_from_settings():
    rules.check_room(what="nominees", have=1, limits=LIMITS)
    with pytest.raises(rules.RuleError) as e:
        rules.check_room(what="nominees", have=2, limits=LIMITS)
    assert (e.value.field, e.value.slug) == ("nominees", "too-many")
    with pytest.raises(rules.RuleError):
        rules.check_room(what="attachments", have=1, limits=LIMITS)
    rules.check_size(10, LIMITS)
    for size in (0, 11):
        with pytest.raises(rules.RuleError):
            rules.check_size(size, LIMITS)


def test_decision_numbers_read_like_decree_30():
    assert rules.check_decision_number(" 1234/QĐ-BNV ") == "1234/QĐ-BNV"
    assert rules.check_decision_number("05/QĐ-BNV-TĐKT") == "05/QĐ-BNV-TĐKT"
    for bad in ("1234 / QĐ-BNV", "QĐ-BNV", "1234/BNV", "1234/QĐ BNV", "12a/QĐ-BNV"):
        with pytest.raises(rules.RuleError):
            rules.check_decision_number(bad)


def test_dates_read_like_decree_30():
    assert vietnamese_date(date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert vietnamese_date(date(2023, 12, 25)) == "ngày 25 tháng 12 năm 2023"
    assert vietnamese_date(date(2023, 3, 9)) == "ngày 09 tháng 3 năm 2023"


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in names.items():
            z.writestr(name, data)
    return out.getvalue()


def test_file_types_come_from_the_content():
    assert files.sniff(b"%PDF-1.7 ...", "bien-ban.pdf") == files.PDF
    assert files.sniff(b"\x89PNG\r\n\x1a\n....", "anh.PNG") == files.PNG
    assert files.sniff(b"\xff\xd8\xff\xe0....", "anh.jpeg") == files.JPEG
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert files.sniff(docx, "bao-cao.docx") == files.DOCX
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
    assert files.sniff(odt, "bao-cao.odt") == files.ODT
    assert files.sniff(files.OLE + b"....", "cu.doc") == files.DOC
    refused = [(b"<html><script>alert(1)</script>", "x.pdf"), (b"MZ\x90\x00", "setup.exe"),
               (b"%PDF-1.7", "bao-cao.docx"), (_zip({"a.txt": b"x"}), "x.docx"), (b"", "x.pdf"),
               (b"<svg onload=alert(1)>", "x.svg"), (files.OLE, "x.exe")]
    for content, name in refused:
        with pytest.raises(files.FileRejected):
            files.sniff(content, name)
