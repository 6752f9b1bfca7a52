"""Demo data (never in a production configuration): a province as an organiser beside the ministry.

The People's Committee of Quảng Ninh (``UBND-22``) runs two of its own clusters in 2024: a block of
four provincial departments (real department names, office codes ``QN-…``) and a cluster of four
communes as they were before the 2025 reorganisation. Those four are plainly demo communes (codes
``991xx``, which no commune ever carried, and demo names), recorded as history: they ended on
30 June 2025 and merged in pairs into two real communes of the national list of communes after
1 July 2025 (Xã Quảng La, ``07054``, and Phường Hồng Gai, ``06685``), which the migrate step loads
and which became UBND-22's units with the rest of Quảng Ninh's 54 when it became an organiser.
The province's emulation office has a staff account (``qn-office``), each unit an account
(``unit-<code>``); every password is ``demo``.
"""
from __future__ import annotations

from datetime import date

import asyncpg

from services.registry.service import clusters, leadership, periods
from services.registry.service import organisers as organiser_service
from services.registry.store import accounts as account_store
from shared.auth import Principal

ORGANISER = "UBND-22"
ORGANISER_NAME = "Ủy ban nhân dân tỉnh Quảng Ninh"
PROVINCE = "22"
OFFICE = Principal(subject="demo-seed", role="staff", organiser=ORGANISER)
MINISTRY = Principal(subject="demo-seed", role="ministry")
YEAR = 2024

DEPARTMENTS = [("QN-SNV", "Sở Nội vụ"), ("QN-STC", "Sở Tài chính"), ("QN-SYT", "Sở Y tế"),
               ("QN-SGDDT", "Sở Giáo dục và Đào tạo")]
COMMUNES = [("99101", "Xã Mẫu Một", "xa"), ("99102", "Xã Mẫu Hai", "xa"), ("99103", "Phường Mẫu Ba", "phuong"),
            ("99104", "Phường Mẫu Bốn", "phuong")]
# 1 July 2025: the demo communes merged in pairs into communes of the national list (their last day
# is 30 June 2025).
COMMUNES_END = date(2025, 6, 30)
SUCCESSORS = {"99101": "07054", "99102": "07054", "99103": "06685", "99104": "06685"}
BLOCK, BLOCK_NAME = "QN-KHOI-SO", "Khối thi đua các sở, ban, ngành tỉnh Quảng Ninh"
CLUSTER, CLUSTER_NAME = "QN-CUM-XA", "Cụm thi đua các xã, phường (dữ liệu mẫu)"
# 2024's leads (elected at the province's conference), who received the province's flags.
LEADS = {BLOCK: ("QN-SNV", "QN-STC"), CLUSTER: ("99103", "99101")}


def accounts() -> list[tuple[str, str, str | None, str | None]]:
    """(username, role, organiser, unit) of the province's demo accounts."""
    units = [code for code, _ in DEPARTMENTS] + [code for code, _, _ in COMMUNES]
    return [("qn-office", "staff", ORGANISER, None)] + [(f"unit-{c.lower()}", "unit", None, c) for c in units]


async def seed(conn: asyncpg.Connection, *, password_hash: str) -> bool:
    """Seed once (inside the caller's transaction); False when the organiser already exists."""
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM registry.organisers WHERE code = $1)", ORGANISER):
        return False
    await organiser_service.create_organiser(conn, actor=MINISTRY, code=ORGANISER, name=ORGANISER_NAME,
                                             kind="province", province_code=PROVINCE, today=date(2024, 1, 1))
    for code, name in DEPARTMENTS:
        await organiser_service.create_unit(conn, actor=OFFICE, code=code, name=name, kind="department",
                                            organiser=ORGANISER, form=None, province_code=None, valid_from=None)
    for code, name, form in COMMUNES:
        await organiser_service.create_unit(conn, actor=OFFICE, code=code, name=name, kind="commune",
                                            organiser=ORGANISER, form=form, province_code=None, valid_from=None,
                                            valid_to=COMMUNES_END, successor_code=SUCCESSORS[code])
    for username, role, organiser, unit in accounts():
        await account_store.insert_if_missing(conn, username=username, password_hash=password_hash, role=role,
                                              province_code=None, organiser_code=organiser, unit_code=unit, demo=True)
    for code, name, kind, members in ((BLOCK, BLOCK_NAME, "khoi", [c for c, _ in DEPARTMENTS]),
                                      (CLUSTER, CLUSTER_NAME, "cum", [c for c, _, _ in COMMUNES])):
        await clusters.create_cluster(conn, actor=OFFICE, code=code, name=name, organizer=None, kind=kind,
                                      organiser=ORGANISER)
        await periods.set_period(conn, actor=OFFICE, cluster=code, year=YEAR, members=members, rotation_order=None,
                                 copy_from=None, reference_date=None)
        lead, deputy = LEADS[code]
        await leadership.decide_leadership(conn, actor=OFFICE, cluster=code, year=YEAR, method="election",
                                           lead=lead, deputy=deputy, today=date(YEAR, 1, 1))
    return True
