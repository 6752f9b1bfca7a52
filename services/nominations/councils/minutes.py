"""The minutes of a council session (biên bản họp Hội đồng thi đua, khen thưởng) in the
administrative layout: who attended, the quorum, each nominee's votes against all members, its
threshold and outcome, the conclusion and the signatures; as HTML (Jinja2, autoescaped) and as PDF
(fpdf2, the service's Unicode fonts, as the printed decision)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.fonts import unicode_font
from shared.vietnam import format_date

VIETNAM = timezone(timedelta(hours=7))
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@dataclass
class Minutes:
    issuer: str
    place_date: str
    title: str
    council: str
    founding: str
    held: str
    attendance: list[str]
    present: list[str]
    absent: list[str]
    rows: list[list[str]]
    conclusion: list[str]
    chair: str
    secretary: str = ""
    confirmed: list[str] | None = None


def _percent(share: Fraction) -> str:
    return f"{float(share) * 100:.1f}".replace(".", ",") + " %"


def _vietnamese_date(day: date) -> str:
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


ROLE_SIGNS = {"chair": "Chủ tịch Hội đồng", "secretary": "Thư ký"}


def build(*, session: dict[str, Any], council: dict[str, Any], roster: list[dict[str, Any]], issuer: str,
          place: str, confirmations: list[dict[str, Any]] | None = None) -> Minutes:
    result = session["result"]
    present = [f"{m['name']}, {m['position']} ({m['role_label']})" for m in roster if m["checked_in_at"]]
    absent = [f"{m['name']}, {m['position']} ({m['role_label']})"
              + (" – có phiếu bầu bằng văn bản" if m["voted"] == "written" else "")
              for m in roster if not m["checked_in_at"]]
    units = {n["nominee_id"]: n for n in session["nominees"]}
    rows = []
    for i, line in enumerate(result["nominees"], 1):
        n = units.get(line["nominee_id"]) or {}
        share = Fraction(line["yes"], line["members"])
        who = ", ".join(p for p in (line["name"], n.get("position"), n.get("unit") or n.get("province_name")) if p)
        rows.append([str(i), who, n.get("form_name", line["form_code"]), f"{line['yes']}/{line['members']}",
                     _percent(share), f"{_percent(Fraction(line['threshold']))} ({line['needed']})",
                     line["outcome_label"]])
    approved = [r[1] for r, line in zip(rows, result["nominees"], strict=True) if line["outcome"] == "approved"]
    chair = next((m["name"] for m in council["members"] if m["role"] == "chair"), "")
    return Minutes(
        issuer=issuer.upper(), place_date=f"{place}, {_vietnamese_date(session['held_on'])}",
        title="BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG", council=council["name"],
        founding=(f"Thành lập theo Quyết định số {council['decision_number']} "
                  f"ngày {format_date(council['decision_date'])}"),
        held=f"{session['title']}, ngày {format_date(session['held_on'])}, tại {session['place']}.",
        attendance=[
            f"Tổng số thành viên Hội đồng: {result['members']}; có mặt: {len(present)}; vắng mặt: {len(absent)}.",
            (f"Số thành viên có mặt {'đạt' if len(present) >= session['quorum_needed'] else 'không đạt'} "
             f"tỷ lệ quy định ({session['quorum']} tổng số thành viên: {session['quorum_needed']})."),
            (f"Số phiếu phát ra và thu về: {result['ballots']} (bỏ phiếu trực tiếp: {result['in_person']}; "
             f"phiếu bằng văn bản của thành viên vắng mặt: {result['written']}); bỏ phiếu kín."),
            "Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng."],
        present=present, absent=absent, rows=rows,
        conclusion=approved or ["Không có đối tượng đạt tỷ lệ phiếu."], chair=chair,
        secretary=next((c["signer_name"] for c in confirmations or [] if c["role"] == "secretary"), ""),
        confirmed=[f"{ROLE_SIGNS[c['role']]} {c['signer_name']} đã xác nhận biên bản lúc {_moment(c['confirmed_at'])}."
                   for c in confirmations or []])


def _moment(value: Any) -> str:
    """A confirmation's time in Vietnam time, HH:MM dd/mm/yyyy."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def html(doc: Minutes) -> str:
    return TEMPLATES.get_template("minutes.html").render(doc=doc)


HEADERS = ["TT", "Tập thể, cá nhân", "Hình thức", "Đồng ý", "Tỷ lệ", "Cần (phiếu)", "Kết quả"]
WIDTHS = [9, 52, 32, 16, 17, 22, 27]


def pdf(doc: Minutes, *, fonts: list[tuple[str, str, str]]) -> bytes:
    regular, bold, italic = unicode_font(fonts, without="the HTML print view works")
    p = FPDF(format="A4")
    p.add_font("Doc", "", regular)
    p.add_font("Doc", "B", bold)
    p.add_font("Doc", "I", italic)
    p.set_margins(left=20, top=20, right=15)
    p.set_auto_page_break(True, margin=20)
    p.add_page()
    width = p.w - p.l_margin - p.r_margin

    def block(text: str, *, style: str = "", size: float = 13, align: str = "J", w: float = 0, x: float | None = None,
              h: float = 6.5) -> None:
        p.set_font("Doc", style, size)
        if x is not None:
            p.set_x(x)
        p.multi_cell(w or width, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    top = p.get_y()
    block(doc.issuer, style="B", align="C", w=width * 0.4)
    block("HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG", style="B", size=12, align="C", w=width * 0.4)
    left_end = p.get_y()
    p.set_y(top)
    block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="B", size=12, align="C", w=width * 0.6, x=p.l_margin + width * 0.4)
    block("Độc lập - Tự do - Hạnh phúc", style="B", align="C", w=width * 0.6, x=p.l_margin + width * 0.4)
    block(doc.place_date, style="I", align="C", w=width * 0.6, x=p.l_margin + width * 0.4)
    p.set_y(max(left_end, p.get_y()) + 6)
    block(doc.title, style="B", size=14, align="C")
    block(f"{doc.council} ({doc.founding})", style="I", align="C")
    p.ln(2)
    block(doc.held)
    for line in doc.attendance:
        block(line)
    block("Thành viên có mặt:", style="B")
    for line in doc.present:
        block(f"- {line}", size=12)
    if doc.absent:
        block("Thành viên vắng mặt:", style="B")
        for line in doc.absent:
            block(f"- {line}", size=12)
    block("Kết quả bỏ phiếu:", style="B")
    with p.table(col_widths=WIDTHS, text_align="LEFT", line_height=5.5) as table:
        p.set_font("Doc", "B", 10)
        table.row(HEADERS)
        p.set_font("Doc", "", 10)
        for row in doc.rows:
            table.row(row)
    p.ln(3)
    block("Kết luận: Hội đồng đề nghị khen thưởng các tập thể, cá nhân sau:", style="B")
    for i, line in enumerate(doc.conclusion, 1):
        block(f"{i}. {line}", size=12)
    for line in doc.confirmed or []:
        block(line, style="I", size=11)
    p.ln(6)
    top = p.get_y()
    block("THƯ KÝ", style="B", align="C", w=width * 0.5)
    p.ln(18)
    block(doc.secretary, style="B", align="C", w=width * 0.5)
    p.set_y(top)
    block("CHỦ TỊCH HỘI ĐỒNG", style="B", align="C", w=width * 0.5, x=p.l_margin + width * 0.5)
    p.ln(18)
    block(doc.chair, style="B", align="C", w=width * 0.5, x=p.l_margin + width * 0.5)
    out = io.BytesIO()
    p.output(out)
    return out.getvalue()
