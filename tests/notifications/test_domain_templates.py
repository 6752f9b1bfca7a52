"""Message templates: Vietnamese by default, English on request, one per event type."""
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
    render_reminder,
    supported_languages,
)

CLUSTER_NAME = "Cụm thi đua Sở Nội vụ phía Bắc"
CLUSTER = dict(cluster_code="NV-BAC", cluster_name=CLUSTER_NAME, year=2026)
ROUND = dict(round_id="r-1", **CLUSTER, award="government_flag", lead_code="22")
ELECTORATE = ["22", "37", "30"]
CLOSES = "2026-12-20T10:00:00+00:00"  # 17:00 in Hà Nội

MOVEMENT = dict(movement_id="7c1c0b1e-0000-4000-8000-000000000000", organiser_code="UBND-22",
                name="Phong trào thi đua “Quảng Ninh đoàn kết, đổi mới, phát triển” năm 2024")
PHASE = dict(**MOVEMENT, phase=1, phase_name="Đợt 1", starts_on="2024-01-01", ends_on="2024-06-30",
             report_deadline="2024-07-10", provinces=["22"])
MOVEMENT_PAYLOADS = {
    "nominations.movement.launched": dict(
        **MOVEMENT, kind="regular", organiser_name="Ủy ban nhân dân tỉnh Quảng Ninh", starts_on="2024-01-01",
        ends_on="2024-12-31", registration_deadline="2024-03-25", document_number="45/KH-UBND", units=15,
        provinces=["22"]),
    "nominations.movement.phase_started": PHASE,
    "nominations.movement.phase_ended": PHASE,
    "nominations.movement.registration_due": dict(**MOVEMENT, deadline="2024-03-25",
                                                  unregistered=["22013", "22014"], provinces=["22"]),
    "nominations.movement.model_recognised": dict(
        movement_id=MOVEMENT["movement_id"], movement_name="Phong trào thi đua “Dân vận khéo” năm 2026",
        model_id="8c1c0b1e-0000-4000-8000-000000000000", title="Mái ấm cho người nghèo", unit_code="22001",
        level="province", decision_number="35/QĐ-BCĐ", decision_date="2026-07-20", provinces=["22"]),
}

