"""Event payloads for the template tests: one complete payload per templated event type."""
from __future__ import annotations

import unicodedata

from services.notifications.domain.templates import Message

CLUSTER_NAME = "Cụm thi đua Sở Nội vụ phía Bắc"
CLUSTER = dict(cluster_code="NV-BAC", cluster_name=CLUSTER_NAME, year=2026)
ROUND = dict(round_id="r-1", **CLUSTER, award="government_flag", lead_code="22")
ELECTORATE = ["22", "37", "30"]
CLOSES = "2026-12-20T10:00:00+00:00"  # 17:00 in Hà Nội

MOVEMENT = dict(movement_id="7c1c0b1e-0000-4000-8000-000000000000", organiser_code="UBND-22",
                name="Phong trào thi đua “Quảng Ninh đoàn kết, đổi mới, phát triển” năm 2024")
PHASE = dict(**MOVEMENT, phase=1, phase_name="Đợt 1", starts_on="2024-01-01", ends_on="2024-06-30",
             report_deadline="2024-07-10", provinces=["22"])
MOVEMENT_PAYLOADS = {
    "nominations.movement.launched": dict(
        **MOVEMENT, kind="regular", organiser_name="Ủy ban nhân dân tỉnh Quảng Ninh", starts_on="2024-01-01",
        ends_on="2024-12-31", registration_deadline="2024-03-25", document_number="45/KH-UBND", units=15,
        provinces=["22"]),
    "nominations.movement.phase_started": PHASE,
    "nominations.movement.phase_ended": PHASE,
    "nominations.movement.registration_due": dict(**MOVEMENT, deadline="2024-03-25",
                                                  unregistered=["22013", "22014"], provinces=["22"]),
    "nominations.movement.model_recognised": dict(
        movement_id=MOVEMENT["movement_id"], movement_name="Phong trào thi đua “Dân vận khéo” năm 2026",
        model_id="8c1c0b1e-0000-4000-8000-000000000000", title="Mái ấm cho người nghèo", unit_code="22001",
        level="province", decision_number="35/QĐ-BCĐ", decision_date="2026-07-20", provinces=["22"]),
}

