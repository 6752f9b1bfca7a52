"""The award register as an Excel workbook (openpyxl), one row per award.

Written in openpyxl's write-only mode (rows go to the file as they come, memory stays flat
whatever the number of rows) and run in a worker process by the route (shared.exports), never on
the service's event loop: at the 50,000-row cap it is seconds of CPU."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [("year", "Năm"), ("form_name", "Hình thức khen thưởng"), ("kind", "Tập thể/Cá nhân"), ("name", "Tên"),
           ("position", "Chức vụ"), ("unit", "Đơn vị"), ("province_name", "Tỉnh, thành phố"),
           ("cluster_code", "Cụm thi đua"), ("decision_number", "Số quyết định"), ("decision_date", "Ngày quyết định")]
KINDS = {"collective": "Tập thể", "individual": "Cá nhân"}


def _cell(value: Any) -> Any:
    # A text cell that starts like a formula is written as text: a name never runs in the reader's Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _day(sheet: Any, value: Any) -> Any:
    """A date cell Excel sorts as a date and shows as dd/mm/yyyy (Vietnamese usage), never ISO."""
    if isinstance(value, str) and value:
        value = date.fromisoformat(value[:10])
    if not isinstance(value, date):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "dd/mm/yyyy"
    return cell


def workbook(items: list[dict[str, Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sổ khen thưởng")
    for column, width in zip("ABCDEFGHIJ", (6, 36, 12, 32, 28, 40, 20, 14, 16, 14)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for _, label in COLUMNS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for item in items:
        row = {**item, "kind": KINDS.get(item["kind"], item["kind"])}
        sheet.append([_day(sheet, row[key]) if key == "decision_date" else _cell(row[key]) for key, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
