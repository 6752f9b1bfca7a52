"""A decision as printed: the administrative layout of Decree 30/2020/NĐ-CP (national title and
motto top right, issuing body and number top left, place and date, title and summary, bases,
articles, recipients, signature block) and its appendix list, as HTML (Jinja2, autoescaped) and
as PDF (fpdf2 with a Unicode TrueType font from the settings)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.nominations.settings import NominationsSettings
from shared.pdf import MOTTO, MOTTO_2, Page

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
KIND_HEADINGS = {"collective": "Tập thể", "individual": "Cá nhân"}


@dataclass
class Section:
    heading: str
    name: str = ""      # the form's own name, its proper names capitalised ("Cờ thi đua của Bộ Nội vụ")
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
            sections.append(Section(e["form_name"], e["form_name"]))
        groups = sections[-1].groups
        label = KIND_HEADINGS[e["kind"]]
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(_entry(e))
    for i, section in enumerate(sections):
        section.heading = f"{ROMAN[i] if i < len(ROMAN) else i + 1}. {section.heading.upper()}"
    # The forms as named: "Cờ thi đua của Bộ Nội vụ, Bằng khen của Bộ trưởng Bộ Nội vụ" (never lower-cased).
    forms = ", ".join(s.name for s in sections) or "hình thức khen thưởng"
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
                       f"của {_authority_in_text(authority) if own else issuer})"),
        sections=sections, draft=decision["state"] != "issued")


def _authority_in_text(authority: str) -> str:
    """"BỘ TRƯỞNG BỘ NỘI VỤ" inside a sentence: "Bộ trưởng Bộ Nội vụ" (the ministry's name keeps
    its capitals, the title does not)."""
    words = authority.strip().split()
    if len(words) >= 3 and words[:2] == ["BỘ", "TRƯỞNG"]:
        return "Bộ trưởng " + _ministry_name(" ".join(words[2:]))
    return _ministry_name(authority)


def _ministry_name(upper: str) -> str:
    """"BỘ NỘI VỤ" → "Bộ Nội vụ": a ministry's name capitalises its first two words."""
    words = upper.lower().split()
    return " ".join(w.capitalize() if i < 2 else w for i, w in enumerate(words))


def html(doc: Document) -> str:
    return TEMPLATES.get_template("decision.html").render(doc=doc)


# ---------------------------------------------------------------- PDF

class _Pdf(FPDF):
    def header(self) -> None:
        # Page numbers centred in the top margin, none on page 1 (Decree 30/2020, Appendix I).
        if self.page_no() > 1:
            self.set_font("Doc", "", 13)
            self.set_y(8)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(self.t_margin)


def _fit(p: FPDF, text: str, width: float, *, style: str, size: float) -> float:
    """The largest font size up to ``size`` at which ``text`` stays on ONE line of ``width``
    (the national title never wraps "VIỆT / NAM")."""
    while size > 8:
        p.set_font("Doc", style, size)
        if p.get_string_width(text) <= width - 2:
            return size
        size -= 0.25
    return size


def pdf(doc: Document, *, fonts: list[tuple[str, str, str]]) -> bytes:
    page = Page(fonts, without="the HTML print view works", margins=(30, 20, 15), pdf_class=_Pdf)
    p, width, block = page.pdf, page.width, page.block
    left_w, right_w = width * 0.4, width * 0.6

    top = p.get_y()
    block(doc.issuer, style="B", size=13, align="C", w=left_w)
    p.line(p.l_margin + left_w * 0.35, p.get_y() + 0.5, p.l_margin + left_w * 0.65, p.get_y() + 0.5)
    p.ln(1.5)
    block(doc.number, size=13, align="C", w=left_w)
    left_end = p.get_y()
    p.set_y(top)
    right_x = p.l_margin + left_w
    for text, size in ((MOTTO, 12), (MOTTO_2, 13)):
        p.set_x(right_x)
        p.set_font("Doc", "B", _fit(p, text, right_w, style="B", size=size))
        p.cell(right_w, 6.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rule = p.get_string_width(MOTTO_2)
    p.line(right_x + (right_w - rule) / 2, p.get_y(), right_x + (right_w + rule) / 2, p.get_y())
    p.ln(2)
    p.set_x(right_x)
    p.set_font("Doc", "I", _fit(p, doc.place_date, right_w, style="I", size=13))
    p.cell(right_w, 6.5, doc.place_date, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    for i, article in enumerate(doc.articles):
        if i == len(doc.articles) - 1:
            # The last article and the signature block stay together: a page never holds the
            # signature alone, nor a last line alone above it.
            p.set_font("Doc", "", 14)
            lines = len(cast(list[str], p.multi_cell(width, 6.5, article, dry_run=True, output="LINES")))
            signature = 4 + 6.5 * max(len(doc.signer_title), 1) + 20 + 6.5 + 5 * len(doc.recipients)
            if p.will_page_break(lines * 6.5 + signature):
                p.add_page()
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
    return page.output()