PAYLOADS = {
    "registry.leadership.rotated": dict(
        **CLUSTER, method="rotation", lead={"code": "22", "name": "Quảng Ninh"},
        deputy={"code": "37", "name": "Ninh Bình"},
        members=[{"code": "22", "name": "Quảng Ninh"}, {"code": "37", "name": "Ninh Bình"},
                 {"code": "30", "name": "Hải Dương"}]),
    "registry.province.merged": dict(
        successor={"code": "31", "name": "Hải Phòng"},
        sources=[{"code": "30", "name": "Hải Dương"}, {"code": "31", "name": "Hải Phòng"}],
        effective_date="2025-07-01"),
    "nominations.round.opened": dict(**ROUND, seats=2, closes_at=CLOSES, electorate=ELECTORATE),
    "nominations.round.ballot_cast": dict(round_id="r-1", cluster_code="NV-BAC", year=2026, voter_code="37"),
    "nominations.round.closed": dict(**ROUND, outcome="proposed", electorate=ELECTORATE),
    "nominations.round.runoff_created": dict(**ROUND, runoff_round_id="r-2", tied=["37", "30"],
                                             electorate=ELECTORATE, closes_at=CLOSES),
    "nominations.round.certified": dict(**ROUND, proposed=["37"], electorate=ELECTORATE),
    "nominations.round.approved": dict(**ROUND, proposed=["37"], electorate=ELECTORATE),
    "nominations.round.returned": dict(**ROUND, proposed=["37"], reason="Thiếu biên bản họp", electorate=ELECTORATE),
    "nominations.ranking.published": dict(**CLUSTER, snapshot_id="snap-9", lead_code="22", members=ELECTORATE),
    "nominations.commendation.returned": dict(
        **CLUSTER, proposal_id="p-1", nominee_id="n-1", nominee_name="Nguyễn Văn An", form_code="minister_certificate",
        form_name="Bằng khen của Bộ trưởng Bộ Nội vụ", province_code="37", lead_code="22",
        reason="Thiếu biên bản họp"),
    "nominations.commendation.sent": dict(**CLUSTER, lead_code="22", provinces=["22", "37"], proposals=["p-1"],
                                          nominees=3),
    "nominations.commendation.decided": dict(
        decision_id="d-1", number="1234/QĐ-BNV", signed_on="2027-01-05", year=2026, summary="Về việc khen thưởng",
        provinces=["22", "37"], leads=["22"], clusters=["NV-BAC"], awarded={"22": 1, "37": 2}, collectives=1, individuals=2),
    "registry.leadership.corrected": dict(
        **CLUSTER, method="correction", decided_method="rotation", lead={"code": "37", "name": "Ninh Bình"},
        deputy={"code": "30", "name": "Hải Dương"},
        previous={"lead": {"code": "22", "name": "Quảng Ninh"}, "deputy": {"code": "37", "name": "Ninh Bình"}},
        reason="Hội nghị bầu lại", members=[{"code": "22", "name": "Quảng Ninh"}, {"code": "37", "name": "Ninh Bình"},
                                             {"code": "30", "name": "Hải Dương"}]),
    "registry.period.members_changed": dict(
        **CLUSTER, effective_date="2026-04-01", added=[{"code": "01", "name": "Hà Nội"}],
        removed=[{"code": "30", "name": "Hải Dương"}], reason="Quyết định số 12/QĐ-BNV",
        members=[{"code": "22", "name": "Quảng Ninh"}, {"code": "01", "name": "Hà Nội"}]),
    "registry.cluster.updated": dict(
        **CLUSTER, organizer="Bộ Nội vụ", changes={"name": {"from": "Cụm cũ", "to": CLUSTER_NAME}},
        members=[{"code": "22", "name": "Quảng Ninh"}]),
    "registry.province.merger_undone": dict(
        successor={"code": "04", "name": "Cao Bằng mới"},
        sources=[{"code": "04", "name": "Cao Bằng"}, {"code": "11", "name": "Điện Biên"}], effective_date="2027-01-01"),
    "nominations.covenant.published": dict(**CLUSTER, version=2, amended=True, reason="Bổ sung tiêu chí chuyển đổi số",
                                           lead_code="22", members=ELECTORATE),
    "nominations.sheet.adjusted": dict(**CLUSTER, province="37", province_name="Ninh Bình", reviewer="22",
                                       adjustments=[{"criterion": "CDS", "points": 14, "reason": "Thiếu minh chứng"}]),
    "nominations.sheets.locked": dict(**CLUSTER, covenant_version=2, sheets=3, lead_code="22", members=ELECTORATE),
    "nominations.round.paper_ballot_recorded": dict(**ROUND, voter_code="37", document_ref="15/SNV-TĐKT",
                                                    closes_at=CLOSES),
    "nominations.round.paper_ballot_disputed": dict(**ROUND, voter_code="37", document_ref="15/SNV-TĐKT",
                                                    closes_at=CLOSES, reason="Sở không gửi văn bản này"),
    "nominations.round.paper_ballot_ruled": dict(**ROUND, voter_code="37", document_ref="15/SNV-TĐKT",
                                                 closes_at=CLOSES, ruling="ballot_void", ruling_note="Không có bản gốc"),
    **MOVEMENT_PAYLOADS,
}

WITH_AWARD = {t for t, p in PAYLOADS.items() if "award" in p}
WITH_CLUSTER_NAME = {t for t, p in PAYLOADS.items() if "cluster_name" in p}


def ev(type_: str, **payload) -> dict:
    return {"id": "5d1c0b1e-0000-4000-8000-000000000000", "type": type_, "version": 1,
            "occurred_at": "2026-12-01T03:00:00+00:00", "producer": type_.split(".")[0], "aggregate_id": "a",
            "payload": payload}


def event(type_: str, **overrides) -> dict:
    return ev(type_, **{**PAYLOADS[type_], **overrides})


def text(m: Message) -> str:
    return "\n".join([m.subject, m.body, m.action or ""])


def is_nfc(s: str) -> bool:
    return unicodedata.normalize("NFC", s) == s


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


# --- round opened: the headline case ----------------------------------------------------------------

def test_round_opened_vietnamese():
    m = render(event("nominations.round.opened"), recipient="province:37")
    assert m.action == "Bỏ phiếu trước 17:00 20/12/2026"
    assert "Cờ thi đua của Chính phủ" in m.subject
    assert "Cờ thi đua của Chính phủ năm 2026" in m.body
    assert "Bỏ phiếu trước 17:00 20/12/2026" in m.body
    assert f"{CLUSTER_NAME} (NV-BAC)" in m.subject
    assert "Số đơn vị được suy tôn: 2." in m.body
    assert "giờ Việt Nam" in m.body


