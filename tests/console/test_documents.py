"""The console's documents and page helpers without a browser: the minutes PDF, the .xlsx, the
SVG chart and QR code, the result's places and the merger preview."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from openpyxl import load_workbook  # type: ignore[import-untyped]

from services.console import cluster_year as cy
from services.console import documents

MINUTES = {
    "round_id": "r1", "cluster": {"code": "NOIVU-BAC", "name": "Cụm thi đua phía Bắc"}, "year": 2026,
    "award": "ministry_flag", "award_label": "Cờ thi đua của Bộ Nội vụ", "state": "certified",
    "lead": {"code": "22", "name": "Quảng Ninh"},
    "rules": {"seats": 1, "max_choices": 1, "threshold": "1/2", "quorum": "2/3", "self_vote": False},
    "paper_ballots": [{"code": "37", "name": "Ninh Bình", "document_ref": "125/SNV-TĐKT"}],
    "electorate_size": 4, "ballots_cast": 3, "blank_ballots": 0, "turnout": 0.75, "quorum_met": True,
    "votes": [{"code": "22", "name": "Quảng Ninh", "votes": 2}, {"code": "31", "name": "Hải Phòng", "votes": 1}],
    "carried_over": [], "proposed": [{"code": "22", "name": "Quảng Ninh"}],
    "opened_at": "2026-12-01T09:00:00+07:00", "closed_at": "2026-12-01T09:30:00+07:00",
    "certified_at": "2026-12-01T09:40:00+07:00", "certified_by": "province-22", "decided_at": None,
    "decided_by": None, "return_reason": None,
}


def test_the_minutes_pdf_embeds_a_unicode_font() -> None:
    pdf = documents.minutes_pdf(MINUTES)
    assert pdf.startswith(b"%PDF") and b"DejaVu" in pdf and len(pdf) > 5000


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
