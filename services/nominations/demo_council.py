"""Demo data (never in a production configuration): the ministry's emulation council and its vote
on the northern cluster's 2024 list.

The council (term 2021–2025, founding decision ``850/QĐ-BNV``) has seven members with made-up names
(each position says *dữ liệu mẫu*), each signing in with its own demo account (``hdtd-*``, seeded
by the registry's demo, password ``demo``). Hưng Yên, the 2024 lead, sent the cluster's list: five
nominees for the Minister's certificate of merit (placeholder names). The council met on 08/01/2025:
six members present, the seventh voted in writing; Mai Văn R got five of seven votes where the 80 %
threshold needs six, so he is not approved, and decision ``56/QĐ-BNV`` lists the other four. The
session's minutes are in the decision's file. Everything goes through the use cases, as the API would;
the cluster-year is the one the registry's demo seeds, written out here.
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
from services.nominations.councils.service import ballots, councils, sessions
from shared.auth import Principal

CLUSTER, YEAR, LEAD = "NOIVU-BAC", 2024, "33"
NUMBER = "56/QĐ-BNV"
COUNCIL_DECISION = "850/QĐ-BNV"
HELD_ON = date(2025, 1, 8)
MEMBERS = [("34", "Thái Bình"), ("33", "Hưng Yên"), ("30", "Hải Dương"), ("31", "Hải Phòng"),
           ("22", "Quảng Ninh"), ("36", "Nam Định"), ("35", "Hà Nam"), ("37", "Ninh Bình")]
CLUSTER_NAME = "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc"
PERIOD: dict[str, Any] = {"cluster_code": CLUSTER, "cluster_name": CLUSTER_NAME, "year": YEAR,
                          "members": [{"code": c, "name": n} for c, n in MEMBERS], "lead": {"code": LEAD}}
MINISTRY = Principal(subject="demo-seed", role="ministry")
LIMITS = Limits(max_nominees=200, max_attachments=30, max_attachment_bytes=10 * 1024 * 1024)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


#: (name, position, role, account): the accounts are the registry demo's (services/registry/demo.py).
COUNCIL_MEMBERS = [
    ("Nguyễn Văn Mẫu", "Thứ trưởng Bộ Nội vụ, Chủ tịch Hội đồng (dữ liệu mẫu)", "chair", "hdtd-chutich"),
    ("Trần Thị Mẫu", "Vụ trưởng Vụ Thi đua, Khen thưởng (dữ liệu mẫu)", "vice_chair", "hdtd-phochutich"),
    ("Lê Văn Mẫu", "Chánh Văn phòng Bộ (dữ liệu mẫu)", "member", "hdtd-uyvien-1"),
    ("Phạm Thị Mẫu", "Vụ trưởng Vụ Tổ chức cán bộ (dữ liệu mẫu)", "member", "hdtd-uyvien-2"),
    ("Hoàng Văn Mẫu", "Vụ trưởng Vụ Pháp chế (dữ liệu mẫu)", "member", "hdtd-uyvien-3"),
    ("Vũ Thị Mẫu", "Chủ tịch Công đoàn Bộ (dữ liệu mẫu)", "member", "hdtd-uyvien-4"),
    ("Đỗ Văn Mẫu", "Chánh Thanh tra Bộ (dữ liệu mẫu)", "member", "hdtd-uyvien-5"),
]
ABSENT = "hdtd-uyvien-5"  # away on the day: votes in writing
DISSENTERS = ("hdtd-uyvien-3", "hdtd-uyvien-4")  # do not agree with SHORT: 5 of 7, 6 needed
SHORT = "Mai Văn R"


def _person(name: str, position: str, unit: str, born: date, gender: str) -> NomineeData:
    return NomineeData(kind="individual", name=_nfc(name), position=_nfc(position), unit=_nfc(unit),
                       birth_date=born, gender=_nfc(gender), fields={},
                       summary=_nfc("Hai năm liền hoàn thành xuất sắc nhiệm vụ (dữ liệu mẫu)."),
                       leader_level="none", direct_worker=False, ethnic_minority=False)


# province → its nominees for the Minister's certificate of merit, 2024.
CERTIFICATES: dict[str, list[NomineeData]] = {
    "30": [_person("Trịnh Văn P", "Chuyên viên chính", "Sở Nội vụ tỉnh Hải Dương", date(1984, 2, 11), "nam")],
    "22": [_person("Lương Thị Q", "Phó Trưởng phòng", "Sở Nội vụ tỉnh Quảng Ninh", date(1986, 7, 3), "nữ")],
    "36": [_person(SHORT, "Chuyên viên", "Sở Nội vụ tỉnh Nam Định", date(1991, 4, 22), "nam")],
    "37": [_person("Tạ Thị S", "Trưởng phòng", "Sở Nội vụ tỉnh Ninh Bình", date(1979, 12, 9), "nữ"),
           NomineeData(kind="collective", name=_nfc("Phòng Xây dựng chính quyền, Sở Nội vụ tỉnh Ninh Bình"),
                       position=None, unit=None, birth_date=None, gender=None, fields={},
                       summary=_nfc("Hoàn thành xuất sắc nhiệm vụ năm 2024 (dữ liệu mẫu)."))],
}


class _Registry:
    """The registry's answers for the demo cluster-year, written out (see the module docstring)."""

    async def period(self, cluster: str, year: int) -> dict[str, Any] | None:
        return PERIOD if (cluster, year) == (CLUSTER, YEAR) else None

    async def active_cluster_count(self, year: int, organiser: str | None = None) -> int:
        return 1


