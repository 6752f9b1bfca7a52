"""Messages about vote rounds: opened, cast, closed, runoff, certified, approved, returned, paper ballots."""
from __future__ import annotations

from .. import routing as r
from .wording import Ctx, Template, clean, lead_phrase

# round.closed outcomes (the nominations tally's vocabulary): label, and whether the lead has a
# result to certify. An unknown outcome is shown as is and treated as certifiable.
_OUTCOMES: dict[str, tuple[dict[str, str], bool]] = {
    "proposed": ({"vi": "đã chọn được đơn vị đề nghị", "en": "units were chosen"}, True),
    "runoff_required": ({"vi": "có số phiếu ngang nhau, cần bỏ phiếu lại", "en": "a tie, a runoff is needed"}, False),
    "failed_quorum": ({"vi": "không đủ số đơn vị bỏ phiếu theo quy định", "en": "the quorum was not met"}, False),
}


def _round_opened(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    seats = c.text("seats")
    subject = c.t(f"Mở bỏ phiếu suy tôn {award_year} – {cluster}", f"Voting open: {award_year} – {cluster}")
    lines = [
        c.t(f"{cluster} đã mở vòng bỏ phiếu suy tôn {award_year}.",
            f"{cluster} has opened voting for the {award_year}."),
        c.t(f"Số đơn vị được suy tôn: {seats}.", f"Seats: {seats}.") if seats else "",
    ]
    action = c.vote_action() if c.among("electorate") else None
    return subject, lines, action


def _ballot_cast(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, voter = c.cluster(), c.text("voter_code")
    subject = c.t(f"Đã ghi nhận phiếu bầu – {cluster}", f"Ballot recorded – {cluster}")
    who = c.t(f"của đơn vị (mã tỉnh {voter}) ", f"of province {voter} ") if voter else ""
    lines = [
        c.t(f"Đã ghi nhận phiếu {who}trong vòng bỏ phiếu{c.year()} của {cluster}.",
            f"The ballot {who}in the{c.year()} round of {cluster} has been recorded."),
        c.t("Nội dung lá phiếu được giữ bí mật.", "How a unit voted is kept secret."),
    ]
    return subject, lines, None


def _outcome(c: Ctx) -> tuple[str | None, bool]:
    """The outcome in words, and whether there is a result to certify.

    ``outcome`` has one shape (``shared.contracts.nominations.RoundClosedV1``): the tally's word,
    ``"proposed"``, ``"runoff_required"`` or ``"failed_quorum"``; the proposed units are not part
    of the close. A word this service does not know yet is shown as is and treated as certifiable.
    """
    outcome = c.p.get("outcome")
    status = clean(outcome) if isinstance(outcome, str) else None
    if status is None:
        return None, True
    label, certifiable = _OUTCOMES.get(status, ({}, True))
    return label.get(c.lang, status), certifiable


def _round_closed(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    outcome, certifiable = _outcome(c)
    # The round's state, when the producer sends it, is the final word: a runoff that missed its
    # quorum is still "closed" with its parent's outright winners to certify.
    state = clean(c.p.get("state"))
    if state is not None:
        certifiable = state == "closed"
    subject = c.t(f"Kết thúc bỏ phiếu suy tôn {award_year} – {cluster}", f"Voting closed: {award_year} – {cluster}")
    lines = [
        c.t(f"Vòng bỏ phiếu suy tôn {award_year} của {cluster} đã kết thúc.",
            f"Voting for the {award_year} in {cluster} has closed."),
        c.t(f"Kết quả: {outcome}.", f"Outcome: {outcome}.") if outcome else "",
    ]
    action = None
    if certifiable and c.is_province(c.p.get("lead_code")):
        action = c.t("Kiểm tra và xác nhận kết quả bỏ phiếu", "Review and certify the result")
    elif c.among("electorate") and clean(c.p.get("outcome")) not in ("failed_quorum", "runoff_required"):
        # The ballots are published after a close that met its quorum: each voter checks its own
        # (after a tie, the runoff's own message asks it to vote again first).
        action = c.t("Đối chiếu biên nhận phiếu bầu của đơn vị với danh sách phiếu đã công bố",
                     "Check your ballot receipt against the published ballots")
    return subject, lines, action


def _runoff_created(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    tied = r.codes(c.p.get("tied"))
    subject = c.t(f"Bỏ phiếu lại suy tôn {award_year} – {cluster}", f"Runoff vote: {award_year} – {cluster}")
    lines = [
        c.t(f"Vòng bỏ phiếu suy tôn {award_year} của {cluster} có số phiếu ngang nhau",
            f"Voting for the {award_year} in {cluster} ended in a tie")
        + (c.t(" giữa các đơn vị (mã tỉnh): ", " between provinces ") + ", ".join(tied) if tied else "") + ".",
        c.t("Một vòng bỏ phiếu lại đã được mở.", "A runoff round has been opened."),
    ]
    action = c.vote_action() if c.among("electorate") else None
    return subject, lines, action


def _proposed_line(c: Ctx) -> str:
    return c.codes_line("proposed", "Đơn vị được đề nghị (mã tỉnh)", "Proposed (province codes)",
                        "Không có đơn vị nào được đề nghị.", "No unit is proposed.")


def _round_certified(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    subject = c.t(f"Trưởng cụm đã xác nhận kết quả suy tôn {award_year} – {cluster}",
                  f"Result certified: {award_year} – {cluster}")
    lines = [
        c.t(f"{lead_phrase(c)} đã xác nhận kết quả bỏ phiếu suy tôn {award_year} của {cluster} và trình Bộ Nội vụ.",
            f"{lead_phrase(c)} has certified the result of the vote for the {award_year} in {cluster}"
            " and submitted it to the Ministry of Home Affairs."),
        _proposed_line(c),
        "" if c.ministry else c.t("Kết quả đang chờ Bộ Nội vụ phê duyệt.",
                                  "The result awaits the ministry's approval."),
    ]
    action = c.t("Xem xét, phê duyệt hoặc trả lại kết quả", "Approve or return the result") if c.ministry else None
    return subject, lines, action


def _round_approved(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    subject = c.t(f"Bộ Nội vụ đã phê duyệt kết quả suy tôn {award_year} – {cluster}",
                  f"Result approved: {award_year} – {cluster}")
    lines = [
        c.t(f"Bộ Nội vụ đã phê duyệt kết quả suy tôn {award_year} của {cluster}.",
            f"The Ministry of Home Affairs has approved the result for the {award_year} in {cluster}."),
        _proposed_line(c),
    ]
    return subject, lines, None


def _round_returned(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    reason = c.text("reason")
    subject = c.t(f"Kết quả suy tôn {award_year} bị trả lại – {cluster}", f"Result returned: {award_year} – {cluster}")
    lines = [
        c.t(f"Bộ Nội vụ đã trả lại kết quả suy tôn {award_year} của {cluster}.",
            f"The Ministry of Home Affairs has returned the result for the {award_year} in {cluster}."),
        c.t(f"Lý do: {reason}", f"Reason: {reason}") if reason else "",
        _proposed_line(c),
    ]
    action = None
    if c.is_province(c.p.get("lead_code")):
        action = c.t("Xem lý do trả lại, hoàn thiện và trình lại kết quả",
                     "Read the reason, correct the result and submit it again")
    return subject, lines, action


def _paper_ballot_recorded(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year, ref = c.cluster(), c.award_year(), c.text("document_ref") or "—"
    voter = c.text("voter_code") or "—"
    subject = c.t(f"Phiếu bằng văn bản được nhập thay đơn vị: {award_year} – {cluster}",
                  f"A paper ballot was entered for your province: {award_year} – {cluster}")
    lines = [
        c.t(f"Đơn vị Trưởng cụm đã nhập phiếu bằng văn bản số {ref} thay cho đơn vị (mã tỉnh {voter}) "
            f"trong vòng bỏ phiếu suy tôn {award_year} của {cluster}.",
            f"The cluster lead entered paper ballot {ref} for province {voter} in the vote for the "
            f"{award_year} in {cluster}."),
        c.t("Nếu đơn vị không gửi văn bản này, hãy khiếu nại trước khi vòng bỏ phiếu kết thúc.",
            "If your province did not send this document, dispute it before the round closes."),
    ]
    action = None
    if c.is_province(c.p.get("voter_code")):
        action = c.t("Khiếu nại phiếu bằng văn bản (POST /v1/rounds/{round_id}/paper-ballot-disputes)",
                     "Dispute the paper ballot (POST /v1/rounds/{round_id}/paper-ballot-disputes)").replace(
            "{round_id}", c.text("round_id") or "…")
    return subject, lines, action


def _paper_ballot_disputed(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, ref, voter = c.cluster(), c.text("document_ref") or "—", c.text("voter_code") or "—"
    award_year = c.award_year()
    subject = c.t(f"Khiếu nại phiếu bằng văn bản: {award_year} – {cluster}",
                  f"Paper ballot disputed: {award_year} – {cluster}")
    lines = [
        c.t(f"Đơn vị mã tỉnh {voter} khiếu nại phiếu bằng văn bản số {ref} được nhập thay mình.",
            f"Province {voter} disputes paper ballot {ref} entered for it."),
        c.t(f"Lý do: {c.text('reason')}", f"Reason: {c.text('reason')}") if c.text("reason") else "",
        c.t("Kết quả chưa thể được xác nhận cho đến khi Bộ Nội vụ kết luận.",
            "The result cannot be certified until the Ministry rules."),
    ]
    action = c.t("Xem xét và kết luận khiếu nại", "Review and rule on the dispute") if c.ministry else None
    return subject, lines, action


def _paper_ballot_ruled(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, ref, voter = c.cluster(), c.text("document_ref") or "—", c.text("voter_code") or "—"
    stands = c.text("ruling") == "ballot_stands"
    award_year = c.award_year()
    subject = c.t(f"Kết luận khiếu nại phiếu bằng văn bản: {award_year} – {cluster}",
                  f"Ruling on a disputed paper ballot: {award_year} – {cluster}")
    lines = [
        c.t(f"Bộ Nội vụ kết luận về phiếu số {ref} của đơn vị mã tỉnh {voter}: "
            + ("phiếu được giữ nguyên." if stands else "phiếu không hợp lệ; cần tổ chức bỏ phiếu lại."),
            f"The Ministry ruled on paper ballot {ref} of province {voter}: "
            + ("the ballot stands." if stands else "the ballot is void; the vote must be held again.")),
        c.t(f"Ghi chú: {c.text('ruling_note')}", f"Note: {c.text('ruling_note')}") if c.text("ruling_note") else "",
    ]
    return subject, lines, None


TEMPLATES: dict[str, Template] = {
    r.ROUND_OPENED: _round_opened,
    r.BALLOT_CAST: _ballot_cast,  # routed to nobody today; kept so a vote receipt is one routing change away
    r.ROUND_CLOSED: _round_closed,
    r.RUNOFF_CREATED: _runoff_created,
    r.ROUND_CERTIFIED: _round_certified,
    r.ROUND_APPROVED: _round_approved,
    r.ROUND_RETURNED: _round_returned,
    r.PAPER_BALLOT_RECORDED: _paper_ballot_recorded,
    r.PAPER_BALLOT_DISPUTED: _paper_ballot_disputed,
    r.PAPER_BALLOT_RULED: _paper_ballot_ruled,
}
