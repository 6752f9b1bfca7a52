"""The award register as an Excel workbook (openpyxl), one row per award.

Written in openpyxl's write-only mode (rows go to a temporary file as they come, strings inline,
memory stays flat whatever the number of rows) and run in a worker process by the route
(shared.exports), never on the service's event loop. The route's export (``write_register``)
reads the lines itself in that process, a batch at a time through a server-side cursor, and
writes the workbook to a file the route then streams: neither process ever holds the register."""
from __future__ import annotations

import asyncio
import io
from datetime import date
from typing import Any

import asyncpg
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.nominations.commendations.store import awards as award_store

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
    book, sheet = _book()
    for item in items:
        sheet.append(_row(sheet, item))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_register(dsn: str, query: dict[str, Any], max_rows: int, path: str) -> int:
    """In a worker process: the register's lines for ``query`` (``q`` already folded, as the
    store searches it), at most ``max_rows``, read in batches and written to ``path`` as a
    workbook. Returns the number of lines."""
    return asyncio.run(_write_register(dsn, query, max_rows, path))


async def _write_register(dsn: str, query: dict[str, Any], max_rows: int, path: str) -> int:
    book, sheet = _book()
    count = 0
    conn = await asyncpg.connect(dsn)
    try:
        # One snapshot for the whole document, read-only.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            async for rows in award_store.stream(conn, limit=max_rows, **query):
                for item in rows:
                    sheet.append(_row(sheet, item))
                count += len(rows)
    finally:
        await conn.close()
    book.save(path)
    return count


def _row(sheet: Any, item: Any) -> list[Any]:
    kind = item["kind"]
    return [_day(sheet, item[key]) if key == "decision_date" else _cell(KINDS.get(kind, kind) if key == "kind"
            else item[key]) for key, _ in COLUMNS]


def _book() -> tuple[Workbook, Any]:
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
    return book, sheet
