"""The console's documents and page helpers without a browser: the minutes PDF, the .xlsx, the
SVG chart and QR code, the result's places and the merger preview."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from services.console import cluster_year as cy
from services.console import documents

MINUTES = {
    "round_id": "r1", "cluster": {"code": "NOIVU-BAC", "name": "Cụm thi đua phía Bắc"}, "year": 2026,
    "award": "ministry_flag", "award_label": "Cờ thi đua của Bộ Nội vụ", "state": "certified",
    "lead": {"code": "22", "name": "Quảng Ninh"},
    "rules": {"seats": 1, "max_choices": 1, "threshold": "1/2", "quorum": "2/3", "self_vote": False},
    "paper_ballots": [{"code": "37", "name": "Ninh Bình", "document_ref": "125/SNV-TĐKT"}],
    "electorate": [{"code": "22", "name": "Quảng Ninh", "voted": True, "channel": "online"},
                   {"code": "31", "name": "Hải Phòng", "voted": True, "channel": "online"},
                   {"code": "33", "name": "Hưng Yên", "voted": False, "channel": None},
                   {"code": "37", "name": "Ninh Bình", "voted": True, "channel": "paper"}],
    "electorate_size": 4, "ballots_cast": 3, "blank_ballots": 0, "turnout": 0.75, "quorum_met": True,
    "votes": [{"code": "22", "name": "Quảng Ninh", "votes": 2}, {"code": "31", "name": "Hải Phòng", "votes": 1}],
    "carried_over": [], "proposed": [{"code": "22", "name": "Quảng Ninh"}],
    "opened_at": "2026-12-01T09:00:00+07:00", "closed_at": "2026-12-01T09:30:00+07:00",
    "certified_at": "2026-12-01T09:40:00+07:00", "certified_by": "province-22", "decided_at": None,
    "decided_by": None, "return_reason": None,
}


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Each page's text lines, as a reader sees them laid out."""
    reader = PdfReader(io.BytesIO(pdf))
    return [[ln.strip() for ln in page.extract_text(extraction_mode="layout").splitlines() if ln.strip()]
            for page in reader.pages]


def check_document_pages(pages: list[list[str]], *, footer: str) -> None:
    """What makes a document fit to sign, page by page: the national motto on one line, no page
    holding only a stray line (the footer aside), no ISO date, no account name where a person signs."""
    assert any(re.search(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ln) for ln in pages[0]), pages[0][:6]
    assert not any(ln.endswith("VIỆT") for ln in pages[0])
    for number, lines in enumerate(pages, start=1):
        body = [ln for ln in lines if footer not in ln]
        assert len(body) >= 3, f"page {number} holds only {body}"
    text = "\n".join(ln for lines in pages for ln in lines)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text) and "province-" not in text


def test_the_minutes_pdf_is_laid_out_to_sign() -> None:
    pdf = documents.minutes_pdf(MINUTES, signer_name="Nguyễn Văn Trưởng")
    assert pdf.startswith(b"%PDF") and b"DejaVu" in pdf
    pages = pdf_pages(pdf)
    check_document_pages(pages, footer="Trang")
    text = "\n".join(ln for lines in pages for ln in lines)
    assert len(pages) == 1
    assert "Quảng Ninh, ngày 01 tháng 12 năm 2026" in text                  # place and date
    assert re.search(r"Ninh Bình\s+Bằng văn bản \(số 125/SNV-TĐKT\)", text)   # the attendance table
    assert re.search(r"Hưng Yên\s+Không bỏ phiếu", text)
    assert "Nguyễn Văn Trưởng" in text and "Trang 1/1" in text


def test_a_long_minutes_pdf_breaks_pages_without_orphans() -> None:
    many = [{"code": f"{i:02d}", "name": f"Tỉnh thứ {i}", "voted": True, "channel": "online"} for i in range(1, 35)]
    pdf = documents.minutes_pdf({**MINUTES, "electorate": many, "electorate_size": 34,
                                 "votes": [{"code": e["code"], "name": e["name"], "votes": 1} for e in many]})
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    check_document_pages(pages, footer="Trang")
    assert any("ĐẠI DIỆN ĐƠN VỊ TRƯỞNG CỤM" in ln for ln in pages[-1])     # the signature block kept whole


