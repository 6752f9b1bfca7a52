"""Demo data (never in a production configuration): the northern provinces' Home Affairs cluster
from the 2023 conference, its periods 2023–2026 across the 2025 merger, and demo accounts (the
ministry's emulation council's members among them: ``hdtd-*``).

Thái Bình led in 2023 (elected) with Hưng Yên as deputy; rotation then made Hưng Yên lead in 2024
with Hải Dương as deputy, Hải Dương lead in 2025. The 2026 period is carried across the merger with
``copy_from``, and 2026's leadership rotates from Hải Dương's successor (the new Hải Phòng).
Every account's password is ``demo``.
"""
from __future__ import annotations

from datetime import date

import asyncpg

from services.registry import demo_province
from services.registry.passwords import hash_password_sync
from services.registry.service import clusters, leadership, periods
from services.registry.store import accounts as account_store
from shared.auth import Principal

CLUSTER = "NOIVU-BAC"
CLUSTER_NAME = "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc"
ROTATION_2023 = ["34", "33", "30", "31", "22", "36", "35", "37"]  # Thái Bình, Hưng Yên, Hải Dương, ...
DEMO_PASSWORD = "demo"
SYSTEM = Principal(subject="demo-seed", role="ministry")
#: The ministry's emulation council's members, each with a ministry account of its own (the
#: nominations demo founds the council naming them: services/nominations/demo_council.py).
COUNCIL_ACCOUNTS = ["hdtd-chutich", "hdtd-phochutich", "hdtd-uyvien-1", "hdtd-uyvien-2", "hdtd-uyvien-3",
                    "hdtd-uyvien-4", "hdtd-uyvien-5"]


# The people behind two demo accounts (fictitious): the minutes the 2026 lead certifies print its
# director's name and position, and the ministry's header names its officer.
DEMO_PEOPLE = {
    "ministry": ("Lê Thị Minh Thu", "Chuyên viên chính Vụ Thi đua - Khen thưởng"),
    "province-22": ("Phạm Văn Hải", "Giám đốc Sở Nội vụ tỉnh Quảng Ninh"),
}


def _northern_accounts() -> list[tuple[str, str, str | None]]:
    accounts: list[tuple[str, str, str | None]] = [
        ("ministry", "ministry", None), ("notifications-service", "service", None),
        ("nominations-service", "service", None)]
    accounts += [(f"province-{code}", "province", code) for code in sorted(ROTATION_2023)]
    accounts += [(username, "ministry", None) for username in COUNCIL_ACCOUNTS]
    return accounts


def demo_accounts() -> list[tuple[str, str, str | None]]:
    """Every account the demo seeds (username, role, province): the ministry's, the services', the
    northern provinces' and the province organiser's office and units' (``demo_province``)."""
    return _northern_accounts() + [(username, role, None) for username, role, _, _ in demo_province.accounts()]


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once: the ministry's northern cluster, then a province as an organiser
    (``demo_province``); returns False when both already exist."""
    password_hash = hash_password_sync(DEMO_PASSWORD)
    northern = await _seed_northern(conn, password_hash)
    async with conn.transaction():
        province = await demo_province.seed(conn, password_hash=password_hash)
    return northern or province


async def _seed_northern(conn: asyncpg.Connection, password_hash: str) -> bool:
    async with conn.transaction():
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM registry.clusters WHERE code = $1)", CLUSTER):
            return False
        for username, role, province in _northern_accounts():
            # An account that already exists keeps its password: the seed never resets one.
            if await account_store.insert_if_missing(conn, username=username, password_hash=password_hash,
                                                     role=role, province_code=province, demo=True) \
                    and username in DEMO_PEOPLE:
                name, position = DEMO_PEOPLE[username]
                await account_store.set_profile(conn, username=username, display_name=name, position=position)
        await clusters.create_cluster(conn, actor=SYSTEM, code=CLUSTER, name=CLUSTER_NAME, organizer="Bộ Nội vụ",
                                     kind="cum")
        for year in (2023, 2024, 2025):
            await periods.set_period(conn, actor=SYSTEM, cluster=CLUSTER, year=year, members=ROTATION_2023,
                                     rotation_order=None, copy_from=None, reference_date=None)
        await leadership.decide_leadership(conn, actor=SYSTEM, cluster=CLUSTER, year=2023, method="election",
                                        lead="34", deputy="33", today=date(2023, 1, 1))
        for year in (2024, 2025):
            await leadership.decide_leadership(conn, actor=SYSTEM, cluster=CLUSTER, year=year, method="rotation",
                                            lead=None, deputy=None, today=date(year, 1, 1))
        await periods.set_period(conn, actor=SYSTEM, cluster=CLUSTER, year=2026, members=None, rotation_order=None,
                                 copy_from=2025, reference_date=None)
        await leadership.decide_leadership(conn, actor=SYSTEM, cluster=CLUSTER, year=2026, method="rotation",
                                        lead=None, deputy=None, today=date(2026, 1, 1))
    return True
