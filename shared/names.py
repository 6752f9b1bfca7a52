"""Names people read and rules compare: nominees, persons, clusters, units, organisers.

A name is shown to others and checked for uniqueness, so two things are refused or folded away:

- characters nobody sees, or that reorder what is shown: controls (Cc), formats (Cf: the
  bidirectional embeddings, overrides and isolates U+202A–202E, U+2066–2069, zero-width space,
  joiners, U+FEFF...), line and paragraph separators, private-use, surrogate and unassigned code
  points. ``name()`` refuses them (a field validator: the problem names the field);
- letters that look like others: ``skeleton()`` is what uniqueness rules compare, after Unicode
  TS #39's skeleton: NFKC, then the confusable look-alikes mapped to their Latin prototype, then
  case folded, white space collapsed. The mapping is a compact table of the Cyrillic and Greek
  letters (and the digits 0 and 1) that are drawn like Latin ones, taken from Unicode's
  confusables.txt; it does not cover every script of confusables.txt (no package shipping that
  file is a dependency of the project), which for Vietnamese names, written in Latin letters with
  diacritics, is where look-alikes come from. Diacritics are kept: "Lê" and "Le" stay two names,
  as in TS #39.
"""
from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

from shared.text import nfc

# Control, format (bidi, zero-width), separators that break lines, private use, surrogates, unassigned.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})

# Look-alike → Latin prototype (confusables.txt), upper and lower case; applied after NFD so a
# letter with a diacritic (Cyrillic ё = е + ◌̈) maps through its base letter.
_CONFUSABLES: dict[str, str] = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "Ү": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "l",
    "Ԁ": "d", "Ꙇ": "I",
    # Cyrillic small letters
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y", "ԁ": "d", "ɡ": "g", "ѵ": "v",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    # Greek small letters
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "γ": "y", "ϲ": "c", "ϳ": "j",
    "σ": "o",
    # Latin look-alikes NFKC leaves alone
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɩ": "i", "ʏ": "y", "Ð": "Đ", "ð": "đ", "ǀ": "l",
    # Digits drawn like letters
    "0": "o", "1": "l", "|": "l",
}
_TABLE = str.maketrans(_CONFUSABLES)


def refused_character(value: str) -> str | None:
    """The first character a name may not hold, as ``U+XXXX (NAME)``, or None."""
    for char in value:
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            label = unicodedata.name(char, "") or "unnamed"
            return f"U+{ord(char):04X} ({label})"
    return None


def name(value: str) -> str:
    """A name as stored: NFC, trimmed, not blank, and without invisible or reordering characters
    (use as a pydantic field validator, so the refusal names the field)."""
    bad = refused_character(value)
    if bad is not None:
        raise ValueError(f"must not contain control, bidirectional or invisible characters: {bad}")
    return nfc(value)


def optional_name(value: str | None) -> str | None:
    return None if value is None else name(value)


# A name field: ``Name`` in a pydantic model refuses what ``name`` refuses, naming the field.
Name = Annotated[str, AfterValidator(name)]


def skeleton(value: str) -> str:
    """What two names that look alike have in common (TS #39 skeleton, compact table, case folded)."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", value)).translate(_TABLE).casefold()
    return " ".join(unicodedata.normalize("NFC", folded).split())