def test_the_ranking_workbook_has_a_row_per_unit() -> None:
    ranking = {"rows": [
        {"rank": 1, "province": "22", "name": "Quảng Ninh", "regular": 95, "bonus": 2, "penalty": 0, "total": 97,
         "share": 0.97, "band": "Xuất sắc"},
        {"rank": 2, "province": "31", "name": "Hải Phòng", "regular": 92.5, "bonus": 4, "penalty": -1,
         "total": 95.5, "share": 0.955, "band": "Xuất sắc"}]}
    data = documents.ranking_xlsx(ranking, national=False, headers=list("ABCDEFGHI"), title="Xếp hạng 2026")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Xếp hạng 2026"
    assert [c.value for c in sheet[5]] == [2, "31", "Hải Phòng", 92.5, 4, -1, 95.5, 95.5, "Xuất sắc"]


def test_charts_and_qr_codes_are_well_formed_svg_with_text_escaped() -> None:
    svg = documents.bar_chart_svg([{"key": "x", "label": "<b>Thành phố Hồ Chí Minh</b>", "value": 3}],
                                  max_value=4, label="Số phiếu & tỷ lệ", places=1)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and "<b>" not in svg
    assert "3,0" in svg and len(root.findall("{http://www.w3.org/2000/svg}rect")) == 1
    qr = ET.fromstring(documents.qr_svg("http://127.0.0.1:8000/ballots/abc", label="QR"))
    assert qr.get("viewBox") and qr.get("width") is None        # scales with the page


def test_a_result_shares_places_on_equal_votes() -> None:
    rnd = {"names": {"22": "Quảng Ninh", "31": "Hải Phòng", "33": "Hưng Yên"},
           "result": {"ranking": [["22", 3], ["31", 3], ["33", 1]], "proposed": [], "tied": ["22", "31"]}}
    rows = cy.result_rows(rnd)
    assert [(r["code"], r["rank"], r["tied"]) for r in rows] == [("22", 1, True), ("31", 1, True), ("33", 3, False)]


def test_the_merger_preview_names_each_successor() -> None:
    previous = [{"code": "22", "name": "Quảng Ninh"}, {"code": "30", "name": "Hải Dương"}]
    now = [{"code": "22", "name": "Quảng Ninh", "predecessors": []},
           {"code": "31", "name": "Hải Phòng", "predecessors": [{"code": "30"}, {"code": "31"}]}]
    preview = cy.successors_preview(previous, now)
    assert [(p["before"]["code"], p["after"]["code"], p["changed"]) for p in preview] == \
        [("22", "22", False), ("30", "31", True)]
    # Hải Phòng, Hưng Yên, Ninh Bình absorbed others but are themselves unchanged
    unchanged = cy.successors_preview([{"code": "31", "name": "Hải Phòng"}], now)
    assert unchanged[0]["changed"] is False and unchanged[0]["after"]["name"] == "Hải Phòng"


def test_rotation_is_offered_only_where_it_can_work() -> None:
    now = [{"code": "22", "name": "Quảng Ninh", "predecessors": []},
           {"code": "31", "name": "Hải Phòng", "predecessors": [{"code": "30"}, {"code": "31"}]},
           {"code": "33", "name": "Hưng Yên", "predecessors": [{"code": "33"}, {"code": "34"}]}]
    period = {"members": [{"code": "22"}, {"code": "31"}]}
    assert cy.rotation_blocker(period, None, now) == "no_lead"                       # a new cluster
    assert cy.rotation_blocker(period, {"lead": None}, now) == "no_lead"
    assert cy.rotation_blocker(period, {"lead": {"code": "30"}}, now) is None         # Hải Dương → Hải Phòng
    assert cy.rotation_blocker(period, {"lead": {"code": "34"}}, now) == "lead_gone"  # Thái Bình → Hưng Yên, not a member
    assert cy.rotation_blocker({"members": [{"code": "22"}]}, {"lead": {"code": "22"}}, now) == "too_few"