def test_round_opened_english():
    m = render(event("nominations.round.opened"), language="en", recipient="province:37")
    assert m.action == "Vote before 17:00 20/12/2026"
    assert "Government emulation flag 2026" in m.subject
    assert "Vote before 17:00 20/12/2026" in m.body
    assert "Seats: 2." in m.body
    assert "Vietnam time" in m.body


def test_round_opened_without_deadline_is_voted_at_the_conference():
    m = render(event("nominations.round.opened", closes_at=None), recipient="province:22")
    assert m.action == "Bỏ phiếu tại hội nghị"
    assert "giờ Việt Nam" not in m.body
    en = render(event("nominations.round.opened", closes_at=None), language="en", recipient="province:22")
    assert en.action == "Vote at the conference"
    missing = dict(PAYLOADS["nominations.round.opened"])
    del missing["closes_at"]
    assert render(ev("nominations.round.opened", **missing), recipient="province:22").action == "Bỏ phiếu tại hội nghị"


def test_round_opened_only_voters_are_asked_to_vote():
    assert render(event("nominations.round.opened"), recipient="ministry").action is None
    assert render(event("nominations.round.opened"), recipient="province:99").action is None


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


# --- the other templates ---------------------------------------------------------------------------

class TestLeadershipRotated:
    def test_vietnamese(self):
        m = render(event("registry.leadership.rotated"), recipient="province:30")
        assert "Trưởng cụm: Quảng Ninh (22)." in m.body
        assert "Phó Trưởng cụm: Ninh Bình (37)." in m.body
        assert "theo hình thức luân phiên" in m.body
        assert "Hải Dương (30)" in m.body
        assert m.action is None

    def test_election(self):
        m = render(event("registry.leadership.rotated", method="election"), recipient="ministry")
        assert "theo hình thức bầu" in m.body
        en = render(event("registry.leadership.rotated", method="election"), language="en", recipient="ministry")
        assert "chosen by election" in en.body

    def test_lead_and_deputy_get_a_task(self):
        lead = render(event("registry.leadership.rotated"), recipient="province:22")
        assert lead.action == "Chủ trì, tổ chức hoạt động của Cụm năm 2026"
        deputy = render(event("registry.leadership.rotated"), recipient="province:37")
        assert deputy.action == "Phối hợp với Trưởng cụm tổ chức hoạt động của Cụm"
        en = render(event("registry.leadership.rotated"), language="en", recipient="province:22")
        assert en.action == "Lead the cluster's activities in 2026"
        assert "Lead: Quảng Ninh (22)." in en.body


class TestProvinceMerged:
    def test_vietnamese(self):
        m = render(event("registry.province.merged"), recipient="province:31")
        assert "Kể từ ngày 01/07/2025, Hải Dương (30), Hải Phòng (31) được hợp nhất thành Hải Phòng (31)." in m.body
        assert "Hải Phòng (31)" in m.subject
        assert m.action == "Kiểm tra tài khoản và thông tin cụm thi đua của đơn vị"

    def test_ministry_updates_clusters(self):
        assert render(event("registry.province.merged"), recipient="ministry").action == \
            "Cập nhật thành viên các cụm thi đua có liên quan"
        assert render(event("registry.province.merged"), language="en", recipient="ministry").action == \
            "Update the membership of the affected clusters"

    def test_english(self):
        m = render(event("registry.province.merged"), language="en", recipient="province:31")
        assert "From 01/07/2025, Hải Dương (30), Hải Phòng (31) are merged into Hải Phòng (31)." in m.body


def test_ballot_cast_never_says_how():
    m = render(event("nominations.round.ballot_cast", choices=["30"], ranking=["30", "22"]), recipient="province:37")
    assert "37" in m.body
    assert "30" not in text(m)
    assert "bí mật" in m.body
    assert m.action is None


