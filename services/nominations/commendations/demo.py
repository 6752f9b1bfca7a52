"""Demo data (never in a production configuration): the 2023 decision of the northern Home Affairs
cluster (NOIVU-BAC, Thái Bình lead), so the award register has something to show after ``make run``:
the Ministry's emulation flag for Ninh Bình's department and the Minister's certificate of merit for
two collectives and eleven individuals. The individuals' names are the placeholders of Vietnamese
paperwork ("Nguyễn Văn A"...): made up, as is the decision's signer.

The flag is entered as the 2023 records show it (the vote predates the system, so it is written as a
proposal of Ninh Bình rather than carried in by a round); everything else goes through the same use
cases as the API (submit, the lead's acceptance, sending, the ministry's approval, the decision), so
the audit log tells the story too. The cluster-year is the one the registry's demo seeds, written out
here because this service touches only its own schema.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import asyncpg

from services.nominations.commendations import service
from services.nominations.commendations.domain.rules import Limits
from services.nominations.commendations.service import NomineeData
from services.nominations.commendations.store import proposals as proposal_store
from shared.auth import Principal

CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2023, "34"
NUMBER = "1234/QĐ-BNV"
MEMBERS = [("34", "Thái Bình"), ("33", "Hưng Yên"), ("30", "Hải Dương"), ("31", "Hải Phòng"),
           ("22", "Quảng Ninh"), ("36", "Nam Định"), ("35", "Hà Nam"), ("37", "Ninh Bình")]
CLUSTER_NAME = "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc"
PERIOD: dict[str, Any] = {"cluster_code": CLUSTER, "cluster_name": CLUSTER_NAME,
          "year": YEAR, "members": [{"code": c, "name": n} for c, n in MEMBERS], "lead": {"code": LEAD}}
MINISTRY = Principal(subject="demo-seed", role="ministry")
LIMITS = Limits(max_nominees=200, max_attachments=30, max_attachment_bytes=10 * 1024 * 1024)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Period:
    """The registry's answer for the demo cluster-year, written out (see the module docstring)."""

    async def period(self, cluster: str, year: int) -> dict[str, Any] | None:
        return PERIOD if (cluster, year) == (CLUSTER, YEAR) else None

    async def active_cluster_count(self, year: int) -> int:
        return 1


def _collective(name: str) -> NomineeData:
    return NomineeData(kind="collective", name=_nfc(name), position=None, unit=None, birth_date=None, gender=None,
                       fields={}, summary=_nfc("Hoàn thành xuất sắc nhiệm vụ năm 2023, dẫn đầu phong trào thi đua "
                                               "của Sở Nội vụ (dữ liệu mẫu)."))


def _person(name: str, position: str, unit: str, born: date, gender: str, *, leader: str = "none",
            direct: bool = False, minority: bool = False) -> NomineeData:
    """An individual with what the statistics forms count: the leader's level (none, senior,
    department, division), a direct worker or not, of an ethnic minority or not."""
    return NomineeData(kind="individual", name=_nfc(name), position=_nfc(position), unit=_nfc(unit),
                       birth_date=born, gender=_nfc(gender), fields={},
                       summary=_nfc("Hai năm liền hoàn thành xuất sắc nhiệm vụ, có sáng kiến được công nhận "
                                    "(dữ liệu mẫu)."), leader_level=leader, direct_worker=direct,
                       ethnic_minority=minority)


