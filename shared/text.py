"""Vietnamese text: stored and compared in NFC so the same name never appears in two encodings."""
from __future__ import annotations

import unicodedata


def nfc(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value
