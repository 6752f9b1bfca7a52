"""Demo data (never in a production configuration): the 2024 year of a province as an organiser.

The People's Committee of Quảng Ninh (``UBND-22``, seeded in the registry by its own demo) ran a
block of four departments and a cluster of four communes (demo codes and names). Their 2024
covenants are signed; each cluster's lead received the province's emulation flag, and collectives
and people of both clusters the chairman's certificate of merit, all in one decision numbered
``15/QĐ-UBND`` (the register finds it by that number). The nominees' names are placeholders and
the signer is made up. The registry's periods are written out here, since this service touches
only its own schema; everything else goes through the use cases, as the API would.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import asyncpg

from services.nominations import organiser_rules, organisers
from services.nominations.commendations import service
from services.nominations.commendations.domain.rules import Limits
from services.nominations.commendations.service import NomineeData
from services.nominations.commendations.store import proposals as proposal_store
from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service import signatures as service_signatures
from shared.auth import Principal

ORGANISER, YEAR = "UBND-22", 2024
NUMBER = "15/QĐ-UBND"
OFFICE = Principal(subject="demo-seed", role="staff", organiser=ORGANISER)
LIMITS = Limits(max_nominees=200, max_attachments=30, max_attachment_bytes=10 * 1024 * 1024)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _period(code: str, name: str, members: list[tuple[str, str]], lead: str, deputy: str) -> dict[str, Any]:
    names = dict(members)
    return {"cluster_code": code, "cluster_name": _nfc(name), "year": YEAR, "organiser": ORGANISER,
            "members": [{"code": c, "name": _nfc(n)} for c, n in members], "rotation_order": [c for c, _ in members],
            "lead": {"code": lead, "name": _nfc(names[lead])}, "deputy": {"code": deputy, "name": _nfc(names[deputy])}}


# As the registry's demo seeds them (services/registry/demo_province.py).
PERIODS = {
    "QN-KHOI-SO": _period("QN-KHOI-SO", "Khối thi đua các sở, ban, ngành tỉnh Quảng Ninh",
                          [("QN-SNV", "Sở Nội vụ"), ("QN-STC", "Sở Tài chính"), ("QN-SYT", "Sở Y tế"),
                           ("QN-SGDDT", "Sở Giáo dục và Đào tạo")], "QN-SNV", "QN-STC"),
    "QN-CUM-XA": _period("QN-CUM-XA", "Cụm thi đua các xã, phường (dữ liệu mẫu)",
                         [("99101", "Xã Mẫu Một"), ("99102", "Xã Mẫu Hai"), ("99103", "Phường Mẫu Ba"),
                          ("99104", "Phường Mẫu Bốn")], "99103", "99101"),
}
CRITERIA = [
    {"code": "NV", "title": _nfc("Thực hiện nhiệm vụ chính trị được giao"), "group": "I", "max_points": 60},
    {"code": "CCHC", "title": _nfc("Cải cách hành chính, chuyển đổi số"), "group": "I", "max_points": 30},
    {"code": "TDKT", "title": _nfc("Công tác thi đua, khen thưởng"), "group": "I", "max_points": 10},
]


class _Registry:
    """The registry's answers for the demo cluster-years, written out (see the module docstring)."""

    async def period(self, cluster: str, year: int) -> dict[str, Any] | None:
        return PERIODS.get(cluster) if year == YEAR else None

    async def active_cluster_count(self, year: int, organiser: str | None = None) -> int:
        return len(PERIODS)


def _collective(name: str) -> NomineeData:
    return NomineeData(kind="collective", name=_nfc(name), position=None, unit=None, birth_date=None, gender=None,
                       fields={}, summary=_nfc("Hoàn thành xuất sắc nhiệm vụ năm 2024 (dữ liệu mẫu)."))


def _person(name: str, position: str, unit: str, born: date, gender: str, *, leader: str = "none",
            minority: bool = False) -> NomineeData:
    """An individual with what the statistics forms count (leader's level, direct worker, minority)."""
    return NomineeData(kind="individual", name=_nfc(name), position=_nfc(position), unit=_nfc(unit),
                       birth_date=born, gender=_nfc(gender), fields={},
                       summary=_nfc("Hai năm liền hoàn thành xuất sắc nhiệm vụ (dữ liệu mẫu)."),
                       leader_level=leader, direct_worker=False, ethnic_minority=minority)


