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
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from services.console.i18n import format_datetime, format_number

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

def minutes_pdf(m: dict[str, Any]) -> bytes:
    font_dir = _font_dir()
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"Biên bản kiểm phiếu – {m['cluster']['name']} – {m['year']}")
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: float = 11, bold: bool = False, align: str = "L", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align="C", gap=0)
    line("Độc lập – Tự do – Hạnh phúc", bold=True, align="C", gap=6)
    line("BIÊN BẢN KIỂM PHIẾU", size=15, bold=True, align="C", gap=1)
    award = m.get("award_label") or AWARD_LABELS.get(m["award"], m["award"])
    line(f"Bình xét đề nghị {award} năm {m['year']}", align="C", gap=1)
    line(m["cluster"]["name"], align="C", gap=6)
    rules = m["rules"]
    line(f"Đơn vị trưởng cụm: {m['lead']['name']} ({m['lead']['code']})")
    line(f"Số đơn vị được đề nghị: {rules['seats']}; mỗi phiếu chọn tối đa {rules['max_choices']} đơn vị; "
         f"ngưỡng đạt: trên {rules['threshold']} số phiếu hợp lệ; túc số: {rules['quorum']} số thành viên; "
         f"{'được' if rules['self_vote'] else 'không được'} tự bầu cho đơn vị mình.")
    line(f"Mở bỏ phiếu: {format_datetime(m.get('opened_at'))}; kết thúc: {format_datetime(m.get('closed_at'))}.")
    turnout = format_number(round(float(m["turnout"]) * 100, 1))
    line(f"Tổng số thành viên: {m['electorate_size']}; số phiếu đã bỏ: {m['ballots_cast']} ({turnout}%); "
         f"phiếu trắng: {m['blank_ballots'] if m['blank_ballots'] is not None else '—'}; "
         f"{'đủ' if m['quorum_met'] else 'không đủ'} túc số.", gap=4)
    if m.get("paper_ballots"):
        line("Phiếu bầu bằng văn bản của thành viên vắng mặt:", bold=True)
        for p in m["paper_ballots"]:
            line(f"• {p['name']} ({p['code']}): văn bản số {p['document_ref']}", gap=0.5)
        pdf.ln(3)
    if m.get("votes"):
        line("Kết quả kiểm phiếu", bold=True, gap=2)
        pdf.set_font("DejaVu", "B", 10.5)
        cols = (width * 0.12, width * 0.5, width * 0.18, width * 0.2)
        for text, w in zip(("STT", "Đơn vị", "Số phiếu", "Kết quả"), cols):
            pdf.cell(w, 7, text, border=1, align="C")
        pdf.ln()
        proposed = {u["code"] for u in m.get("proposed") or []}
        pdf.set_font("DejaVu", "", 10.5)
        for i, v in enumerate(m["votes"], start=1):
            row = (str(i), f"{v['name']} ({v['code']})", str(v["votes"]), "Đề nghị" if v["code"] in proposed else "")
            for text, w, align in zip(row, cols, ("C", "L", "C", "C")):
                pdf.cell(w, 7, text, border=1, align=align)
            pdf.ln()
        pdf.ln(4)
    if m.get("carried_over"):
        line("Đơn vị đã trúng ở vòng trước: " + ", ".join(u["name"] for u in m["carried_over"]))
    names = ", ".join(u["name"] for u in m.get("proposed") or []) or "không có đơn vị nào"
    line(f"Đề nghị: {names}.", bold=True, gap=4)
    line(f"Chứng nhận kết quả lúc {format_datetime(m.get('certified_at'))} bởi {m.get('certified_by') or '—'}.")
    if m.get("decided_at"):
        line(f"Bộ Nội vụ {'phê duyệt' if m['state'] == 'approved' else 'trả lại'} lúc "
             f"{format_datetime(m['decided_at'])}" + (f": {m['return_reason']}" if m.get("return_reason") else "."))
    pdf.ln(10)
    half = width / 2
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(half, 6, "THƯ KÝ", align="C")
    pdf.cell(half, 6, "ĐẠI DIỆN ĐƠN VỊ TRƯỞNG CỤM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9.5)
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên)", align="C")
    pdf.cell(half, 5, "(Ký, ghi rõ họ tên, đóng dấu)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-15)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 5, f"Mã vòng bỏ phiếu: {m['round_id']}", align="C")
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
                  highlight: Sequence[str] = (), places: int | None = None) -> str:
    """A horizontal bar chart: ``bars`` are ``{"key", "label", "value", "colour"?}``. Scales with
    its container (viewBox); text stays readable because it is the SVG's own, not an image."""
    row_h, label_w, value_w, chart_w = 36, 150, 64, 290
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
        short = name if len(name) <= 15 else name[:14] + "…"   # the full name stays in the bar's title
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
