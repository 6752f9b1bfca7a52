"""A decision as printed: the administrative layout of Decree 30/2020/NĐ-CP (national title and
motto top right, issuing body and number top left, place and date, title and summary, bases,
articles, recipients, signature block) and its appendix list, as HTML (Jinja2, autoescaped) and
as PDF (fpdf2 with a Unicode TrueType font from the settings)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.nominations.settings import NominationsSettings
from shared.errors import Unavailable

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
KIND_HEADINGS = {"collective": "Tập thể", "individual": "Cá nhân"}


@dataclass
class Section:
    heading: str
    groups: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Document:
    issuer: str
    number: str
    place_date: str
    title: str
    summary: str
    authority: str
    bases: list[str]
    articles: list[str]
    recipients: list[str]
    signer_title: list[str]
    signer_name: str
    appendix_title: str
    appendix_note: str
    sections: list[Section]
    draft: bool


def vietnamese_date(day: date) -> str:
    """"ngày 05 tháng 01 năm 2024": a 0 before days 1-9 and months 1-2 (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _entry(e: dict[str, Any]) -> str:
    if e["kind"] == "individual":
        parts = [e["name"], e.get("position"), e.get("unit") or f"{e['province_name']}"]
        return ", ".join(p for p in parts if p)
    return e["name"] + (f", {e['unit']}" if e.get("unit") else "")


def document(decision: dict[str, Any], *, settings: NominationsSettings, issuer: str | None = None) -> Document:
    """The printable decision. ``issuer``: another organiser's name (a province's People's
    Committee); the ministry's decisions print as the settings say."""
    entries: list[dict[str, Any]] = decision["entries"] or []
    sections: list[Section] = []
    for e in entries:  # ordered by form, then kind
        if not sections or sections[-1].heading != e["form_name"]:
            sections.append(Section(e["form_name"]))
        groups = sections[-1].groups
        label = KIND_HEADINGS[e["kind"]]
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(_entry(e))
    for i, section in enumerate(sections):
        section.heading = f"{ROMAN[i] if i < len(ROMAN) else i + 1}. {section.heading.upper()}"
    forms = ", ".join(s.heading.split(". ", 1)[1].capitalize() for s in sections) or "hình thức khen thưởng"
    collectives = sum(1 for e in entries if e["kind"] == "collective")
    individuals = len(entries) - collectives
    signed = vietnamese_date(decision["signed_on"])
    own = decision.get("organiser", "BNV") == "BNV" or issuer is None
    authority = settings.decision_authority if own else str(issuer).upper()
    article_3 = ("Điều 3. Chánh Văn phòng Bộ, Trưởng ban Ban Thi đua - Khen thưởng Trung ương, Giám đốc Sở Nội vụ các "
                 "tỉnh, thành phố có tên tại Điều 1 và các tập thể, cá nhân có tên trong danh sách kèm theo chịu trách "
                 "nhiệm thi hành Quyết định này.") if own else (
        "Điều 3. Chánh Văn phòng, Giám đốc Sở Nội vụ, thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, "
        "cá nhân có tên trong danh sách kèm theo chịu trách nhiệm thi hành Quyết định này.")
    return Document(
        issuer=settings.decision_issuer if own else str(issuer).upper(), number=f"Số: {decision['number']}",
        place_date=f"{settings.decision_place}, {signed}", title="QUYẾT ĐỊNH", summary=decision["summary"],
        authority=authority, bases=list(decision["bases"]),
        articles=[
            (f"Điều 1. Tặng {forms} cho {collectives} tập thể và {individuals} cá nhân có tên trong danh sách kèm "
             f"theo Quyết định này, đã có thành tích xuất sắc trong phong trào thi đua năm {decision['year']}."),
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            article_3,
        ],
        recipients=list(settings.decision_recipients) if own else ["Như Điều 3;", "Lưu: VT."], signer_title=decision["signer_title"].split("\n"),
        signer_name=decision["signer_name"],
        appendix_title="DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        appendix_note=(f"(Ban hành kèm theo Quyết định số: {decision['number']} {signed} "
                       f"của {authority.capitalize().replace('bộ nội vụ', 'Bộ Nội vụ') if own else issuer})"),
        sections=sections, draft=decision["state"] != "issued")


def html(doc: Document) -> str:
    return TEMPLATES.get_template("decision.html").render(doc=doc)


# ---------------------------------------------------------------- PDF

def _fonts(candidates: list[tuple[str, str, str]]) -> tuple[str, str, str]:
    for regular, bold, italic in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold, italic if Path(italic).is_file() else regular
    raise Unavailable("no Unicode font for the PDF is installed (fonts-liberation or fonts-dejavu-core); "
                      "the HTML print view works without one", slug="pdf-font-missing")


class _Pdf(FPDF):
    def header(self) -> None:
        # Page numbers centred in the top margin, none on page 1 (Decree 30/2020, Appendix I).
        if self.page_no() > 1:
            self.set_font("Doc", "", 13)
            self.set_y(8)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(self.t_margin)


def pdf(doc: Document, *, fonts: list[tuple[str, str, str]]) -> bytes:
    regular, bold, italic = _fonts(fonts)
    p = _Pdf(format="A4")
    p.add_font("Doc", "", regular)
    p.add_font("Doc", "B", bold)
    p.add_font("Doc", "I", italic)
    p.set_margins(left=30, top=20, right=15)
    p.set_auto_page_break(True, margin=20)
    p.add_page()
    width = p.w - p.l_margin - p.r_margin
    left_w, right_w = width * 0.4, width * 0.6

    def block(text: str, *, style: str = "", size: float = 13, align: str = "J", w: float = 0,
              h: float = 6.5, x: float | None = None) -> None:
        p.set_font("Doc", style, size)
        if x is not None:
            p.set_x(x)
        p.multi_cell(w or width, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    top = p.get_y()
    block(doc.issuer, style="B", size=13, align="C", w=left_w)
    block(doc.number, size=13, align="C", w=left_w)
    left_end = p.get_y()
    p.set_y(top)
    block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="B", size=12, align="C", w=right_w, x=p.l_margin + left_w)
    block("Độc lập - Tự do - Hạnh phúc", style="B", size=13, align="C", w=right_w, x=p.l_margin + left_w)
    block(doc.place_date, style="I", size=13, align="C", w=right_w, x=p.l_margin + left_w)
    p.set_y(max(left_end, p.get_y()) + 6)
    if doc.draft:
        block("DỰ THẢO", style="B", size=13, align="C")
    block(doc.title, style="B", size=14, align="C")
    block(doc.summary, style="B", size=14, align="C")
    p.ln(4)
    block(doc.authority, style="B", size=14, align="C")
    p.ln(2)
    for line in doc.bases:
        block(line, style="I", size=14)
    block("QUYẾT ĐỊNH:", style="B", size=14, align="C")
    for article in doc.articles:
        block(article, size=14)
    p.ln(4)
    top = p.get_y()
    block("Nơi nhận:", style="B", size=12, align="L", w=left_w)
    for line in doc.recipients:
        block(f"- {line}", size=11, align="L", w=left_w, h=5)
    p.set_y(top)
    for line in doc.signer_title:
        block(line, style="B", size=14, align="C", w=right_w, x=p.l_margin + left_w)
    p.ln(20)
    block(doc.signer_name, style="B", size=14, align="C", w=right_w, x=p.l_margin + left_w)

    p.add_page()
    block(doc.appendix_title, style="B", size=14, align="C")
    block(doc.appendix_note, style="I", size=13, align="C")
    p.ln(4)
    for section in doc.sections:
        block(section.heading, style="B", size=13, align="L")
        for label, items in section.groups:
            block(label, style="B", size=13, align="L")
            for i, item in enumerate(items, 1):
                block(f"{i}. {item}", size=13, align="L")
    out = io.BytesIO()
    p.output(out)
    return out.getvalue()