class TestRoundClosed:
    def test_lead_certifies(self):
        m = render(event("nominations.round.closed"), recipient="province:22")
        assert m.action == "Kiểm tra và xác nhận kết quả bỏ phiếu"
        assert "Kết thúc bỏ phiếu suy tôn Cờ thi đua của Chính phủ năm 2026" in m.subject
        assert "Kết quả: đã chọn được đơn vị đề nghị." in m.body

    def test_ministry_only_follows(self):
        assert render(event("nominations.round.closed"), recipient="ministry").action is None

    def test_english(self):
        m = render(event("nominations.round.closed"), language="en", recipient="province:22")
        assert m.action == "Review and certify the result"
        assert "Outcome: units were chosen." in m.body

    @pytest.mark.parametrize("outcome, vi, en", [
        ("runoff_required", "ngang nhau", "runoff"),
        ("failed_quorum", "không đủ số đơn vị bỏ phiếu", "quorum was not met"),
    ])
    def test_nothing_to_certify(self, outcome, vi, en):
        m = render(event("nominations.round.closed", outcome=outcome), recipient="province:22")
        assert m.action is None
        assert vi in m.body
        assert en in render(event("nominations.round.closed", outcome=outcome), language="en",
                            recipient="province:22").body

    def test_a_runoff_that_missed_its_quorum_but_closed_is_certified(self):
        # The runoff proposes its parent's outright winners: the state, not the outcome, decides.
        m = render(event("nominations.round.closed", outcome="failed_quorum", state="closed"),
                   recipient="province:22")
        assert m.action == "Kiểm tra và xác nhận kết quả bỏ phiếu"
        assert "không đủ số đơn vị bỏ phiếu" in m.body
        final = render(event("nominations.round.closed", outcome="failed_quorum", state="failed_quorum"),
                       recipient="province:22")
        assert final.action is None

    @pytest.mark.parametrize("outcome, shown", [
        ("proposed", "đã chọn được đơn vị đề nghị"),
        ("failed_quorum", "không đủ số đơn vị bỏ phiếu theo quy định"),
        ("something_new", "something_new"),
    ])
    def test_outcome_shapes(self, outcome, shown):
        m = render(event("nominations.round.closed", outcome=outcome), recipient="ministry")
        assert f"Kết quả: {shown}." in m.body

    @pytest.mark.parametrize("outcome", [{"outcome": "proposed", "proposed": ["37", "30"]},
                                         {"status": "failed_quorum"}, ["37"]])
    def test_outcome_has_one_shape(self, outcome):
        # The contract (RoundClosedV1) carries the tally's word only; other shapes are not an outcome.
        m = render(event("nominations.round.closed", outcome=outcome), recipient="ministry")
        assert "Kết quả" not in m.body

    def test_missing_outcome(self):
        m = render(event("nominations.round.closed", outcome=None), recipient="ministry")
        assert "Kết quả" not in m.body


class TestRunoff:
    def test_voters_vote_again(self):
        m = render(event("nominations.round.runoff_created"), recipient="province:30")
        assert m.action == "Bỏ phiếu trước 17:00 20/12/2026"
        assert "37, 30" in m.body
        assert "Bỏ phiếu lại" in m.subject

    def test_ministry_is_informed(self):
        assert render(event("nominations.round.runoff_created"), recipient="ministry").action is None

    def test_english(self):
        m = render(event("nominations.round.runoff_created", closes_at=None), language="en", recipient="province:30")
        assert m.action == "Vote at the conference"
        assert "tie between provinces 37, 30" in m.body


class TestCertifiedApprovedReturned:
    def test_certified_ministry_decides(self):
        m = render(event("nominations.round.certified"), recipient="ministry")
        assert m.action == "Xem xét, phê duyệt hoặc trả lại kết quả"
        assert "Đơn vị được đề nghị (mã tỉnh): 37." in m.body
        assert "Trưởng cụm (mã tỉnh 22)" in m.body

    def test_certified_others_wait(self):
        m = render(event("nominations.round.certified"), recipient="province:30")
        assert m.action is None
        assert "chờ Bộ Nội vụ phê duyệt" in m.body

    def test_approved(self):
        m = render(event("nominations.round.approved"), recipient="province:37")
        assert m.action is None
        assert "Bộ Nội vụ đã phê duyệt" in m.subject
        en = render(event("nominations.round.approved"), language="en", recipient="province:37")
        assert en.subject.startswith("Result approved: Government emulation flag 2026")

    def test_returned_lead_resubmits_with_reason(self):
        m = render(event("nominations.round.returned"), recipient="province:22")
        assert m.action == "Xem lý do trả lại, hoàn thiện và trình lại kết quả"
        assert "Lý do: Thiếu biên bản họp" in m.body
        assert "bị trả lại" in m.subject
        assert render(event("nominations.round.returned"), recipient="province:30").action is None
        assert render(event("nominations.round.returned"), recipient="ministry").action is None

    def test_nobody_proposed(self):
        m = render(event("nominations.round.approved", proposed=[]), recipient="ministry")
        assert "Không có đơn vị nào được đề nghị." in m.body


