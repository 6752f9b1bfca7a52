"""A movement's documents: the roll-up as .xlsx (openpyxl) and the book of selected models as PDF
(fpdf2 with DejaVu Sans, as the minutes). Pure functions of the API's answers."""
from __future__ import annotations

import io
from typing import Any

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from services.console.documents import _font_dir
from services.console.i18n import format_date, format_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE_VI = {"registered": "Đã đăng ký", "under_assessment": "Đang thẩm định", "recognised": "Đã công nhận",
            "not_recognised": "Không công nhận", "withdrawn": "Đã rút", None: "Chưa đăng ký"}
LEVEL_VI = {"commune": "cấp xã", "province": "cấp tỉnh", "ministry": "cấp bộ", "national": "toàn quốc"}
FIGURE_VI = {"money_vnd": "Số tiền huy động (đồng)", "houses": "Số nhà xây, sửa", "households": "Số hộ được giúp đỡ",
             "people": "Số người tham gia", "workdays": "Ngày công", "km_roads": "Số km đường"}


def _cell(value: Any) -> Any:
    # Text that starts like a formula is written as text: a unit's name never runs in the reader's Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF0F3")
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for i, w in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = w
    sheet.freeze_panes = "A2"


def rollup_xlsx(movement: dict[str, Any], rollup: dict[str, Any]) -> bytes:
    """Four sheets: by level, by unit, by field, by phase."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _sheet(book, "Theo cap", ["Cấp (mã)", "Phải đăng ký", "Đã đăng ký", "Tỷ lệ (%)", "Mô hình", "Được công nhận"],
           [[p["parent_code"], p["expected"], p["registered"],
             round(100 * p["registered"] / p["expected"], 1) if p["expected"] else 0, p["models"], p["recognised"]]
            for p in rollup["by_parent"]], [14, 14, 14, 12, 12, 16])
    _sheet(book, "Theo don vi", ["Mã", "Đơn vị", "Cấp trên", "Đăng ký", "Danh hiệu đăng ký", "Mô hình",
                                 "Được công nhận", "Báo cáo"],
           [[u["unit_code"], u["unit_name"], u["parent_code"] or "", STATE_VI.get(u["registration"], ""), u["titles"],
             u["models"], u["recognised"], u["reports"]] for u in rollup.get("units") or []],
           [10, 36, 10, 16, 18, 10, 16, 10])
    _sheet(book, "Theo linh vuc", ["Lĩnh vực", "Mô hình", "Đã đăng ký", "Đang thẩm định", "Đã công nhận",
                                   "Không công nhận"],
           [[f["field_name"], f["models"], *(f["by_state"].get(s, 0) for s in
                                             ("registered", "under_assessment", "recognised", "not_recognised"))]
            for f in rollup["by_field"]], [30, 10, 12, 16, 14, 16])
    _sheet(book, "Theo dot", ["Đợt", "Tên", "Mô hình đăng ký", "Báo cáo sơ kết", "Đơn vị phải báo cáo"],
           [[p["number"], p["name"], p["models"], p["reports"], p["expected_reports"]] for p in rollup["by_phase"]],
           [8, 30, 16, 16, 20])
    book.properties.title = movement["name"]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def book_pdf(movement: dict[str, Any], publication: dict[str, Any]) -> bytes:
    """The publication: a title page, then each model with its unit, owner, field, recognition and
    figures, numbered in the organiser's order."""
    font_dir = _font_dir()
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    pdf.set_title(publication["title"])
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: float = 11, bold: bool = False, align: str = "L", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.ln(50)
    line(movement["organiser_name"].upper(), bold=True, align="C", gap=20)
    line(publication["title"].upper(), size=18, bold=True, align="C", gap=8)
    line(movement["name"], size=12, align="C", gap=4)
    line(f"{len(publication['models'])} mô hình, điển hình", size=11, align="C")
    for index, model in enumerate(publication["models"], start=1):
        pdf.add_page()
        line(f"{index}. {model['title']}", size=13, bold=True, gap=2)
        line(f"Đơn vị: {model['unit_name']} ({model['unit_code']}) · Lĩnh vực: {model['field_name']}", size=10)
        line(f"Chủ thể: {model['owner_name']}", size=10)
        if model.get("decision_number"):
            line(f"Được công nhận {LEVEL_VI.get(model.get('recognition_level') or '', '')} theo Quyết định số "
                 f"{model['decision_number']} ngày {format_date(model.get('decision_date'))}", size=10, gap=4)
        line(model["description"], size=11, gap=3)
        for key, value in (model.get("figures") or {}).items():
            line(f"• {FIGURE_VI.get(key, key)}: {format_number(value)}", size=10, gap=0.5)
    return bytes(pdf.output())