# province → its nominees for the Minister's certificate of merit (2 collectives, 11 individuals).
CERTIFICATES: dict[str, list[NomineeData]] = {
    "34": [_collective("Phòng Công chức, viên chức, Sở Nội vụ tỉnh Thái Bình"),
           _person("Nguyễn Văn A", "Phó Giám đốc Sở", "Sở Nội vụ tỉnh Thái Bình", date(1975, 4, 12), "nam",
                   leader="department"),
           _person("Trần Thị B", "Trưởng phòng", "Sở Nội vụ tỉnh Thái Bình", date(1980, 9, 2), "nữ",
                   leader="division")],
    "33": [_person("Lê Văn C", "Chánh Văn phòng", "Sở Nội vụ tỉnh Hưng Yên", date(1978, 1, 20), "nam",
                   leader="division"),
           _person("Phạm Thị D", "Chuyên viên chính", "Sở Nội vụ tỉnh Hưng Yên", date(1985, 6, 30), "nữ")],
    "30": [_person("Hoàng Văn E", "Trưởng phòng", "Sở Nội vụ tỉnh Hải Dương", date(1979, 11, 5), "nam",
                   leader="division")],
    "31": [_person("Vũ Thị G", "Phó Trưởng phòng", "Sở Nội vụ thành phố Hải Phòng", date(1983, 3, 8), "nữ",
                   leader="division")],
    "22": [_person("Đặng Văn H", "Chuyên viên", "Sở Nội vụ tỉnh Quảng Ninh", date(1988, 12, 1), "nam")],
    "36": [_collective("Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh Nam Định"),
           _person("Bùi Thị K", "Trưởng ban", "Sở Nội vụ tỉnh Nam Định", date(1976, 7, 19), "nữ",
                   leader="division")],
    "35": [_person("Đỗ Văn L", "Chuyên viên chính", "Sở Nội vụ tỉnh Hà Nam", date(1981, 2, 14), "nam")],
    "37": [_person("Ngô Thị M", "Phó Giám đốc Sở", "Sở Nội vụ tỉnh Ninh Bình", date(1974, 10, 10), "nữ",
                   leader="department", minority=True),
           _person("Dương Văn N", "Chuyên viên", "Sở Nội vụ tỉnh Ninh Bình", date(1990, 5, 25), "nam",
                   minority=True)],
}


def _province(code: str) -> Principal:
    return Principal(subject=f"province-{code}", role="province", province=code)


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once; returns False when the demo decision already exists."""
    async with conn.transaction():
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM nominations.decisions WHERE number = $1)", NUMBER):
            return False
        registry: Any = _Period()
        names = dict(MEMBERS)
        await proposal_store.upsert_list(conn, cluster_code=CLUSTER, year=YEAR, cluster_name=CLUSTER_NAME,
                                         lead_code=LEAD, unit_names=names)
        # Ninh Bình's flag, as the 2023 records have it.
        flag = await proposal_store.insert(conn, cluster_code=CLUSTER, year=YEAR, province_code="37",
                                           province_name=names["37"], form_code="ministry_flag",
                                           created_by="province-37")
        proposals = [("37", flag, [_collective("Sở Nội vụ tỉnh Ninh Bình")])]
        for code, nominees in CERTIFICATES.items():
            made = await service.create_proposal(conn, actor=_province(code), registry=registry, cluster_code=CLUSTER,
                                                 year=YEAR, form="minister_certificate")
            proposals.append((code, made["id"], nominees))
        nominee_ids, reviewers = [], []
        for code, proposal_id, nominees in proposals:
            for data in nominees:
                n = await service.add_nominee(conn, actor=_province(code), proposal_id=proposal_id, data=data,
                                              limits=LIMITS, today=date(2023, 12, 20))
                nominee_ids.append(n["id"])
                reviewers.append(MINISTRY if code == LEAD else _province(LEAD))  # a lead never reviews its own
            await service.submit_proposal(conn, actor=_province(code), proposal_id=proposal_id)
        for nominee_id, reviewer in zip(nominee_ids, reviewers):
            await service.accept_nominee(conn, actor=reviewer, registry=registry, nominee_id=nominee_id)
        await service.send_list(conn, actor=_province(LEAD), registry=registry, cluster_code=CLUSTER, year=YEAR)
        for nominee_id in nominee_ids:
            await service.approve_nominee(conn, actor=MINISTRY, registry=registry, nominee_id=nominee_id,
                                          cap_share=0.2)
        decision = await service.create_decision(conn, actor=MINISTRY, default_bases=[
            _nfc("Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003 và các văn bản hướng dẫn thi hành;"),
            _nfc("Theo đề nghị của Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc (dữ liệu mẫu).")], values={
            "number": NUMBER, "year": YEAR, "summary": _nfc("Về việc tặng Cờ thi đua và Bằng khen của Bộ trưởng "
                                                            "Bộ Nội vụ năm 2023"),
            "signed_on": date(2024, 1, 5), "signer_name": _nfc("Trần Văn Mẫu"),
            "signer_title": _nfc("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"), "bases": None, "nominee_ids": nominee_ids})
        await service.issue_decision(conn, actor=MINISTRY, decision_id=decision["id"])
    return True