class TestRankingPublished:
    def test_members_review(self):
        m = render(event("nominations.ranking.published"), recipient="province:30")
        assert m.action == "Xem bảng xếp hạng và kết quả của đơn vị"
        assert "Công bố bảng xếp hạng thi đua năm 2026" in m.subject
        assert "snap-9" in m.body

    def test_ministry_informed(self):
        assert render(event("nominations.ranking.published"), recipient="ministry").action is None


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


# --- reminders ---------------------------------------------------------------------------------------------

REMINDER_ROUND = dict(round_id="r-1", cluster_code="NV-BAC", cluster_name=CLUSTER_NAME, year=2026,
                      award="ministry_flag", closes_at=CLOSES)


def test_reminder_vietnamese():
    m = render_reminder(round=REMINDER_ROUND, recipient="province:37")
    assert m.subject == f"Nhắc bỏ phiếu: Cờ thi đua của Bộ Nội vụ năm 2026 – {CLUSTER_NAME} (NV-BAC)"
    assert m.action == "Bỏ phiếu trước 17:00 20/12/2026"
    assert "mã tỉnh 37" in m.body
    assert m.language == "vi"
    assert is_nfc(m.subject) and is_nfc(m.body)


def test_reminder_english():
    m = render_reminder(round=REMINDER_ROUND, language="en", recipient="province:37")
    assert m.subject == f"Reminder to vote: Ministry emulation flag 2026 – {CLUSTER_NAME} (NV-BAC)"
    assert m.action == "Vote before 17:00 20/12/2026"


def test_reminder_without_deadline():
    m = render_reminder(round={**REMINDER_ROUND, "closes_at": None}, recipient="province:37")
    assert m.action == "Bỏ phiếu tại hội nghị"


def test_reminder_errors():
    with pytest.raises(ValueError):
        render_reminder(round=REMINDER_ROUND, language="de", recipient="province:37")
    with pytest.raises(ValueError):
        render_reminder(round=REMINDER_ROUND, recipient="nobody")
    assert render_reminder(round={}, recipient="ministry").subject.startswith("Nhắc bỏ phiếu:")


class TestTheYearsMessages:
    def test_a_member_reads_the_reason_its_sheet_was_adjusted(self):
        m = render(event("nominations.sheet.adjusted"), recipient="province:37")
        assert "Tiêu chí CDS: 14 điểm. Lý do: Thiếu minh chứng" in m.body and m.action
        en = render(event("nominations.sheet.adjusted"), language="en", recipient="province:37")
        assert "Criterion CDS: 14 points. Reason: Thiếu minh chứng" in en.body

    def test_an_amended_covenant_asks_members_to_submit_again(self):
        m = render(event("nominations.covenant.published"), recipient="province:37")
        assert m.subject.startswith("Sửa đổi giao ước thi đua năm 2026") and "Bổ sung tiêu chí" in m.body
        assert "nộp lại" in m.action
        assert render(event("nominations.covenant.published"), recipient="ministry").action is None

    def test_a_removed_member_learns_its_sheet_is_no_longer_ranked(self):
        m = render(event("registry.period.members_changed"), recipient="province:30")
        assert "Kể từ ngày 01/04/2026" in m.body and "Quyết định số 12/QĐ-BNV" in m.body
        assert "không được xếp hạng" in m.action
        assert "Join" in render(event("registry.period.members_changed"), language="en", recipient="province:01").action

    def test_a_closed_vote_asks_voters_to_check_their_receipts(self):
        m = render(event("nominations.round.closed"), recipient="province:37")
        assert "biên nhận" in m.action
        failed = render(event("nominations.round.closed", outcome="failed_quorum", state="failed_quorum"),
                        recipient="province:37")
        assert failed.action is None  # nothing is published when the quorum was missed

    def test_a_corrected_leadership_names_the_method_and_the_reason(self):
        m = render(event("registry.leadership.corrected"), recipient="province:37")
        assert "Bộ Nội vụ đã điều chỉnh" in m.body and "Lý do: Hội nghị bầu lại" in m.body
        assert "(thay Quảng Ninh (22))" in m.body and m.action
