"""The message each recipient reads: one template per event type. Pure, no I/O.

:func:`render` turns an event envelope into a :class:`Message` for one recipient (``"ministry"``
or ``"province:<code>"``, see :mod:`.routing`), in Vietnamese (the default) or English. Every
message names the cluster (its name and code), the year and the award where the event has them,
and says what the reader must do: :attr:`Message.action` is that call to action (``None`` when
the message is for information only), repeated as the body's last line. The action depends on
the recipient: after ``nominations.round.closed`` the lead must certify the result while the
ministry only follows it.

Text rules
----------
- Output is NFC (``unicodedata.normalize("NFC", ...)``), whatever the normalisation of the
  payload's names.
- Times (``closes_at``) are shown in Vietnam time (``Asia/Ho_Chi_Minh``, UTC+7, no daylight
  saving) as ``HH:MM DD/MM/YYYY``; a time without an offset is taken as UTC. A round without
  ``closes_at`` is voted at the cluster's conference. Dates show as ``DD/MM/YYYY``.
- Award codes show as their labels (:data:`AWARD_LABELS`); an unknown code shows as is.
- The subject is one line (whitespace, newlines included, collapsed): it becomes an e-mail header.
- Missing payload fields are left out of the text rather than failing (a missing list is empty).

:func:`render_reminder` renders the vote reminder the reminder job sends (it is not an event).
An unknown event type raises :class:`KeyError`; an unsupported language or a malformed recipient
raises :class:`ValueError`.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import movement_templates
from . import routing as r

try:  # Vietnam has kept UTC+7 without daylight saving since 1975: the fixed offset is exact.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    VIETNAM_TZ: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except (ImportError, ZoneInfoNotFoundError):  # pragma: no cover - systems without tz data
    VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

LANGUAGES: tuple[str, ...] = ("vi", "en")

AWARD_LABELS: dict[str, dict[str, str]] = {
    "government_flag": {"vi": "Cờ thi đua của Chính phủ", "en": "Government emulation flag"},
    "ministry_flag": {"vi": "Cờ thi đua của Bộ Nội vụ", "en": "Ministry emulation flag"},
    "certificate_of_merit": {"vi": "Bằng khen", "en": "Certificate of merit"},
}

_METHODS = {
    "rotation": {"vi": "luân phiên", "en": "rotation"},
    "election": {"vi": "bầu", "en": "election"},
    "correction": {"vi": "điều chỉnh của Bộ Nội vụ", "en": "the ministry's correction"},
}

# round.closed outcomes (the nominations tally's vocabulary): label, and whether the lead has a
# result to certify. An unknown outcome is shown as is and treated as certifiable.
_OUTCOMES: dict[str, tuple[dict[str, str], bool]] = {
    "proposed": ({"vi": "đã chọn được đơn vị đề nghị", "en": "units were chosen"}, True),
    "runoff_required": ({"vi": "có số phiếu ngang nhau, cần bỏ phiếu lại", "en": "a tie, a runoff is needed"}, False),
    "failed_quorum": ({"vi": "không đủ số đơn vị bỏ phiếu theo quy định", "en": "the quorum was not met"}, False),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    action: str | None  #: what the reader must do; None when the message is for information only
    language: str


def supported_languages() -> tuple[str, ...]:
    return LANGUAGES


def _language(language: str) -> str:
    """``"vi"``, ``"en"``; ``"en-US"``/``"VI_vn"`` → their primary subtag. Else ValueError."""
    if isinstance(language, str):
        primary = language.strip().replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    raise ValueError(f"unsupported language {language!r}: expected one of {', '.join(LANGUAGES)}")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- formatting -------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    """A non-blank display string, or None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def format_deadline(value: Any) -> str | None:
    """``closes_at`` (ISO string or datetime) as ``HH:MM DD/MM/YYYY`` Vietnam time.

    ``None``/blank → ``None``. A naive time is taken as UTC. An unreadable string is shown as is.
    """
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return str(value).strip()
    if not isinstance(value, dt.datetime):
        return _text(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return str(value.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y"))


def format_date(value: Any) -> str | None:
    """An ISO date (or datetime) as ``DD/MM/YYYY``; unreadable → as is; missing → None."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            try:
                value = dt.datetime.fromisoformat(text).date()
            except ValueError:
                return text
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return _text(value)


def award_label(award: Any, language: str = "vi") -> str | None:
    language = _language(language)
    text = _text(award)
    if text is None:
        return None
    return AWARD_LABELS.get(text, {}).get(language, text)


def _unit(value: Any) -> str | None:
    """``{code, name}`` → ``"Name (code)"``; a bare code → the code."""
    if isinstance(value, Mapping):
        name, code = _text(value.get("name")), _text(value.get("code"))
        if name and code:
            return f"{name} ({code})"
        return name or code
    return _text(value)


def _units(value: Any) -> list[str]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        return []
    return [u for u in (_unit(v) for v in value) if u]


class _Ctx:
    """One rendering: the payload, the language and who reads it."""

    def __init__(self, payload: Mapping[str, Any], language: str, recipient: str):
        self.p = payload
        self.lang = language
        self.kind, self.code = r.parse_recipient(recipient)
        self.deadline_shown = False

    def t(self, vi: str, en: str) -> str:
        return vi if self.lang == "vi" else en

    def text(self, key: str) -> str | None:
        return _text(self.p.get(key))

    @property
    def ministry(self) -> bool:
        return self.kind == r.MINISTRY

    def is_province(self, value: Any) -> bool:
        return self.kind == "province" and self.code is not None and self.code in r.codes([value])

    def among(self, key: str) -> bool:
        return self.kind == "province" and self.code in r.codes(self.p.get(key))

    def cluster(self) -> str:
        name, code = self.text("cluster_name"), self.text("cluster_code")
        if name and code:
            return f"{name} ({code})"
        if name:
            return name
        if code:
            return self.t(f"Cụm thi đua {code}", f"Cluster {code}")
        return self.t("Cụm thi đua", "The cluster")

    def award_year(self) -> str:
        """``"Cờ thi đua của Chính phủ năm 2026"`` / ``"Government emulation flag 2026"``."""
        award = award_label(self.p.get("award"), self.lang) or self.t("danh hiệu thi đua", "emulation award")
        year = self.text("year")
        if not year:
            return award
        return self.t(f"{award} năm {year}", f"{award} {year}")

    def year(self, *, vi: str = " năm ", en: str = " ") -> str:
        """``" năm 2026"`` / ``" 2026"`` (with the given English preposition), or ``""`` without a year."""
        year = self.text("year")
        return self.t(vi, en) + year if year else ""

    def codes_line(self, key: str, vi_label: str, en_label: str, vi_none: str, en_none: str) -> str:
        items = r.codes(self.p.get(key))
        if not items:
            return self.t(vi_none, en_none)
        return self.t(vi_label, en_label) + ": " + ", ".join(items) + "."

    def vote_action(self, key: str = "closes_at") -> str:
        deadline = format_deadline(self.p.get(key))
        if deadline is None:
            return self.t("Bỏ phiếu tại hội nghị", "Vote at the conference")
        self.deadline_shown = True
        return self.t(f"Bỏ phiếu trước {deadline}", f"Vote before {deadline}")


_Template = Callable[[_Ctx], tuple[str, list[str], str | None]]


def _finish(ctx: _Ctx, subject: str, lines: list[str], action: str | None) -> Message:
    lines = [line for line in lines if line]
    if action:
        lines.append(ctx.t(f"Việc cần làm: {action}.", f"To do: {action}."))
        if ctx.deadline_shown:
            lines.append(ctx.t("Thời gian theo giờ Việt Nam (UTC+7).", "Times are Vietnam time (UTC+7)."))
    else:
        lines.append(ctx.t("Thông báo để biết, không cần thao tác.", "For your information; no action is needed."))
    return Message(
        subject=_nfc(" ".join(subject.split())),  # one line: it becomes an e-mail header
        body=_nfc("\n".join(lines)),
        action=_nfc(action) if action else None,
        language=ctx.lang,
    )


# --- the templates ------------------------------------------------------------------------------

def _leadership_rotated(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    lead, deputy = _unit(c.p.get("lead")), _unit(c.p.get("deputy"))
    method = _METHODS.get(c.text("method") or "", {}).get(c.lang)
    members = _units(c.p.get("members"))
    subject = c.t(f"Trưởng cụm, Phó Trưởng cụm{year} – {cluster}",
                  f"Cluster lead and deputy{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"{cluster} đã xác định Trưởng cụm và Phó Trưởng cụm{year}"
            + (f" theo hình thức {method}." if method else "."),
            f"{cluster} has its lead and deputy{c.year(en=' for ')}" + (f", chosen by {method}." if method else ".")),
        c.t(f"Trưởng cụm: {lead}.", f"Lead: {lead}.") if lead else "",
        c.t(f"Phó Trưởng cụm: {deputy}.", f"Deputy: {deputy}.") if deputy else "",
        c.t("Thành viên: ", "Members: ") + "; ".join(members) + "." if members else "",
    ]
    return subject, lines, _leadership_action(c, year)


def _leadership_action(c: _Ctx, year: str) -> str | None:
    """What the recipient is asked to do when the leadership names it: lead, or support the lead."""
    if c.is_province(c.p.get("lead")):
        return c.t(f"Chủ trì, tổ chức hoạt động của Cụm{year}", f"Lead the cluster's activities{c.year(en=' in ')}")
    if c.is_province(c.p.get("deputy")):
        return c.t("Phối hợp với Trưởng cụm tổ chức hoạt động của Cụm", "Support the lead in running the cluster")
    return None


def _province_merged(c: _Ctx) -> tuple[str, list[str], str | None]:
    successor = _unit(c.p.get("successor")) or c.t("đơn vị mới", "a new province")
    sources = _units(c.p.get("sources"))
    date = format_date(c.p.get("effective_date"))
    subject = c.t(f"Hợp nhất đơn vị hành chính thành {successor}", f"Provinces merged into {successor}")
    merged = ", ".join(sources) if sources else c.t("Các đơn vị", "Provinces")
    lines = [
        c.t(f"Kể từ ngày {date}, " if date else "", f"From {date}, " if date else "")
        + c.t(f"{merged} được hợp nhất thành {successor}.", f"{merged} are merged into {successor}.")
    ]
    action = None
    if c.ministry:
        action = c.t("Cập nhật thành viên các cụm thi đua có liên quan",
                     "Update the membership of the affected clusters")
    elif c.is_province(c.p.get("successor")):
        action = c.t("Kiểm tra tài khoản và thông tin cụm thi đua của đơn vị",
                     "Check your account and your cluster membership")
    return subject, lines, action


def _round_opened(c: _Ctx) -> tuple[str, list[str], str | None]:
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


def _ballot_cast(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, voter = c.cluster(), c.text("voter_code")
    subject = c.t(f"Đã ghi nhận phiếu bầu – {cluster}", f"Ballot recorded – {cluster}")
    who = c.t(f"của đơn vị (mã tỉnh {voter}) ", f"of province {voter} ") if voter else ""
    lines = [
        c.t(f"Đã ghi nhận phiếu {who}trong vòng bỏ phiếu{c.year()} của {cluster}.",
            f"The ballot {who}in the{c.year()} round of {cluster} has been recorded."),
        c.t("Nội dung lá phiếu được giữ bí mật.", "How a unit voted is kept secret."),
    ]
    return subject, lines, None


def _outcome(c: _Ctx) -> tuple[str | None, bool]:
    """The outcome in words, and whether there is a result to certify.

    ``outcome`` has one shape (``shared.contracts.nominations.RoundClosedV1``): the tally's word,
    ``"proposed"``, ``"runoff_required"`` or ``"failed_quorum"``; the proposed units are not part
    of the close. A word this service does not know yet is shown as is and treated as certifiable.
    """
    outcome = c.p.get("outcome")
    status = _text(outcome) if isinstance(outcome, str) else None
    if status is None:
        return None, True
    label, certifiable = _OUTCOMES.get(status, ({}, True))
    return label.get(c.lang, status), certifiable


def _round_closed(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    outcome, certifiable = _outcome(c)
    # The round's state, when the producer sends it, is the final word: a runoff that missed its
    # quorum is still "closed" with its parent's outright winners to certify.
    state = _text(c.p.get("state"))
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
    elif c.among("electorate") and _text(c.p.get("outcome")) not in ("failed_quorum", "runoff_required"):
        # The ballots are published after a close that met its quorum: each voter checks its own
        # (after a tie, the runoff's own message asks it to vote again first).
        action = c.t("Đối chiếu biên nhận phiếu bầu của đơn vị với danh sách phiếu đã công bố",
                     "Check your ballot receipt against the published ballots")
    return subject, lines, action


def _runoff_created(c: _Ctx) -> tuple[str, list[str], str | None]:
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


def _proposed_line(c: _Ctx) -> str:
    return c.codes_line("proposed", "Đơn vị được đề nghị (mã tỉnh)", "Proposed (province codes)",
                        "Không có đơn vị nào được đề nghị.", "No unit is proposed.")


def _lead_phrase(c: _Ctx) -> str:
    lead = c.text("lead_code")
    return c.t(f"Trưởng cụm (mã tỉnh {lead})" if lead else "Trưởng cụm",
               f"The cluster lead (province {lead})" if lead else "The cluster lead")


def _round_certified(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    subject = c.t(f"Trưởng cụm đã xác nhận kết quả suy tôn {award_year} – {cluster}",
                  f"Result certified: {award_year} – {cluster}")
    lines = [
        c.t(f"{_lead_phrase(c)} đã xác nhận kết quả bỏ phiếu suy tôn {award_year} của {cluster} và trình Bộ Nội vụ.",
            f"{_lead_phrase(c)} has certified the result of the vote for the {award_year} in {cluster}"
            " and submitted it to the Ministry of Home Affairs."),
        _proposed_line(c),
        "" if c.ministry else c.t("Kết quả đang chờ Bộ Nội vụ phê duyệt.",
                                  "The result awaits the ministry's approval."),
    ]
    action = c.t("Xem xét, phê duyệt hoặc trả lại kết quả", "Approve or return the result") if c.ministry else None
    return subject, lines, action


def _round_approved(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, award_year = c.cluster(), c.award_year()
    subject = c.t(f"Bộ Nội vụ đã phê duyệt kết quả suy tôn {award_year} – {cluster}",
                  f"Result approved: {award_year} – {cluster}")
    lines = [
        c.t(f"Bộ Nội vụ đã phê duyệt kết quả suy tôn {award_year} của {cluster}.",
            f"The Ministry of Home Affairs has approved the result for the {award_year} in {cluster}."),
        _proposed_line(c),
    ]
    return subject, lines, None


def _round_returned(c: _Ctx) -> tuple[str, list[str], str | None]:
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


def _paper_ballot_recorded(c: _Ctx) -> tuple[str, list[str], str | None]:
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


def _paper_ballot_disputed(c: _Ctx) -> tuple[str, list[str], str | None]:
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


def _paper_ballot_ruled(c: _Ctx) -> tuple[str, list[str], str | None]:
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


def _ranking_published(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster = c.cluster()
    snapshot = c.text("snapshot_id")
    subject = c.t(f"Công bố bảng xếp hạng thi đua{c.year()} – {cluster}",
                  f"Ranking published{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"Bảng xếp hạng thi đua{c.year()} của {cluster} đã được công bố.",
            f"The{c.year()} ranking of {cluster} has been published."),
        c.t(f"Mã bảng xếp hạng: {snapshot}.", f"Ranking reference: {snapshot}.") if snapshot else "",
    ]
    action = None
    if c.among("members"):
        action = c.t("Xem bảng xếp hạng và kết quả của đơn vị", "Review the ranking and your province's result")
    return subject, lines, action


def _form(c: _Ctx) -> str:
    return c.text("form_name") or c.t("hình thức khen thưởng", "the award")


def _commendation_returned(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, name, reason = c.cluster(), c.text("nominee_name"), c.text("reason")
    who = name or c.t("một đối tượng", "a nominee")
    subject = c.t(f"Trưởng cụm trả lại đề nghị khen thưởng {who} – {cluster}",
                  f"Nominee returned: {who} – {cluster}")
    lines = [
        c.t(f"{_lead_phrase(c)} đã trả lại đề nghị {_form(c)}{c.year()} đối với {who}.",
            f"{_lead_phrase(c)} returned the proposal of {who} for {_form(c)}{c.year(en=' ')}."),
        c.t(f"Lý do: {reason}", f"Reason: {reason}") if reason else "",
    ]
    action = None
    if c.is_province(c.p.get("province_code")):
        action = c.t("Hoàn thiện hồ sơ và gửi lại, hoặc rút đề nghị", "Complete the file and resubmit, or withdraw it")
    return subject, lines, action


def _commendation_sent(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, count = c.cluster(), c.text("nominees")
    subject = c.t(f"Cụm thi đua trình danh sách đề nghị khen thưởng{c.year()} – {cluster}",
                  f"Award list sent to the ministry{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"{_lead_phrase(c)} đã trình Bộ Nội vụ danh sách đề nghị khen thưởng{c.year()} của {cluster}"
            + (f" gồm {count} tập thể, cá nhân." if count else "."),
            f"{_lead_phrase(c)} sent the{c.year()} award list of {cluster} to the ministry"
            + (f" ({count} nominees)." if count else ".")),
        c.codes_line("provinces", "Đơn vị có đề nghị (mã tỉnh)", "Proposing provinces (codes)", "", ""),
    ]
    action = c.t("Thẩm định, đồng ý hoặc không đồng ý từng đối tượng", "Review each nominee") if c.ministry else None
    return subject, lines, action


def _commendation_decided(c: _Ctx) -> tuple[str, list[str], str | None]:
    number, signed = c.text("number"), format_date(c.p.get("signed_on"))
    collectives, individuals = c.text("collectives") or "0", c.text("individuals") or "0"
    numbered = f" số {number}" if number else ""
    subject = c.t(f"Quyết định khen thưởng{numbered}", "Award decision" + (f" {number}" if number else ""))
    awarded = c.p.get("awarded")
    mine = awarded.get(c.code) if isinstance(awarded, Mapping) and c.code else None
    clusters = r.codes(c.p.get("clusters"))
    lines = [
        c.t(f"Bộ Nội vụ đã ban hành Quyết định{numbered}" + (f" ngày {signed}" if signed else "")
            + f" khen thưởng {collectives} tập thể và {individuals} cá nhân{c.year(vi=' năm ')}.",
            "The Ministry of Home Affairs issued decision" + (f" {number}" if number else "")
            + (f" of {signed}" if signed else "")
            + f" awarding {collectives} collectives and {individuals} individuals{c.year(en=' for ')}."),
        c.t("Cụm thi đua: ", "Clusters: ") + ", ".join(clusters) + "." if clusters else "",
        c.t(f"Đơn vị có {mine} tập thể, cá nhân được khen thưởng.",
            f"{mine} of your collectives and individuals are awarded.") if mine else "",
        c.t("Danh sách được công bố trong Sổ khen thưởng.", "The list is published in the award register."),
    ]
    action = None
    if c.among("provinces"):
        action = c.t("Tổ chức trao tặng và thông báo cho các tập thể, cá nhân được khen thưởng",
                     "Hand the awards over and tell the collectives and individuals awarded")
    return subject, lines, action


def _reason_line(c: _Ctx) -> str:
    reason = c.text("reason")
    return c.t(f"Lý do: {reason}", f"Reason: {reason}") if reason else ""


def _leadership_corrected(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    lead, deputy = _unit(c.p.get("lead")), _unit(c.p.get("deputy"))
    raw = c.p.get("previous")
    previous: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    before = _unit(previous.get("lead"))
    subject = c.t(f"Điều chỉnh Trưởng cụm, Phó Trưởng cụm{year} – {cluster}",
                  f"Cluster lead and deputy corrected{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"Bộ Nội vụ đã điều chỉnh Trưởng cụm, Phó Trưởng cụm{year} của {cluster}.",
            f"The ministry corrected the lead and deputy of {cluster}{c.year(en=' for ')}."),
        c.t(f"Trưởng cụm: {lead}", f"Lead: {lead}") + (c.t(f" (thay {before}).", f" (replacing {before}).")
                                                        if before else ".") if lead else "",
        c.t(f"Phó Trưởng cụm: {deputy}.", f"Deputy: {deputy}.") if deputy else "",
        _reason_line(c),
    ]
    return subject, lines, _leadership_action(c, year)


def _members_changed(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    date = format_date(c.p.get("effective_date"))
    added, removed = _units(c.p.get("added")), _units(c.p.get("removed"))
    subject = c.t(f"Điều chỉnh thành viên{year} – {cluster}", f"Members changed{c.year(en=' for ')} – {cluster}")
    since = c.t(f"Kể từ ngày {date}, ", f"From {date}, ") if date else ""
    lines = [
        since + c.t(f"{cluster} điều chỉnh thành viên{year}.", f"{cluster} changes its members{c.year(en=' for ')}."),
        c.t("Bổ sung: ", "Joining: ") + "; ".join(added) + "." if added else "",
        c.t("Không còn là thành viên: ", "Leaving: ") + "; ".join(removed) + "." if removed else "",
        _reason_line(c),
    ]
    action = None
    if c.among("added"):
        action = c.t("Tham gia hoạt động của cụm và chấm điểm theo giao ước", "Join the cluster's work and score "
                     "yourself against its covenant")
    elif c.among("removed"):
        action = c.t("Lưu ý: phiếu chấm điểm của đơn vị được giữ lại nhưng không được xếp hạng trong cụm",
                     "Note: your score sheet is kept but no longer ranked in this cluster")
    return subject, lines, action


def _cluster_updated(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster = c.cluster()
    raw = c.p.get("changes")
    changes: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    labels = {"name": c.t("Tên cụm", "Name"), "organizer": c.t("Cơ quan tổ chức", "Organizer"),
              "allow_shared_members": c.t("Cho phép thành viên tham gia cụm cùng loại khác",
                                          "Members may sit in another cluster of its kind")}
    lines = [c.t(f"Thông tin của {cluster} đã được cập nhật" + (f" (áp dụng cho năm {c.text('year')})." if c.text("year")
                                                                 else "."),
                 f"The details of {cluster} have changed" + (f" (from {c.text('year')})." if c.text("year") else "."))]
    for key, change in changes.items():
        if isinstance(change, Mapping) and key in labels:
            lines.append(f"{labels[key]}: {_text(change.get('from'))} → {_text(change.get('to'))}.")
    subject = c.t(f"Cập nhật thông tin cụm thi đua – {cluster}", f"Cluster details changed – {cluster}")
    return subject, lines, None


def _merger_undone(c: _Ctx) -> tuple[str, list[str], str | None]:
    successor = _unit(c.p.get("successor")) or c.t("đơn vị mới", "the new province")
    sources = _units(c.p.get("sources"))
    subject = c.t(f"Hủy hợp nhất đơn vị hành chính {successor}", f"Merger into {successor} undone")
    lines = [c.t(f"Việc hợp nhất thành {successor} đã được hủy; ", f"The merger into {successor} was undone; ")
             + c.t("các đơn vị trước đó tiếp tục hoạt động: ", "the former units are in force again: ")
             + ", ".join(sources) + "."]
    action = c.t("Kiểm tra lại thành viên các cụm thi đua có liên quan", "Check the affected clusters' members") \
        if c.ministry else None
    return subject, lines, action


def _covenant_published(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, year, version = c.cluster(), c.year(), c.text("version")
    amended = c.p.get("amended") is True
    if amended:
        subject = c.t(f"Sửa đổi giao ước thi đua{year} – {cluster}", f"Covenant amended{c.year(en=' for ')} – {cluster}")
        first = c.t(f"{cluster} đã ban hành bản sửa đổi giao ước thi đua{year}"
                    + (f" (phiên bản {version})." if version else "."),
                    f"{cluster} published an amendment to its{c.year()} covenant"
                    + (f" (version {version})." if version else "."))
    else:
        subject = c.t(f"Giao ước thi đua{year} – {cluster}", f"Covenant{c.year(en=' for ')} – {cluster}")
        first = c.t(f"{cluster} đã ban hành giao ước thi đua{year}.", f"{cluster} published its{c.year()} covenant.")
    lines = [first, _reason_line(c) if amended else ""]
    action = None
    if c.among("members") or c.is_province(c.p.get("lead_code")):
        action = c.t("Kiểm tra lại và nộp lại phiếu tự chấm điểm theo giao ước mới", "Check your score sheet against "
                     "the amended covenant and submit it again") if amended else \
            c.t("Tự chấm điểm theo giao ước và nộp phiếu chấm điểm", "Score yourself against the covenant and submit")
    return subject, lines, action


def _sheet_adjusted(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    subject = c.t(f"Phiếu chấm điểm được điều chỉnh{year} – {cluster}",
                  f"Score sheet adjusted{c.year(en=' for ')} – {cluster}")
    lines = [c.t(f"Khi thẩm định chéo, phiếu chấm điểm{year} của đơn vị tại {cluster} đã được điều chỉnh:",
                 f"The cross-check of your{c.year()} score sheet in {cluster} adjusted it:")]
    adjustments = c.p.get("adjustments")
    for a in adjustments if isinstance(adjustments, list) else []:
        if isinstance(a, Mapping):
            lines.append(c.t(f"- Tiêu chí {_text(a.get('criterion'))}: {_text(a.get('points'))} điểm. "
                             f"Lý do: {_text(a.get('reason'))}",
                             f"- Criterion {_text(a.get('criterion'))}: {_text(a.get('points'))} points. "
                             f"Reason: {_text(a.get('reason'))}"))
    action = c.t("Xem các điều chỉnh và lý do trên phiếu chấm điểm", "Read each adjustment and its reason on "
                 "your sheet") if c.is_province(c.p.get("province")) else None
    return subject, lines, action


def _sheets_locked(c: _Ctx) -> tuple[str, list[str], str | None]:
    cluster, year, sheets = c.cluster(), c.year(), c.text("sheets")
    subject = c.t(f"Khóa phiếu chấm điểm{year} – {cluster}", f"Score sheets locked{c.year(en=' for ')} – {cluster}")
    lines = [c.t(f"Trưởng cụm đã khóa phiếu chấm điểm{year} của {cluster}"
                 + (f" ({sheets} phiếu)." if sheets else "."),
                 f"The lead locked the{c.year()} score sheets of {cluster}" + (f" ({sheets} sheets)." if sheets else ".")),
             c.t("Điểm số là kết quả chính thức để xếp hạng và suy tôn.",
                 "The scores are final for the ranking and the votes.")]
    return subject, lines, None


TEMPLATES: dict[str, _Template] = {
    r.LEADERSHIP_ROTATED: _leadership_rotated,
    r.PROVINCE_MERGED: _province_merged,
    r.ROUND_OPENED: _round_opened,
    r.BALLOT_CAST: _ballot_cast,  # routed to nobody today; kept so a vote receipt is one routing change away
    r.ROUND_CLOSED: _round_closed,
    r.RUNOFF_CREATED: _runoff_created,
    r.ROUND_CERTIFIED: _round_certified,
    r.ROUND_APPROVED: _round_approved,
    r.ROUND_RETURNED: _round_returned,
    r.RANKING_PUBLISHED: _ranking_published,
    r.COMMENDATION_RETURNED: _commendation_returned,
    r.COMMENDATION_SENT: _commendation_sent,
    r.COMMENDATION_DECIDED: _commendation_decided,
    r.LEADERSHIP_CORRECTED: _leadership_corrected,
    r.MEMBERS_CHANGED: _members_changed,
    r.CLUSTER_UPDATED: _cluster_updated,
    r.MERGER_UNDONE: _merger_undone,
    r.COVENANT_PUBLISHED: _covenant_published,
    r.SHEET_ADJUSTED: _sheet_adjusted,
    r.SHEETS_LOCKED: _sheets_locked,
    r.PAPER_BALLOT_RECORDED: _paper_ballot_recorded,
    r.PAPER_BALLOT_DISPUTED: _paper_ballot_disputed,
    r.PAPER_BALLOT_RULED: _paper_ballot_ruled,
    r.MOVEMENT_LAUNCHED: movement_templates.launched,
    r.MOVEMENT_PHASE_STARTED: movement_templates.phase_started,
    r.MOVEMENT_PHASE_ENDED: movement_templates.phase_ended,
    r.MOVEMENT_REGISTRATION_DUE: movement_templates.registration_due,
    r.MOVEMENT_MODEL_RECOGNISED: movement_templates.model_recognised,
}

TEMPLATED_EVENT_TYPES: frozenset[str] = frozenset(TEMPLATES)


def render(event: Mapping[str, Any], *, language: str = "vi", recipient: str) -> Message:
    """The message ``recipient`` reads about ``event``.

    KeyError for an event type without a template; ValueError for an unsupported language or a
    malformed recipient.
    """
    event_type = event.get("type") if isinstance(event, Mapping) else None
    template = TEMPLATES.get(event_type) if isinstance(event_type, str) else None
    if template is None:
        raise KeyError(f"no notification template for event type {event_type!r}")
    ctx = _Ctx(r.payload_of(event), _language(language), recipient)
    return _finish(ctx, *template(ctx))


def render_reminder(*, round: Mapping[str, Any], language: str = "vi", recipient: str) -> Message:
    """The reminder to vote in an open round.

    ``round``: ``{round_id, cluster_code, cluster_name, year, award, closes_at}``.
    """
    ctx = _Ctx(round if isinstance(round, Mapping) else {}, _language(language), recipient)
    cluster, award_year = ctx.cluster(), ctx.award_year()
    subject = ctx.t(f"Nhắc bỏ phiếu: {award_year} – {cluster}", f"Reminder to vote: {award_year} – {cluster}")
    lines = [
        ctx.t(f"Vòng bỏ phiếu suy tôn {award_year} của {cluster} đang mở.",
              f"Voting for the {award_year} in {cluster} is open."),
        ctx.t(f"Hệ thống chưa ghi nhận phiếu của đơn vị (mã tỉnh {ctx.code}).",
              f"No ballot from province {ctx.code} has been recorded yet.") if ctx.kind == "province" else "",
    ]
    return _finish(ctx, subject, lines, ctx.vote_action())