def _province(code: str) -> Principal:
    return Principal(subject=f"province-{code}", role="province", province=code)


def _member(account: str) -> Principal:
    return Principal(subject=account, role="ministry")


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once; returns False when the council's decision already exists."""
    async with conn.transaction():
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM nominations.decisions WHERE number = $1)", NUMBER):
            return False
        registry: Any = _Registry()
        names = dict(MEMBERS)
        await proposal_store.upsert_list(conn, cluster_code=CLUSTER, year=YEAR, cluster_name=CLUSTER_NAME,
                                         lead_code=LEAD, unit_names=names)
        ids: dict[str, Any] = {}
        for code, nominees in CERTIFICATES.items():
            made = await service.create_proposal(conn, actor=_province(code), registry=registry, cluster_code=CLUSTER,
                                                 year=YEAR, form="minister_certificate")
            for data in nominees:
                n = await service.add_nominee(conn, actor=_province(code), proposal_id=made["id"], data=data,
                                              limits=LIMITS, today=date(2024, 12, 10))
                ids[data.name] = n["id"]
            await service.submit_proposal(conn, actor=_province(code), proposal_id=made["id"])
        for nominee_id in ids.values():
            await service.accept_nominee(conn, actor=_province(LEAD), registry=registry, nominee_id=nominee_id)
        await service.send_list(conn, actor=_province(LEAD), registry=registry, cluster_code=CLUSTER, year=YEAR)

        council = await councils.found(conn, actor=MINISTRY, values={
            "organiser": None, "name": _nfc("Hội đồng Thi đua - Khen thưởng Bộ Nội vụ"),
            "term_from": date(2021, 8, 1), "term_to": date(2025, 12, 31), "decision_number": _nfc(COUNCIL_DECISION),
            "decision_date": date(2021, 8, 1),
            "members": [{"name": _nfc(n), "position": _nfc(p), "role": r, "account": a}
                        for n, p, r, a in COUNCIL_MEMBERS]})
        members = {m["account"]: m["id"] for m in council["members"]}
        session = await sessions.schedule(conn, actor=MINISTRY, council_id=council["id"], values={
            "year": YEAR, "held_on": HELD_ON, "place": _nfc("Phòng họp số 1, Bộ Nội vụ (dữ liệu mẫu)"),
            "title": _nfc("Phiên họp xét khen thưởng tổng kết năm 2024"), "nominee_ids": list(ids.values()),
            "quorum": "2/3", "quotas": {}})
        sid = session["id"]
        for account, member_id in members.items():
            if account != ABSENT:  # each present member checks in on its own phone
                await sessions.check_in(conn, actor=_member(account), council_id=council["id"], session_id=sid,
                                        member_id=member_id)
        await sessions.open_session(conn, actor=MINISTRY, council_id=council["id"], session_id=sid)
        everyone, short_of_one = list(ids.values()), [i for name, i in ids.items() if name != _nfc(SHORT)]
        for account in members:
            if account != ABSENT:
                await ballots.cast(conn, actor=_member(account), council_id=council["id"], session_id=sid,
                                   approve=short_of_one if account in DISSENTERS else everyone)
        await ballots.enter_written(conn, actor=MINISTRY, council_id=council["id"], session_id=sid,
                                    member_id=members[ABSENT], document_ref=_nfc("Phiếu bằng văn bản số 01 (dữ liệu mẫu)"),
                                    approve=everyone)
        closed = await sessions.close_session(conn, actor=MINISTRY, registry=registry, council_id=council["id"],
                                              session_id=sid, cap_share=0.2)
        approved = [line["nominee_id"] for line in closed["result"]["nominees"] if line["outcome"] == "approved"]
        decision = await service.create_decision(conn, actor=MINISTRY, default_bases=[
            _nfc("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"),
            _nfc("Căn cứ kết quả bỏ phiếu của Hội đồng Thi đua - Khen thưởng Bộ Nội vụ ngày 08/01/2025 "
                 "(dữ liệu mẫu).")], values={
            "number": _nfc(NUMBER), "year": YEAR,
            "summary": _nfc("Về việc tặng Bằng khen của Bộ trưởng Bộ Nội vụ năm 2024"),
            "signed_on": date(2025, 1, 15), "signer_name": _nfc("Trần Văn Mẫu"),
            "signer_title": _nfc("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"), "bases": None, "nominee_ids": approved})
        await service.issue_decision(conn, actor=MINISTRY, decision_id=decision["id"])
    return True
