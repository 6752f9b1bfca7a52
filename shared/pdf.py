"""The A4 page of an administrative document (Decree 30/2020/NĐ-CP): a decision, minutes, a
statistics form. Set in the first installed Unicode font (``shared.fonts``), family ``Doc``."""
from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from shared.fonts import unicode_font

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


class Page:
    """One document being written: ``block`` after ``block`` down the page, text ``size`` points on
    lines ``line_height`` mm high unless told otherwise."""

    def __init__(self, fonts: list[tuple[str, str, str]], *, without: str, margins: tuple[float, float, float],
                 orientation: str = "P", size: float = 13, line_height: float = 6.5,
                 pdf_class: type[FPDF] = FPDF) -> None:
        regular, bold, italic = unicode_font(fonts, without=without)
        self.pdf = p = pdf_class(orientation=orientation, format="A4")
        p.add_font("Doc", "", regular)
        p.add_font("Doc", "B", bold)
        p.add_font("Doc", "I", italic)
        left, top, right = margins
        p.set_margins(left=left, top=top, right=right)
        p.set_auto_page_break(True, margin=top)
        p.add_page()
        self.width = p.w - p.l_margin - p.r_margin
        self.size, self.line_height = size, line_height

    def block(self, text: str, *, style: str = "", size: float | None = None, align: str = "J", w: float = 0,
              x: float | None = None, h: float | None = None) -> None:
        """A paragraph ``w`` wide (the whole width by default) from ``x`` (the left margin); the
        cursor ends at the left margin below it."""
        p = self.pdf
        p.set_font("Doc", style, size or self.size)
        if x is not None:
            p.set_x(x)
        p.multi_cell(w or self.width, h or self.line_height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def national_heading(self, issuer: Sequence[tuple[str, float | None]], place_date: str, *, issuer_share: float,
                         motto_size: float) -> None:
        """The issuer's lines (text, size) on the left, the national motto and the place and date on
        the right; the cursor below the longer of the two."""
        p, left_w = self.pdf, self.width * issuer_share
        w, x = self.width - left_w, p.l_margin + left_w
        top = p.get_y()
        for text, size in issuer:
            self.block(text, style="B", size=size, align="C", w=left_w)
        left_end = p.get_y()
        p.set_y(top)
        self.block(MOTTO, style="B", size=motto_size, align="C", w=w, x=x)
        self.block(MOTTO_2, style="B", align="C", w=w, x=x)
        self.block(place_date, style="I", align="C", w=w, x=x)
        p.set_y(max(left_end, p.get_y()) + 6)

    def table(self, headers: list[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        p = self.pdf
        with p.table(col_widths=tuple(widths), text_align="LEFT", line_height=5.5) as grid:
            p.set_font("Doc", "B", 10)
            grid.row(headers)
            p.set_font("Doc", "", 10)
            for row in rows:
                grid.row(row)

    def signatures(self, signers: Sequence[tuple[str, str]], *, gap: float = 24) -> None:
        """Side by side: each signer's role, room for the signature and the seal, its name."""
        p = self.pdf
        top, column = p.get_y(), self.width / len(signers)
        for i, (role, name) in enumerate(signers):
            x = p.l_margin + i * column
            p.set_y(top)
            self.block(role, style="B", align="C", w=column, x=x)
            p.set_y(top + gap)
            self.block(name, style="B", align="C", w=column, x=x)

    def output(self) -> bytes:
        out = io.BytesIO()
        self.pdf.output(out)
        return out.getvalue()
