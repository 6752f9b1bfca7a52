"""Documents the console hands out: the minutes as PDF (fpdf2), the rankings as .xlsx (openpyxl),
bar charts as SVG and the conference QR code as SVG (segno). Pure functions of API answers.

The PDF needs a Unicode TrueType font for Vietnamese: DejaVu Sans, from Debian's
``fonts-dejavu-core`` (the project's set-up and the Dockerfile install it). ``CONSOLE_PDF_FONT_DIR``
points elsewhere when the fonts live in another directory.
"""
from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from services.console.i18n import VIETNAM, format_datetime, format_number

FONT_DIRS = [Path(os.environ.get("CONSOLE_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")),
             Path("/usr/share/fonts/dejavu"), Path("/usr/share/fonts/TTF")]
AWARD_LABELS = {"government_flag": "Cờ thi đua của Chính phủ", "ministry_flag": "Cờ thi đua của Bộ Nội vụ",
                "certificate_of_merit": "Bằng khen của Bộ trưởng Bộ Nội vụ"}


class FontMissing(RuntimeError):
    pass


def _font_dir() -> Path:
    for d in FONT_DIRS:
        if (d / "DejaVuSans.ttf").exists() and (d / "DejaVuSans-Bold.ttf").exists():
            return d
    raise FontMissing("DejaVu Sans is not installed (Debian package fonts-dejavu-core): the minutes need a "
                      "Unicode font for Vietnamese")


# ---------------------------------------------------------------- the minutes (biên bản) as PDF
# Laid out as Decree 30/2020/NĐ-CP lays out an administrative document: the issuing body (left) and
# the national motto (right, each line on ONE line, fitted to its column), the place and date, the
# title, the body, the signature block kept whole with the signer's name; page numbers in the footer
# (never a line written into the bottom margin, which made fpdf add a page for it).

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
CHANNELS = {"online": "Trực tuyến", "paper": "Bằng văn bản"}


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"{self.footer_text} · Trang {self.page_no()}/{{nb}}", align="C")


