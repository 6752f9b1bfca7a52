"""The decision as printed, read back from its PDF page by page (pypdf): the national title on one
line, the forms' proper names capitalised, the place and date, the signer named, the signature
block never alone on a page, the appendix on its own page; and the register's workbook dates."""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from services.nominations.commendations import export, printing
from services.nominations.settings import NominationsSettings

ENTRIES = [
    {"kind": "collective", "name": "Sở Nội vụ tỉnh Hưng Yên", "unit": None, "province_name": "Hưng Yên",
     "form_name": "Cờ thi đua của Bộ Nội vụ", "position": None},
    {"kind": "individual", "name": "Nguyễn Văn An", "position": "Chuyên viên", "unit": "Sở Nội vụ tỉnh Quảng Ninh",
     "province_name": "Quảng Ninh", "form_name": "Bằng khen của Bộ trưởng Bộ Nội vụ"},
]
DECISION = {"number": "125/QĐ-BNV", "year": 2026, "signed_on": date(2027, 1, 8), "state": "issued",
            "summary": "Về việc tặng Cờ thi đua và Bằng khen của Bộ trưởng Bộ Nội vụ năm 2026",
            "bases": ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                      "Theo đề nghị của Trưởng ban Ban Thi đua - Khen thưởng Trung ương."],
            "signer_title": "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", "signer_name": "Trần Văn Mẫu", "organiser": "BNV",
            "entries": ENTRIES}


def pages_of(pdf: bytes) -> list[list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [[ln.strip() for ln in page.extract_text(extraction_mode="layout").splitlines() if ln.strip()]
            for page in reader.pages]


def render(decision: dict) -> list[list[str]]:
    settings = NominationsSettings()
    doc = printing.document(decision, settings=settings)
    return pages_of(printing.pdf(doc, fonts=settings.pdf_fonts))


def check_pages(pages: list[list[str]]) -> None:
    first = pages[0]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ln for ln in first), first[:5]
    assert any("Độc lập - Tự do - Hạnh phúc" in ln for ln in first)
    assert not any(ln.endswith("VIỆT") or ln.startswith("NAM") for ln in first)
    for number, lines in enumerate(pages, start=1):
        body = [ln for ln in lines if not re.fullmatch(r"\d+", ln)]      # the page number aside
        assert len(body) >= 3, f"page {number} holds only {body}"
    text = "\n".join(ln for page in pages for ln in page)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)


def test_a_decision_prints_on_its_page_with_the_appendix_after() -> None:
    pages = render(DECISION)
    assert len(pages) == 2
    check_pages(pages)
    decision = "\n".join(pages[0])
    assert "Hà Nội, ngày 08 tháng 01 năm 2027" in decision                  # place and date
    flat = " ".join(" ".join(ln.split()) for ln in pages[0])
    assert "Tặng Cờ thi đua của Bộ Nội vụ, Bằng khen của Bộ trưởng Bộ Nội vụ cho 1 tập thể" in flat
    assert "bộ nội vụ" not in flat
    assert "Trần Văn Mẫu" in decision and "THỨ TRƯỞNG" in decision
    appendix = " ".join(" ".join(ln.split()) for ln in pages[1])
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in appendix
    assert "của Bộ trưởng Bộ Nội vụ)" in appendix and "I. CỜ THI ĐUA CỦA BỘ NỘI VỤ" in appendix
    assert "Nguyễn Văn An, Chuyên viên, Sở Nội vụ tỉnh Quảng Ninh" in appendix


def test_a_long_decision_keeps_its_last_article_with_the_signature() -> None:
    bases = [f"Căn cứ văn bản số {i}/2026 về công tác thi đua, khen thưởng của các bộ, ngành và địa phương "
             f"trong năm, với nội dung dài để đẩy chữ ký sang trang sau;" for i in range(1, 12)]
    for extra in range(0, 6):
        pages = render({**DECISION, "bases": bases[:6 + extra]})
        check_pages(pages)
        signature = next(i for i, page in enumerate(pages) if any("Trần Văn Mẫu" in ln for ln in page))
        assert any(ln.startswith("Điều 3.") for ln in pages[signature]), (extra, pages[signature][:4])
        assert any("Nơi nhận" in ln for ln in pages[signature])


def test_the_register_workbook_shows_dates_as_day_month_year() -> None:
    item = {"year": 2026, "form_name": "Cờ thi đua của Bộ Nội vụ", "kind": "collective", "name": "Sở Nội vụ",
            "position": None, "unit": None, "province_name": "Hưng Yên", "cluster_code": "NOIVU-BAC",
            "decision_number": "125/QĐ-BNV", "decision_date": "2027-01-08"}
    sheet = load_workbook(io.BytesIO(export.workbook([item]))).active
    cell = sheet["J2"]
    assert cell.value.date() == date(2027, 1, 8) and cell.number_format == "dd/mm/yyyy"
