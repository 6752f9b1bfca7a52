"""The minutes of a council session (biên bản họp Hội đồng thi đua, khen thưởng) in the
administrative layout: who attended, the quorum, each nominee's votes against all members, its
threshold and outcome, the conclusion and the signatures; as HTML (Jinja2, autoescaped) and as PDF
(fpdf2, the service's Unicode fonts, as the printed decision)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.pdf import Page
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
    page = Page(fonts, without="the HTML print view works", margins=(20, 20, 15))
    page.national_heading([(doc.issuer, None), ("HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG", 12)], doc.place_date,
                          issuer_share=0.4, motto_size=12)
    page.block(doc.title, style="B", size=14, align="C")
    page.block(f"{doc.council} ({doc.founding})", style="I", align="C")
    page.pdf.ln(2)
    page.block(doc.held)
    for line in doc.attendance:
        page.block(line)
    page.block("Thành viên có mặt:", style="B")
    for line in doc.present:
        page.block(f"- {line}", size=12)
    if doc.absent:
        page.block("Thành viên vắng mặt:", style="B")
        for line in doc.absent:
            page.block(f"- {line}", size=12)
    page.block("Kết quả bỏ phiếu:", style="B")
    page.table(HEADERS, doc.rows, WIDTHS)
    page.pdf.ln(3)
    page.block("Kết luận: Hội đồng đề nghị khen thưởng các tập thể, cá nhân sau:", style="B")
    for i, line in enumerate(doc.conclusion, 1):
        page.block(f"{i}. {line}", size=12)
    for line in doc.confirmed or []:
        page.block(line, style="I", size=11)
    page.pdf.ln(6)
    page.signatures([("THƯ KÝ", doc.secretary), ("CHỦ TỊCH HỘI ĐỒNG", doc.chair)])
    return page.output()
