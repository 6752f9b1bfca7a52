"""The printable minutes of a certified vote (biên bản kiểm phiếu), in Vietnamese.

Every value from the database or the registry goes through ``html.escape``: unit and cluster names,
the certifier and the return reason are data, never markup. A runoff certified after missing its
quorum shows its turnout and the units carried over from its parent, never a vote count.
"""
from __future__ import annotations

import html
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from string import Template
from typing import Any

TEMPLATE = Template((Path(__file__).parent / "templates" / "minutes.html").read_text(encoding="utf-8"))

STATE_LABELS_VI = {
    "certified": "Đã xác nhận kết quả, chờ Bộ Nội vụ phê duyệt",
    "approved": "Bộ Nội vụ đã phê duyệt",
    "returned": "Bộ Nội vụ trả lại",
}
CHANNEL_LABELS_VI = {"online": "Có (trực tuyến)", "paper": "Có (phiếu bằng văn bản)", None: "Không"}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def _share(text: str) -> str:
    share = Fraction(text)
    return f"{share} ({_percent(float(share))})" if share.denominator != 1 else _percent(float(share))


def _time(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return at.strftime("%H:%M ngày %d/%m/%Y")


def render(minutes: dict[str, Any]) -> str:
    electorate_rows = "\n".join(
        f'    <tr><td class="num">{i}</td><td>{_e(u["name"])}</td><td>{_e(u["code"])}</td>'
        f'<td>{_e(CHANNEL_LABELS_VI[u["channel"]])}</td></tr>'
        for i, u in enumerate(minutes["electorate"], 1))
    cast = minutes["ballots_cast"]
    if minutes["votes"] is None:
        # The quorum was missed (a runoff carrying its parent's units): the turnout only, never what
        # was voted; the ballots were deleted at the close.
        blank_row = ""
        votes_block = ("<p>Không đủ số phiếu tối thiểu: không công bố số phiếu của từng đơn vị, các phiếu bầu "
                       "đã được hủy khi kết thúc bỏ phiếu và vòng bỏ phiếu này không đề nghị thêm đơn vị nào.</p>")
    else:
        blank_row = f'  <dt>Phiếu trắng</dt><dd>{_e(minutes["blank_ballots"])}</dd>\n'
        vote_rows = "\n".join(
            f'    <tr><td class="num">{i}</td><td>{_e(u["name"])}</td><td>{_e(u["code"])}</td>'
            f'<td class="num">{u["votes"]}</td>'
            f'<td class="num">{_e(_percent(u["votes"] / cast) if cast else "—")}</td></tr>'
            for i, u in enumerate(minutes["votes"], 1))
        votes_block = ('<table>\n  <thead><tr><th class="num">STT</th><th>Đơn vị</th><th>Mã</th>'
                       '<th class="num">Số phiếu đồng ý</th><th class="num">Tỷ lệ</th></tr></thead>\n  <tbody>\n'
                       f'{vote_rows}\n  </tbody>\n</table>')
    if minutes["proposed"]:
        proposed_block = "<ol>\n" + "\n".join(
            f'  <li>{_e(u["name"])} ({_e(u["code"])})</li>' for u in minutes["proposed"]) + "\n</ol>"
    else:
        proposed_block = "<p>Không có đơn vị nào đạt số phiếu cần thiết.</p>"
    if minutes["carried_over"]:
        proposed_block += "\n<p>Trong đó được đề nghị từ vòng bỏ phiếu trước: " + ", ".join(
            _e(u["name"]) for u in minutes["carried_over"]) + ".</p>"
    paper = minutes["paper_ballots"]
    paper_section = ""
    if paper:
        paper_section = "\n<p>Phiếu bằng văn bản của đơn vị vắng mặt (do đơn vị Trưởng cụm nhập): " + "; ".join(
            f'{_e(u["name"])} (văn bản số {_e(u["document_ref"])})' for u in paper) + ".</p>\n"
    for w in minutes.get("paper_ballot_windows") or []:
        told = _time(w["notice_sent_at"]) if w.get("notice_sent_at") else "chưa rõ"
        line = f'<p>{_e(w["name"])} được thông báo về phiếu bằng văn bản nhập thay mình lúc {_e(told)}'
        if w.get("disputes_until"):
            line += f'; thời hạn khiếu nại đến {_e(_time(w["disputes_until"]))}'
        if w.get("confirmed_at"):
            line += f'; đơn vị đã xác nhận phiếu lúc {_e(_time(w["confirmed_at"]))}'
        paper_section += line + ".</p>\n"
    rulings = {"ballot_stands": "phiếu được giữ nguyên", "ballot_void": "phiếu không hợp lệ", None: "chờ Bộ quyết định"}
    for d in minutes.get("disputes") or []:
        paper_section += (f'<p>Đơn vị mã {_e(d["province_code"])} khiếu nại phiếu bằng văn bản nhập thay mình '
                          f'(lý do: {_e(d["reason"])}); kết luận của Bộ Nội vụ: {_e(rulings.get(d["ruling"], d["ruling"]))}'
                          + (f' ({_e(d["ruling_note"])})' if d.get("ruling_note") else "") + ".</p>\n")
    decision_block = ""
    if minutes["state"] == "approved":
        decision_block = (f'\n<p>Bộ Nội vụ phê duyệt lúc {_e(_time(minutes["decided_at"]))} '
                          f'(người phê duyệt: {_e(minutes["decided_by"])}).</p>\n')
    elif minutes["state"] == "returned":
        decision_block = (f'\n<p>Bộ Nội vụ trả lại lúc {_e(_time(minutes["decided_at"]))} '
                          f'(người trả lại: {_e(minutes["decided_by"])}). Lý do: {_e(minutes["return_reason"])}</p>\n')
    runoff_note = ""
    if minutes["parent_round_id"]:
        runoff_note = f' (bỏ phiếu lại của vòng {_e(minutes["parent_round_id"])})'
    return TEMPLATE.substitute(
        cluster_name=_e(minutes["cluster"]["name"]),
        cluster_code=_e(minutes["cluster"]["code"]),
        year=_e(minutes["year"]),
        award_label=_e(minutes["award_label"]),
        lead_name=_e(minutes["lead"]["name"]),
        seats=_e(minutes["rules"]["seats"]),
        max_choices=_e(minutes["rules"]["max_choices"]),
        threshold=_e(_share(minutes["rules"]["threshold"])),
        threshold_rule=_e(minutes["rules"]["threshold_rule"][0].lower() + minutes["rules"]["threshold_rule"][1:]),
        quorum=_e(_share(minutes["rules"]["quorum"])),
        round_id=_e(minutes["round_id"]),
        runoff_note=runoff_note,
        state_label=_e(STATE_LABELS_VI.get(minutes["state"], minutes["state"])),
        electorate_size=_e(minutes["electorate_size"]),
        electorate_rows=electorate_rows,
        paper_section=paper_section,
        ballots_cast=_e(cast),
        turnout=_e(_percent(minutes["turnout"])),
        blank_row=blank_row,
        quorum_met="Có" if minutes["quorum_met"] else "Không",
        votes_block=votes_block,
        proposed_block=proposed_block,
        decision_block=decision_block,
        certified_at=_e(_time(minutes["certified_at"])),
    )
