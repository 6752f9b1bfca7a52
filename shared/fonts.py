"""The Unicode font a PDF is set in: the first installed family of the configured candidates."""
from __future__ import annotations

from pathlib import Path

from shared.errors import Unavailable


def unicode_font(candidates: list[tuple[str, str, str]], *, without: str) -> tuple[str, str, str]:
    """(regular, bold, italic) of the first candidate whose regular and bold files are installed, the
    regular standing in for a missing italic; 503 ``pdf-font-missing`` when none is, saying what still
    works ``without`` one (the HTML print view, the JSON...)."""
    for regular, bold, italic in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold, italic if Path(italic).is_file() else regular
    raise Unavailable("no Unicode font for the PDF is installed (fonts-liberation or fonts-dejavu-core); "
                      f"{without} without one", slug="pdf-font-missing")
