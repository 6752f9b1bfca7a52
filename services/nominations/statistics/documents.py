"""A statistics form as the office files it: an Excel workbook in the form's layout (openpyxl
write-only, as the register's export) and a PDF (fpdf2, A4 landscape, a Unicode font from the
settings). Both take the form's JSON (``service.compute_form``) and run in a worker process
(``shared.exports.DocumentBuilder``): module-level functions of plain data."""
from __future__ import annotations

import io
from typing import Any

from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from shared.pdf import Page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
SHADED = "x"  # the printed forms' mark for a cell that does not apply
RECEIVER = "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"


def _who(form: dict[str, Any]) -> str:
    if form["organiser"] == "BNV":
        return "Bộ Nội vụ (BNV)"
    return form["organiser"] or "Toàn quốc (mọi đơn vị tổ chức)"


def heading(form: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's heading lines (label, value), the same in the workbook and the PDF."""
    return [("Biểu số", form["symbol"]), ("Tên biểu", form["title"].upper()),
            ("Đơn vị báo cáo", _who(form)), ("Đơn vị nhận báo cáo", RECEIVER),
            ("Năm báo cáo", str(form["year"])), ("Ngày nhận báo cáo", f"15/12/{form['year']}"),
            ("Đơn vị tính", form["unit"])]


def _text(value: Any) -> Any:
    # A label that starts like a formula is written as text: nothing runs in the reader's Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def workbook(form: dict[str, Any]) -> bytes:
    """Sheet 1 the form (heading, column heads with their numbers, one row per indicator, "x" in the
    shaded cells, the basis and notes, the signatures); sheet 2 each figure's source query."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(form["symbol"].split(".")[0])
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 58
    for i in range(len(form["columns"])):
        sheet.column_dimensions[_letter(i + 2)].width = 14

    def cell(value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
             align: Alignment | None = None) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=_text(value))
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if align is not None:
            c.alignment = align
        return c

    for label, value in heading(form):
        sheet.append([None, cell(f"{label}: {value}", font=bold if label in ("Biểu số", "Tên biểu") else None)])
    sheet.append([])
    sheet.append([cell("STT", font=bold), cell("Chỉ tiêu", font=bold)]
                 + [cell(c["label"], font=bold, align=wrap) for c in form["columns"]])
    sheet.append([cell("A", font=bold), cell("B", font=bold)] + [cell(c["number"], font=bold) for c in form["columns"]])
    for row in form["rows"]:
        label = ("    " * row["indent"]) + row["label"]
        values = [cell(SHADED, fill=shade) if c["value"] is None else cell(c["value"]) for c in row["cells"]]
        sheet.append([cell(row["number"]), cell(label, font=bold if row["indent"] == 0 else None)] + values)
    sheet.append([])
    for note in [form["basis"], *form["notes"]]:
        sheet.append([None, cell(note, align=wrap)])
    sheet.append([])
    sheet.append([None, cell("NGƯỜI LẬP BIỂU", font=bold)] + [None] * max(0, len(form["columns"]) - 2)
                 + [cell("THỦ TRƯỞNG ĐƠN VỊ", font=bold)])
    sheet.append([None, cell("(Ký, ghi rõ họ tên)")] + [None] * max(0, len(form["columns"]) - 2)
                 + [cell("(Ký, đóng dấu, ghi rõ họ tên)")])

    sources = book.create_sheet("Nguồn số liệu")
    sources.column_dimensions["A"].width = 40
    sources.column_dimensions["B"].width = 50
    sources.column_dimensions["C"].width = 40
    sources.column_dimensions["E"].width = 100
    sources.append([cell(h, font=bold) for h in ("Ô", "Chỉ tiêu", "Cột", "Số liệu", "Danh sách hồ sơ được đếm")])
    labels = {c["key"]: c["label"] for c in form["columns"]}
    for row in form["rows"]:
        for c in row["cells"]:
            if c["value"] is not None:
                sources.append([c["cell"], _text(row["label"]), _text(labels[c["column"]]), c["value"], c["records"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def pdf(form: dict[str, Any], fonts: list[tuple[str, str, str]]) -> bytes:
    """A4 landscape: the heading, the table (shaded cells marked "x"), the basis and notes, and the
    signature blocks of the preparer and the head."""
    page = Page(fonts, without="the JSON and the workbook work", margins=(15, 12, 12), orientation="L")
    p, width = page.pdf, page.width
    p.set_font("Doc", "B", 10)
    p.cell(width * 0.3, 5, f"Biểu số: {form['symbol']}", new_x=XPos.RIGHT)
    p.multi_cell(width * 0.4, 5, form["title"].upper(), align="C", new_x=XPos.RIGHT, new_y=YPos.TOP)
    p.set_font("Doc", "", 9)
    p.multi_cell(width * 0.3, 4.5, f"Đơn vị báo cáo: {_who(form)}\nĐơn vị nhận báo cáo: {RECEIVER}",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_font("Doc", "I", 9)
    p.multi_cell(width, 4.5, f"Năm báo cáo: {form['year']}. Ngày nhận báo cáo: 15/12/{form['year']}. "
                             f"Đơn vị tính: {form['unit']}.", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.ln(2)
    count = len(form["columns"])
    first, second = 10.0, 70.0
    rest = (width - first - second) / max(count, 1)
    widths = (first, second, *([rest] * count))
    p.set_font("Doc", "", 7.5)
    with p.table(col_widths=widths, text_align=("CENTER", "LEFT", *(["CENTER"] * count)), line_height=3.6,
                 first_row_as_headings=True, headings_style=_headings(), num_heading_rows=2) as table:
        table.row(["STT", "Chỉ tiêu", *[c["label"] for c in form["columns"]]])
        table.row(["A", "B", *[c["number"] for c in form["columns"]]])
        for row in form["rows"]:
            cells = [SHADED if c["value"] is None else f"{c['value']:,}".replace(",", ".") for c in row["cells"]]
            table.row([row["number"], ("   " * row["indent"]) + row["label"], *cells])
    p.ln(2)
    p.set_font("Doc", "I", 8)
    for note in [form["basis"], *form["notes"]]:
        p.multi_cell(width, 4, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.ln(3)
    p.set_font("Doc", "B", 10)
    p.cell(width / 2, 5, "NGƯỜI LẬP BIỂU", align="C", new_x=XPos.RIGHT)
    p.cell(width / 2, 5, "THỦ TRƯỞNG ĐƠN VỊ", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    p.set_font("Doc", "I", 9)
    p.cell(width / 2, 5, "(Ký, ghi rõ họ tên)", align="C", new_x=XPos.RIGHT)
    p.cell(width / 2, 5, "(Ký, đóng dấu, ghi rõ họ tên)", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return page.output()


def _headings() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family="Doc", emphasis="BOLD", fill_color=(230, 230, 230))