PAYLOADS = {
    "registry.leadership.rotated": dict(
        **CLUSTER, method="rotation", lead={"code": "22", "name": "Quảng Ninh"},
        deputy={"code": "37", "name": "Ninh Bình"},
        members=[{"code": "22", "name": "Quảng Ninh"}, {"code": "37", "name": "Ninh Bình"},
                 {"code": "30", "name": "Hải Dương"}]),
    "registry.province.merged": dict(
        successor={"code": "31", "name": "Hải Phòng"},
        sources=[{"code": "30", "name": "Hải Dương"}, {"code": "31", "name": "Hải Phòng"}],
        effective_date="2025-07-01"),
    "nominations.round.opened": dict(**ROUND, seats=2, closes_at=CLOSES, electorate=ELECTORATE),
    "nominations.round.ballot_cast": dict(round_id="r-1", cluster_code="NV-BAC", year=2026, voter_code="37"),
    "nominations.round.closed": dict(**ROUND, outcome="proposed", electorate=ELECTORATE),
    "nominations.round.runoff_created": dict(**ROUND, runoff_round_id="r-2", tied=["37", "30"],
                                             electorate=ELECTORATE, closes_at=CLOSES),
    "nominations.round.certified": dict(**ROUND, proposed=["37"], electorate=ELECTORATE),
    "nominations.round.approved": dict(**ROUND, proposed=["37"], electorate=ELECTORATE),
    "nominations.round.returned": dict(**ROUND, proposed=["37"], reason="Thiếu biên bản họp", electorate=ELECTORATE),
    "nominations.ranking.published": dict(**CLUSTER, snapshot_id="snap-9", lead_code="22", members=ELECTORATE),
    "nominations.commendation.submitted": dict(
        **CLUSTER, proposal_id="p-1", form_code="minister_certificate", form_name="Bằng khen của Bộ trưởng Bộ Nội vụ",
        province_code="37", province_name="Ninh Bình", lead_code="22", nominees=2),
    "nominations.commendation.returned": dict(
        **CLUSTER, proposal_id="p-1", nominee_id="n-1", nominee_name="Nguyễn Văn An", form_code="minister_certificate",
        form_name="Bằng khen của Bộ trưởng Bộ Nội vụ", province_code="37", lead_code="22",
        reason="Thiếu biên bản họp"),
    "nominations.commendation.sent": dict(**CLUSTER, lead_code="22", provinces=["22", "37"], proposals=["p-1"],
                                          nominees=3),
    "nominations.commendation.decided": dict(
        decision_id="d-1", number="1234/QĐ-BNV", signed_on="2027-01-05", year=2026, summary="Về việc khen thưởng",
        provinces=["22", "37"], leads=["22"], clusters=["NV-BAC"], awarded={"22": 1, "37": 2}, collectives=1, individuals=2),
    "registry.leadership.corrected": dict(
        **CLUSTER, method="correction", decided_method="rotation", lead={"code": "37", "name": "Ninh Bình"},
        deputy={"code": "30", "name": "Hải Dương"},
        previous={"lead": {"code": "22", "name": "Quảng Ninh"}, "deputy": {"code": "37", "name": "Ninh Bình"}},
        reason="Hội nghị bầu lại", members=[{"code": "22", "name": "Quảng Ninh"}, {"code": "37", "name": "Ninh Bình"},
                                             {"code": "30", "name": "Hải Dương"}]),
    "registry.period.members_changed": dict(
        **CLUSTER, effective_date="2026-04-01", added=[{"code": "01", "name": "Hà Nội"}],
        removed=[{"code": "30", "name": "Hải Dương"}], reason="Quyết định số 12/QĐ-BNV",
        members=[{"code": "22", "name": "Quảng Ninh"}, {"code": "01", "name": "Hà Nội"}]),
    "registry.cluster.updated": dict(
        **CLUSTER, organizer="Bộ Nội vụ", changes={"name": {"from": "Cụm cũ", "to": CLUSTER_NAME}},
        members=[{"code": "22", "name": "Quảng Ninh"}]),
    "registry.province.merger_undone": dict(
        successor={"code": "04", "name": "Cao Bằng mới"},
        sources=[{"code": "04", "name": "Cao Bằng"}, {"code": "11", "name": "Điện Biên"}], effective_date="2027-01-01"),
    "nominations.covenant.published": dict(**CLUSTER, version=2, amended=True, reason="Bổ sung tiêu chí chuyển đổi số",
                                           lead_code="22", members=ELECTORATE),
    "nominations.sheet.adjusted": dict(**CLUSTER, province="37", province_name="Ninh Bình", reviewer="22",
                                       adjustments=[{"criterion": "CDS", "points": 14, "reason": "Thiếu minh chứng"}]),
    "nominations.sheets.locked": dict(**CLUSTER, covenant_version=2, sheets=3, lead_code="22", members=ELECTORATE),
    "nominations.round.paper_ballot_recorded": dict(**ROUND, voter_code="37", document_ref="15/SNV-TĐKT",
                                                    closes_at=CLOSES),
    "nominations.round.paper_ballot_disputed": dict(**ROUND, voter_code="37", document_ref="15/SNV-TĐKT",
                                                    closes_at=CLOSES, reason="Sở không gửi văn bản này"),
    "nominations.round.paper_ballot_ruled": dict(**ROUND, voter_code="37", document_ref="15/SNV-TĐKT",
                                                 closes_at=CLOSES, ruling="ballot_void", ruling_note="Không có bản gốc"),
    **MOVEMENT_PAYLOADS,
    "nominations.council.session_scheduled": dict(
        session_id="s-1", council_id="h-1", organiser="BNV", year=2026, title="Phiên họp xét khen thưởng năm 2026",
        held_on="2027-01-03", place="Phòng họp số 1", members_total=9, present_members=0, quorum_needed=6, nominees=4,
        ballots=0, members=["hdtd-1", "hdtd-2"]),
    "nominations.council.session_opened": dict(
        session_id="s-1", council_id="h-1", organiser="BNV", year=2026, title="Phiên họp xét khen thưởng năm 2026",
        held_on="2027-01-03", members_total=9, present_members=7, quorum_needed=6, nominees=4, ballots=0),
    "nominations.council.session_closed": dict(
        session_id="s-1", council_id="h-1", organiser="BNV", year=2026, title="Phiên họp xét khen thưởng năm 2026",
        held_on="2027-01-03", members_total=9, present_members=7, quorum_needed=6, nominees=4, ballots=8),
    "nominations.council.result": dict(
        session_id="s-1", council_id="h-1", organiser="BNV", year=2026, title="Phiên họp xét khen thưởng năm 2026",
        members_total=9, ballots=8, approved=3, refused=1, provinces=["22", "37"],
        nominees=[{"nominee_id": "n-1", "form_code": "minister_certificate", "province_code": "22", "yes": 8,
                   "needed": 8, "outcome": "approved"}]),
    "nominations.conference.scheduled": dict(
        conference_id="c-1", **CLUSTER, held_on="2026-12-15", place="Hội trường UBND tỉnh Quảng Ninh", host_code="22",
        provinces=ELECTORATE),
    "nominations.conference.opened": dict(
        conference_id="c-1", cluster_code="NV-BAC", year=2026, state="in_session", member_units=3,
        present_units=["22"], quorum_needed=2, quorum_met=False, provinces=ELECTORATE),
    "nominations.conference.quorum_reached": dict(
        conference_id="c-1", cluster_code="NV-BAC", year=2026, state="in_session", member_units=3,
        present_units=["22", "37"], quorum_needed=2, quorum_met=True, provinces=ELECTORATE),
    "nominations.conference.adjourned": dict(
        conference_id="c-1", cluster_code="NV-BAC", year=2026, state="adjourned", member_units=3,
        present_units=["22", "37", "30"], quorum_needed=2, quorum_met=True, provinces=ELECTORATE),
    "nominations.covenant.signed": dict(
        cluster_code="NV-BAC", year=2026, version=1, unit_code="22", signer_name="Nguyễn Văn A",
        signer_position="Giám đốc Sở Nội vụ", not_signed=["37", "30"], in_force=False, provinces=ELECTORATE),
}

WITH_AWARD = {t for t, p in PAYLOADS.items() if "award" in p}
WITH_CLUSTER_NAME = {t for t, p in PAYLOADS.items() if "cluster_name" in p}


def ev(type_: str, **payload) -> dict:
    return {"id": "5d1c0b1e-0000-4000-8000-000000000000", "type": type_, "version": 1,
            "occurred_at": "2026-12-01T03:00:00+00:00", "producer": type_.split(".")[0], "aggregate_id": "a",
            "payload": payload}


def event(type_: str, **overrides) -> dict:
    return ev(type_, **{**PAYLOADS[type_], **overrides})


def text(m: Message) -> str:
    return "\n".join([m.subject, m.body, m.action or ""])


def is_nfc(s: str) -> bool:
    return unicodedata.normalize("NFC", s) == s
