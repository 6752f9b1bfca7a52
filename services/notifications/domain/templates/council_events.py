"""Messages about an organiser's emulation council (Hội đồng thi đua, khen thưởng): a session was
scheduled, opened its vote, closed it, and its result per nominee. The secretary reads them in the
office's inbox (the ministry's for BNV); each member reads the scheduled session, the opened vote and
the result in its own (``account:<username>``), addressed to it as a member; the result also reaches
the provinces whose nominees it decided."""
from __future__ import annotations

from .. import routing as r
from .wording import Ctx, Template, format_date


def _session(c: Ctx) -> str:
    title, day = c.text("title") or "", format_date(c.p.get("held_on")) or ""
    return c.t(f"{title} ngày {day}", f"{title} on {day}")


def _member(c: Ctx) -> bool:
    return c.kind == r.ACCOUNT


def scheduled(c: Ctx) -> tuple[str, list[str], str | None]:
    subject = c.t("Hội đồng thi đua, khen thưởng: triệu tập phiên họp", "Emulation council: a session is called")
    place = c.text("place")
    lines = [_session(c) + (c.t(f", tại {place}", f", at {place}") if place else ""),
             c.t(f"Hội đồng ({c.text('members_total') or ''} thành viên) xét {c.text('nominees') or ''} đối tượng "
                 "đề nghị khen thưởng.",
                 f"The council ({c.text('members_total') or ''} members) considers {c.text('nominees') or ''} nominees.")]
    action: str | None = None
    if _member(c):
        action = c.t("Đồng chí là thành viên Hội đồng: dự họp và điểm danh; nếu vắng mặt, gửi phiếu bằng văn bản",
                     "You are a member of the council: attend and check in; if absent, send a written ballot")
    elif c.ministry:
        action = c.t("Chuẩn bị điểm danh và phiếu bầu của phiên họp", "Prepare the session's roll and ballots")
    return subject, lines, action


def opened(c: Ctx) -> tuple[str, list[str], str | None]:
    present, total, needed = (c.text(k) or "" for k in ("present_members", "members_total", "quorum_needed"))
    subject = c.t("Hội đồng thi đua, khen thưởng: bắt đầu bỏ phiếu", "Emulation council: the vote is open")
    lines = [_session(c),
             c.t(f"Có mặt {present}/{total} thành viên (cần {needed}); {c.text('nominees') or ''} đối tượng được xét.",
                 f"{present} of {total} members present ({needed} needed); {c.text('nominees') or ''} nominees.")]
    action: str | None = None
    if _member(c):
        action = c.t("Đồng chí bỏ phiếu kín trên điện thoại (sau khi điểm danh)",
                     "Cast your secret ballot on your phone (once checked in)")
    elif c.ministry:
        action = c.t("Thành viên bỏ phiếu kín trên điện thoại", "Members cast their secret ballots on their phones")
    return subject, lines, action


def closed(c: Ctx) -> tuple[str, list[str], str | None]:
    subject = c.t("Hội đồng thi đua, khen thưởng: kết thúc bỏ phiếu", "Emulation council: the vote is closed")
    lines = [_session(c), c.t(f"{c.text('ballots') or '0'}/{c.text('members_total') or ''} thành viên đã bỏ phiếu.",
                              f"{c.text('ballots') or '0'} of {c.text('members_total') or ''} members voted.")]
    return subject, lines, None


def result(c: Ctx) -> tuple[str, list[str], str | None]:
    subject = c.t(f"Kết quả bỏ phiếu của Hội đồng thi đua, khen thưởng{c.year()}",
                  f"The emulation council's result{c.year(en=' for ')}")
    approved, refused = c.text("approved") or "0", c.text("refused") or "0"
    lines = [_session(c) if c.text("held_on") else (c.text("title") or ""),
             c.t(f"{approved} đối tượng đạt tỷ lệ phiếu, {refused} đối tượng không được đề nghị khen thưởng.",
                 f"{approved} nominees reached their threshold, {refused} were not approved.")]
    action: str | None = None  # a member reads what the council decided; the office drafts the decision
    if c.ministry:
        action = c.t("Dự thảo quyết định khen thưởng theo kết quả", "Draft the decision from the result")
    return subject, lines, action


TEMPLATES: dict[str, Template] = {
    r.COUNCIL_SESSION_SCHEDULED: scheduled,
    r.COUNCIL_SESSION_OPENED: opened,
    r.COUNCIL_SESSION_CLOSED: closed,
    r.COUNCIL_RESULT: result,
}
