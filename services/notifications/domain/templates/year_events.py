"""Messages about the year's scoring and commendations: covenants, score sheets, rankings, award
lists and the ministry's decisions."""
from __future__ import annotations

from collections.abc import Mapping

from .. import routing as r
from .wording import Ctx, Template, clean, format_date, lead_phrase, reason_line


def _ranking_published(c: Ctx) -> tuple[str, list[str], str | None]:
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


def _form(c: Ctx) -> str:
    return c.text("form_name") or c.t("hình thức khen thưởng", "the award")


def _commendation_submitted(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, count = c.cluster(), c.text("nominees")
    province = c.text("province_name") or c.text("province_code") or c.t("Một đơn vị", "A member")
    subject = c.t(f"{province} gửi đề nghị khen thưởng{c.year()} – {cluster}",
                  f"{province} submitted its award proposal{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"{province} đã gửi đề nghị {_form(c)}{c.year()}" + (f" gồm {count} tập thể, cá nhân." if count else "."),
            f"{province} submitted its proposal for {_form(c)}{c.year(en=' ')}"
            + (f" ({count} nominees)." if count else ".")),
    ]
    action = c.t("Xem hồ sơ, chấp nhận hoặc trả lại từng đối tượng", "Read the file, accept or return each nominee")
    return subject, lines, action


def _commendation_returned(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, name, reason = c.cluster(), c.text("nominee_name"), c.text("reason")
    who = name or c.t("một đối tượng", "a nominee")
    subject = c.t(f"Trưởng cụm trả lại đề nghị khen thưởng {who} – {cluster}",
                  f"Nominee returned: {who} – {cluster}")
    lines = [
        c.t(f"{lead_phrase(c)} đã trả lại đề nghị {_form(c)}{c.year()} đối với {who}.",
            f"{lead_phrase(c)} returned the proposal of {who} for {_form(c)}{c.year(en=' ')}."),
        c.t(f"Lý do: {reason}", f"Reason: {reason}") if reason else "",
    ]
    action = None
    if c.is_province(c.p.get("province_code")):
        action = c.t("Hoàn thiện hồ sơ và gửi lại, hoặc rút đề nghị", "Complete the file and resubmit, or withdraw it")
    return subject, lines, action


def _commendation_sent(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, count = c.cluster(), c.text("nominees")
    subject = c.t(f"Cụm thi đua trình danh sách đề nghị khen thưởng{c.year()} – {cluster}",
                  f"Award list sent to the ministry{c.year(en=' for ')} – {cluster}")
    lines = [
        c.t(f"{lead_phrase(c)} đã trình Bộ Nội vụ danh sách đề nghị khen thưởng{c.year()} của {cluster}"
            + (f" gồm {count} tập thể, cá nhân." if count else "."),
            f"{lead_phrase(c)} sent the{c.year()} award list of {cluster} to the ministry"
            + (f" ({count} nominees)." if count else ".")),
        c.codes_line("provinces", "Đơn vị có đề nghị (mã tỉnh)", "Proposing provinces (codes)", "", ""),
    ]
    action = c.t("Thẩm định, đồng ý hoặc không đồng ý từng đối tượng", "Review each nominee") if c.ministry else None
    return subject, lines, action


def _commendation_decided(c: Ctx) -> tuple[str, list[str], str | None]:
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


def _covenant_published(c: Ctx) -> tuple[str, list[str], str | None]:
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
    lines = [first, reason_line(c) if amended else ""]
    action = None
    if c.among("members") or c.is_province(c.p.get("lead_code")):
        action = c.t("Kiểm tra lại và nộp lại phiếu tự chấm điểm theo giao ước mới", "Check your score sheet against "
                     "the amended covenant and submit it again") if amended else \
            c.t("Tự chấm điểm theo giao ước và nộp phiếu chấm điểm", "Score yourself against the covenant and submit")
    return subject, lines, action


def _sheet_adjusted(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, year = c.cluster(), c.year()
    subject = c.t(f"Phiếu chấm điểm được điều chỉnh{year} – {cluster}",
                  f"Score sheet adjusted{c.year(en=' for ')} – {cluster}")
    lines = [c.t(f"Khi thẩm định chéo, phiếu chấm điểm{year} của đơn vị tại {cluster} đã được điều chỉnh:",
                 f"The cross-check of your{c.year()} score sheet in {cluster} adjusted it:")]
    adjustments = c.p.get("adjustments")
    for a in adjustments if isinstance(adjustments, list) else []:
        if isinstance(a, Mapping):
            lines.append(c.t(f"- Tiêu chí {clean(a.get('criterion'))}: {clean(a.get('points'))} điểm. "
                             f"Lý do: {clean(a.get('reason'))}",
                             f"- Criterion {clean(a.get('criterion'))}: {clean(a.get('points'))} points. "
                             f"Reason: {clean(a.get('reason'))}"))
    action = c.t("Xem các điều chỉnh và lý do trên phiếu chấm điểm", "Read each adjustment and its reason on "
                 "your sheet") if c.is_province(c.p.get("province")) else None
    return subject, lines, action


def _sheets_locked(c: Ctx) -> tuple[str, list[str], str | None]:
    cluster, year, sheets = c.cluster(), c.year(), c.text("sheets")
    subject = c.t(f"Khóa phiếu chấm điểm{year} – {cluster}", f"Score sheets locked{c.year(en=' for ')} – {cluster}")
    lines = [c.t(f"Trưởng cụm đã khóa phiếu chấm điểm{year} của {cluster}"
                 + (f" ({sheets} phiếu)." if sheets else "."),
                 f"The lead locked the{c.year()} score sheets of {cluster}" + (f" ({sheets} sheets)." if sheets else ".")),
             c.t("Điểm số là kết quả chính thức để xếp hạng và suy tôn.",
                 "The scores are final for the ranking and the votes.")]
    return subject, lines, None


TEMPLATES: dict[str, Template] = {
    r.RANKING_PUBLISHED: _ranking_published,
    r.COMMENDATION_SUBMITTED: _commendation_submitted,
    r.COMMENDATION_RETURNED: _commendation_returned,
    r.COMMENDATION_SENT: _commendation_sent,
    r.COMMENDATION_DECIDED: _commendation_decided,
    r.COVENANT_PUBLISHED: _covenant_published,
    r.SHEET_ADJUSTED: _sheet_adjusted,
    r.SHEETS_LOCKED: _sheets_locked,
}
