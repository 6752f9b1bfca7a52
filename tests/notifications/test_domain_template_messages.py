"""Message templates, what each message says: per event type, who is asked to do what, and the
vote reminder."""
from __future__ import annotations

import pytest

from services.notifications.domain.templates import (
    render,
    render_reminder,
)
from tests.notifications.template_cases import (
    CLOSES,
    CLUSTER_NAME,
    PAYLOADS,
    ev,
    event,
    is_nfc,
    text,
)

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
