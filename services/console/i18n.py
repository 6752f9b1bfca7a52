"""Languages of the console: Vietnamese by default, English on a switch (a cookie).

The catalogue is one Python dict per language (``messages.py``); ``t(key, **values)`` looks a key up
in the request's language and fills ``{placeholders}``. Dates read dd/mm/yyyy and decimals take a
comma in Vietnamese, as in the minutes.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.console.messages import CATALOGUES
from shared.vietnam import format_decimal, parse_decimal

LANGUAGES = ("vi", "en")
LANG_COOKIE = "thidua_lang"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


PLURAL_COUNTS = ("n", "count", "seats")


def translate(lang: str, key: str, **values: Any) -> str:
    catalogue = CATALOGUES.get(lang) or CATALOGUES["vi"]
    template = catalogue.get(key)
    if template is None:
        template = CATALOGUES["vi"].get(key, key)
    if "||" in template:
        # English counts: "{n} seat||{n} seats" is "1 seat", "2 seats" (Vietnamese has one form).
        one, other = template.split("||", 1)
        count = next((values[k] for k in PLURAL_COUNTS if k in values), None)
        template = one if str(count) in ("1", "1.0") else other
    return nfc(template.format(**values) if values else template)


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        return translate(lang, key, **values)
    return t


def format_date(value: date | datetime | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy in both languages (the English switch keeps the Vietnamese order: these are
    Vietnamese documents)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | str | None, lang: str = "vi") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return value.strftime("%H:%M %d/%m/%Y")


def format_number(value: float | Decimal | str | None, lang: str = "vi", places: int | None = None) -> str:
    """Decimal comma and dot thousands in Vietnamese (1.234,5), the reverse in English; blank for
    nothing, and what is not a number as it came."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return format_decimal(number, language=lang, places=places)


# Read a number typed either way (``7,5`` or ``7.5``); None when it is not one.
parse_number = parse_decimal