# cluster → unit → nominees for the chairman's certificate of merit.
CERTIFICATES: dict[str, dict[str, list[NomineeData]]] = {
    "QN-KHOI-SO": {
        "QN-STC": [_collective("Phòng Quản lý ngân sách, Sở Tài chính")],
        "QN-SYT": [_person("Lê Thị Mẫu", "Trưởng phòng", "Sở Y tế tỉnh Quảng Ninh", date(1982, 3, 4), "nữ",
                                   leader="division")],
    },
    "QN-CUM-XA": {
        "99101": [_collective("Ủy ban nhân dân Xã Mẫu Một")],
        "99104": [_person("Trần Văn Mẫu", "Công chức Văn phòng - Thống kê", "Phường Mẫu Bốn",
                          date(1990, 8, 15), "nam", minority=True)],
    },
}


def _signer_position(unit_name: str) -> str:
    """Who signs for a unit: a department's director, a commune's chairman."""
    head = "Giám đốc" if unit_name.startswith("Sở") else "Chủ tịch Ủy ban nhân dân"
    return _nfc(f"{head} {unit_name}")


def _unit(code: str) -> Principal:
    return Principal(subject=f"unit-{code.lower()}", role="unit", unit_code=code)


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once; returns False when the province's demo decision already exists."""
    async with conn.transaction():
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM nominations.decisions WHERE organiser = $1 "
                               "AND number = $2)", ORGANISER, NUMBER):
            return False
        registry: Any = _Registry()
        await organisers.insert_province_forms(conn, ORGANISER, "tỉnh Quảng Ninh")
        flag = organiser_rules.form_code(ORGANISER, "province_flag")
        merit = organiser_rules.form_code(ORGANISER, "chairman_certificate")
        nominee_ids: list[Any] = []
        reviews: list[tuple[Principal, Any]] = []
        for code, period in PERIODS.items():
            # The covenant signed at the start of 2024 (the office writes and publishes it).
            await service_scores.put_covenant(conn, actor=OFFICE, period=period, criteria=CRITERIA, publish=True,
                                              reason=None)
            for member in period["members"]:  # ...and signed by every member unit's own account
                await service_signatures.sign(conn, actor=_unit(member["code"]), period=period,
                                              signer_name=_nfc("Người ký (dữ liệu mẫu)"),
                                              signer_position=_signer_position(member["name"]))
            names = {m["code"]: m["name"] for m in period["members"]}
            lead = period["lead"]["code"]
            await proposal_store.upsert_list(conn, cluster_code=code, year=YEAR, cluster_name=period["cluster_name"],
                                             lead_code=lead, unit_names=names, organiser=ORGANISER)
            # The province's flag for the unit that led the cluster, as the conference's records have it.
            proposals = [(lead, await proposal_store.insert(
                conn, cluster_code=code, year=YEAR, province_code=lead, province_name=names[lead], form_code=flag,
                created_by=f"unit-{lead.lower()}"), [_collective(names[lead])])]
            for unit, nominees in CERTIFICATES[code].items():
                made = await service.create_proposal(conn, actor=_unit(unit), registry=registry, cluster_code=code,
                                                     year=YEAR, form=merit)
                proposals.append((unit, made["id"], nominees))
            ids = []
            for unit, proposal_id, nominees in proposals:
                for data in nominees:
                    n = await service.add_nominee(conn, actor=_unit(unit), proposal_id=proposal_id, data=data,
                                                  limits=LIMITS, today=date(2024, 12, 5))
                    ids.append(n["id"])
                    # The lead reviews its members' nominees; its own are the office's to review.
                    reviewer = OFFICE if unit == lead else _unit(lead)
                    reviews.append((reviewer, n["id"]))
                await service.submit_proposal(conn, actor=_unit(unit), proposal_id=proposal_id)
            for reviewer, nominee_id in reviews:
                await service.accept_nominee(conn, actor=reviewer, registry=registry, nominee_id=nominee_id)
            reviews.clear()
            await service.send_list(conn, actor=_unit(lead), registry=registry, cluster_code=code, year=YEAR)
            for nominee_id in ids:
                await service.approve_nominee(conn, actor=OFFICE, registry=registry, nominee_id=nominee_id,
                                              cap_share=0.2)
            nominee_ids += ids
        decision = await service.create_decision(conn, actor=OFFICE, default_bases=[
            _nfc("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"),
            _nfc("Theo đề nghị của Giám đốc Sở Nội vụ (dữ liệu mẫu).")], values={
            "number": NUMBER, "year": YEAR,
            "summary": _nfc("Về việc tặng Cờ thi đua và Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2024"),
            "signed_on": date(2025, 1, 15), "signer_name": _nfc("Nguyễn Văn Mẫu"),
            "signer_title": _nfc("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"), "bases": None, "nominee_ids": nominee_ids})
        await service.issue_decision(conn, actor=OFFICE, decision_id=decision["id"])
    return True