def _fit(pdf: FPDF, text: str, width: float, *, size: float, bold: bool = True) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width`` on one line."""
    while size > 6:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        if pdf.get_string_width(text) <= width - 2:
            return size
        size -= 0.25
    return size


def place_and_date(place: str, day: date | None) -> str:
    """The place-and-date line of an administrative document: "Quảng Ninh, ngày 07 tháng 12 năm 2026"."""
    if day is None:
        return f"{place}, ngày    tháng    năm"
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _local_day(value: Any) -> date | None:
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.astimezone(VIETNAM).date()


def minutes_pdf(m: dict[str, Any], *, signer_name: str | None = None, signer_position: str | None = None) -> bytes:
    font_dir = _font_dir()
    pdf = _Document(format="A4")
    pdf.footer_text = f"Biên bản kiểm phiếu – {m['cluster']['name']} – {m['year']}"
    pdf.alias_nb_pages()
    pdf.set_margins(25, 20, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    oblique = font_dir / "DejaVuSans-Oblique.ttf"   # the place-and-date line; upright when not installed
    pdf.add_font("DejaVu", "I", str(oblique if oblique.exists() else font_dir / "DejaVuSans.ttf"))
    pdf.set_title(f"Biên bản kiểm phiếu – {m['cluster']['name']} – {m['year']}")
    pdf.add_page()
    width = pdf.epw
    left, right = width * 0.42, width * 0.58

    def line(text: str, *, size: float = 11, bold: bool = False, align: str = "J", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    # the header: issuing body | national motto, each on one line
    top = pdf.get_y()
    issuer = m["cluster"]["name"].upper()
    pdf.set_font("DejaVu", "B", _fit(pdf, issuer, left, size=10.5))
    pdf.multi_cell(left, 5, issuer, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(left, 5, f"Đơn vị Trưởng cụm: {m['lead']['name']}", align="C")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font("DejaVu", "B", _fit(pdf, MOTTO, right, size=11.5))
    pdf.cell(right, 5.5, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", _fit(pdf, MOTTO_2, right, size=12))
    pdf.cell(right, 6, MOTTO_2, align="C", new_x="LEFT", new_y="NEXT")
    motto_w = pdf.get_string_width(MOTTO_2)
    x0 = pdf.l_margin + left + (right - motto_w) / 2
    pdf.line(x0, pdf.get_y(), x0 + motto_w, pdf.get_y())
    pdf.ln(3)
    pdf.set_x(pdf.l_margin + left)
    pdf.set_font("DejaVu", "I", 10.5)
    signed_on = _local_day(m.get("certified_at") or m.get("closed_at"))
    pdf.cell(right, 6, place_and_date(m["lead"]["name"], signed_on), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), left_bottom) + 8)

    line("BIÊN BẢN KIỂM PHIẾU", size=14, bold=True, align="C", gap=1)
    award = m.get("award_label") or AWARD_LABELS.get(m["award"], m["award"])
    line(f"Bình xét đề nghị tặng {award} năm {m['year']}", align="C", gap=6)
    rules = m["rules"]
    line(f"Số đơn vị được đề nghị: {rules['seats']}; mỗi phiếu chọn tối đa {rules['max_choices']} đơn vị; "
         f"ngưỡng đạt: trên {rules['threshold']} số phiếu hợp lệ; túc số: {rules['quorum']} số thành viên; "
         f"{'được' if rules['self_vote'] else 'không được'} tự bầu cho đơn vị mình.")
    line(f"Mở bỏ phiếu: {format_datetime(m.get('opened_at'))}; kết thúc: {format_datetime(m.get('closed_at'))}.")
    turnout = format_number(round(float(m["turnout"]) * 100, 1))
    line(f"Tổng số thành viên: {m['electorate_size']}; số phiếu đã bỏ: {m['ballots_cast']} ({turnout}%); "
         f"phiếu trắng: {m['blank_ballots'] if m['blank_ballots'] is not None else '—'}; "
         f"{'đủ' if m['quorum_met'] else 'không đủ'} túc số.", gap=4)

    def table(title: str, headers: Sequence[str], shares: Sequence[float], rows: Sequence[Sequence[str]],
              aligns: Sequence[str]) -> None:
        cols = [width * s for s in shares]
        # a table's title never stays alone at the foot of a page
        if pdf.will_page_break(7 * min(len(rows) + 2, 4) + 8):
            pdf.add_page()
        line(title, bold=True, gap=2)
        pdf.set_font("DejaVu", "B", 10)
        for text, w in zip(headers, cols):
            pdf.cell(w, 7, text, border=1, align="C")
        pdf.ln()
        pdf.set_font("DejaVu", "", 10)
        for row in rows:
            for text, w, align in zip(row, cols, aligns):
                pdf.cell(w, 7, text, border=1, align=align)
            pdf.ln()
        pdf.ln(4)

    paper = {p["code"]: p.get("document_ref") for p in m.get("paper_ballots") or []}
    attendance = []
    for i, e in enumerate(m.get("electorate") or [], start=1):
        how = CHANNELS.get(str(e.get("channel")), "Không bỏ phiếu") if e.get("voted") else "Không bỏ phiếu"
        if e.get("channel") == "paper" and paper.get(e["code"]):
            how += f" (số {paper[e['code']]})"
        attendance.append((str(i), e["name"], how))
    if attendance:
        table("Thành viên và việc bỏ phiếu", ("STT", "Đơn vị", "Bỏ phiếu"), (0.1, 0.45, 0.45), attendance,
              ("C", "L", "L"))
    if m.get("votes"):
        proposed = {u["code"] for u in m.get("proposed") or []}
        rows = [(str(i), v["name"], str(v["votes"]), "Đề nghị" if v["code"] in proposed else "")
                for i, v in enumerate(m["votes"], start=1)]
        table("Kết quả kiểm phiếu", ("STT", "Đơn vị", "Số phiếu", "Kết quả"), (0.1, 0.5, 0.18, 0.22), rows,
              ("C", "L", "C", "C"))
    if m.get("carried_over"):
        line("Đơn vị đã trúng ở vòng trước: " + ", ".join(u["name"] for u in m["carried_over"]) + ".")
    names = ", ".join(u["name"] for u in m.get("proposed") or []) or "không có đơn vị nào"
    line(f"Đề nghị: {names}.", bold=True, gap=3)
    line(f"Kết quả được chứng nhận lúc {format_datetime(m.get('certified_at'))}.")
    if m.get("decided_at"):
        line(f"Bộ Nội vụ {'phê duyệt' if m['state'] == 'approved' else 'trả lại'} lúc "
             f"{format_datetime(m['decided_at'])}" + (f": {m['return_reason']}." if m.get("return_reason") else "."))

    # the signature block stays whole: on the next page when it would not fit here
    block = 48
    if pdf.will_page_break(block):
        pdf.add_page()
    pdf.ln(6)
    half = width / 2
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(half, 6, "THƯ KÝ", align="C")
    pdf.cell(half, 6, "ĐẠI DIỆN ĐƠN VỊ TRƯỞNG CỤM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9.5)
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C")
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên, đóng dấu)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(22)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(half, 6, "")
    pdf.cell(half, 6, signer_name or "", align="C", new_x="LMARGIN", new_y="NEXT")
    if signer_name and signer_position:
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(half, 5, "")
        pdf.cell(half, 5, signer_position, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 5, f"Mã vòng bỏ phiếu: {m['round_id']}", align="L")
    return bytes(pdf.output())


# ---------------------------------------------------------------- rankings as .xlsx

def ranking_xlsx(ranking: dict[str, Any], *, national: bool, headers: Sequence[str], title: str) -> bytes:
    """One sheet: a title, the column headers (in the user's language) and one row per unit."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Xep hang" if not national else "Toan quoc"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(headers))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF0F3")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in ranking["rows"]:
        values: list[Any] = [row["rank"], row["province"], row["name"]]
        if national:
            values += [row.get("cluster"), row.get("cluster_rank")]
        values += [row["regular"], row["bonus"], row["penalty"], row["total"], round(row["share"] * 100, 2),
                   row["band"]]
        ws.append(values)
    widths = [7, 7, 22] + ([16, 10] if national else []) + [11, 11, 11, 11, 11, 14]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- SVG

BAND_COLOURS = ["#1d6b3a", "#1b4f8a", "#b7791f", "#7a7f87", "#9b1c1c"]


def bar_chart_svg(bars: Sequence[dict[str, Any]], *, max_value: float, label: str, lang: str = "vi",
                  highlight: Sequence[str] = (), places: int | None = None, label_chars: int = 15) -> str:
    """A horizontal bar chart: ``bars`` are ``{"key", "label", "value", "colour"?}``. Scales with
    its container (viewBox); text stays readable because it is the SVG's own, not an image.
    ``label_chars``: how much of a label shows before "…" (the label column widens with it)."""
    row_h, value_w, chart_w = 36, 64, 290
    label_w = 150 if label_chars <= 15 else 11 * label_chars
    width = label_w + chart_w + value_w
    height = row_h * max(len(bars), 1) + 10
    scale = chart_w / max_value if max_value > 0 else 0
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(label)}" class="chart" width="100%" preserveAspectRatio="xMinYMin meet">'),
             f"<title>{escape(label)}</title>"]
    for i, bar in enumerate(bars):
        y = 5 + i * row_h
        value = float(bar["value"] or 0)
        w = max(value * scale, 0)
        colour = bar.get("colour") or ("#9b1c1c" if bar["key"] in highlight else "#1b4f8a")
        text = format_number(value, lang, places)
        name = str(bar["label"])
        short = name if len(name) <= label_chars else name[:label_chars - 1] + "…"   # the full name stays in the title
        parts.append(f'<text x="{label_w - 8}" y="{y + 23}" text-anchor="end" font-size="17" '
                     f'fill="#1f2328">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" rx="3" '
                     f'fill="{colour}"><title>{escape(str(bar["label"]))}: {escape(text)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 23}" font-size="17" font-weight="600" '
                     f'fill="#1f2328">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def band_colour(band: str | None, bands: Sequence[str]) -> str:
    if band is not None and band in bands:
        return BAND_COLOURS[min(list(bands).index(band), len(BAND_COLOURS) - 1)]
    return BAND_COLOURS[-2]


def qr_svg(url: str, *, label: str) -> str:
    """The QR code of ``url`` as inline SVG (dark on white, a quiet zone of 4 modules)."""
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=10, border=4, xmldecl=False, svgns=True, title=label, svgclass="qr", omitsize=True,
            lineclass=None, dark="#000", light="#fff")
    return out.getvalue().decode()
