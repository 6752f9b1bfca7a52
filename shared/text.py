"""Vietnamese text: stored and compared in NFC so the same name never appears in two encodings."""
from __future__ import annotations

import unicodedata
from typing import Annotated, overload

from pydantic import AfterValidator

NUL = "\x00"
NUL_MESSAGE = "must not contain the NUL character (U+0000)"


def storable(value: str | None) -> str | None:
    """PostgreSQL's text and jsonb cannot hold U+0000: refuse it while the field can still be named
    (the database would only say "invalid byte sequence", for no field)."""
    if value is not None and NUL in value:
        raise ValueError(NUL_MESSAGE)
    return value


# A free-text input that reaches the database as it is (not NFC-normalised).
StorableStr = Annotated[str, AfterValidator(storable)]


@overload
def nfc(value: str) -> str: ...
@overload
def nfc(value: None) -> None: ...


def nfc(value: str | None) -> str | None:
    if value is None:
        return None
    storable(value)
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value
