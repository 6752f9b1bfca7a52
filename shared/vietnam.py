"""How thidua writes Vietnam's time, dates and numbers: one place for every service and the console.

- Vietnam's time zone is ``Asia/Ho_Chi_Minh`` (UTC+7, no daylight saving since 1975). Servers run
  in UTC; an instant is shown in Vietnam time.
- Dates read ``DD/MM/YYYY`` and times ``HH:MM DD/MM/YYYY``, in both languages (these are
  Vietnamese documents: the English switch keeps the Vietnamese order).
- Numbers take a decimal comma and dot thousands in Vietnamese (``1.234,5``), the reverse in
  English (``1,234.5``).

Pure functions on typed values; each caller decides what a missing or unreadable value shows as.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

__all__ = ["DATE_FORMAT", "TIME_FORMAT", "TIME_ZONE", "VIETNAM", "format_date", "format_decimal", "format_time",
           "in_vietnam", "parse_decimal"]

#: The IANA name of Vietnam's time zone (what Celery's ``timezone`` and the minutes name).
TIME_ZONE = "Asia/Ho_Chi_Minh"
VIETNAM = ZoneInfo(TIME_ZONE)

DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M %d/%m/%Y"


def in_vietnam(at: datetime) -> datetime:
    """``at`` in Vietnam time; a naive datetime is taken as already in Vietnam time."""
    return at.astimezone(VIETNAM) if at.tzinfo is not None else at


def format_date(day: date) -> str:
    """``DD/MM/YYYY`` (a datetime: its date as written, with no time zone conversion)."""
    return day.strftime(DATE_FORMAT)


def format_time(at: datetime) -> str:
    """``HH:MM DD/MM/YYYY`` in Vietnam time (see :func:`in_vietnam`)."""
    return in_vietnam(at).strftime(TIME_FORMAT)


def format_decimal(number: Decimal | float | int, *, language: str = "vi", places: int | None = None) -> str:
    """Thousands grouped, ``places`` decimals (default: as many as the number has, no trailing
    zeros); a decimal comma and dot thousands in Vietnamese, the reverse otherwise."""
    value = Decimal(str(number))
    if places is not None:
        text = f"{value:,.{places}f}"
    else:
        text = f"{value:,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if language == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def parse_decimal(text: str) -> Decimal | None:
    """A number typed either way (``7,5`` or ``7.5``; ``1.234,5`` in Vietnamese); None when it is not one."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except ArithmeticError:
        return None
