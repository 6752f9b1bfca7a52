"""Demo data (never in a production configuration): the 2025 covenant of the northern Home Affairs
cluster, every member's submitted score sheet, one cross-check by the lead (Hải Dương), and the
ranking computed right here, so ``GET /v1/rankings/2025?cluster=NOIVU-BAC`` shows a real table
after ``make run`` without waiting for a worker.

The period is the one the registry's demo seeds (lead Hải Dương, deputy Hải Phòng); it is written
out here because this service touches only its own schema. Everything goes through the same use
cases as the API, so the audit log tells the story too.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import asyncpg

from services.nominations import demo_council, demo_province
from services.nominations.commendations import demo as commendations_demo
from services.nominations.movements import demo as movements_demo
from services.nominations.scoring.service import rankings as service_rankings
from services.nominations.scoring.service import scores as service_scores
from services.nominations.scoring.service.rankings import RankingSettings
from shared.auth import Principal

CLUSTER = "NOIVU-BAC"
YEAR = 2025
MEMBERS = [("34", "Thái Bình"), ("33", "Hưng Yên"), ("30", "Hải Dương"), ("31", "Hải Phòng"),
           ("22", "Quảng Ninh"), ("36", "Nam Định"), ("35", "Hà Nam"), ("37", "Ninh Bình")]
PERIOD = {
    "cluster_code": CLUSTER, "cluster_name": "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc", "year": YEAR,
    "members": [{"code": code, "name": name} for code, name in MEMBERS],
    "rotation_order": [code for code, _ in MEMBERS],
    "lead": {"code": "30", "name": "Hải Dương"}, "deputy": {"code": "31", "name": "Hải Phòng"},
}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


CRITERIA: list[Mapping[str, Any]] = [
    {"code": "CM", "title": _nfc("Thực hiện nhiệm vụ chuyên môn"), "group": "I", "max_points": 40},
    {"code": "CCHC", "title": _nfc("Cải cách hành chính"), "group": "I", "max_points": 25},
    {"code": "CDS", "title": _nfc("Chuyển đổi số"), "group": "I", "max_points": 20},
    {"code": "TDKT", "title": _nfc("Công tác thi đua, khen thưởng"), "group": "I", "max_points": 15},
    {"code": "SK", "title": _nfc("Điểm thưởng sáng kiến"), "group": "II", "max_points": 5, "kind": "bonus"},
    {"code": "KL", "title": _nfc("Vi phạm kỷ luật"), "group": "III", "max_points": 10, "kind": "penalty"},
]
# CM, CCHC, CDS, TDKT, SK, KL. Thái Bình and Hưng Yên tie exactly (a shared rank).
SCORES: dict[str, tuple[float, ...]] = {
    "30": (38, 24, 19, 14.5, 3, 0),
    "22": (37, 23.5, 19.5, 14, 4, 0),
    "31": (38, 23, 18, 14, 2, -1),
    "34": (36, 22, 17, 13, 1, 0),
    "33": (36, 22, 17, 13, 1, 0),
    "36": (35, 21, 18, 13, 0, 0),
    "37": (33, 21, 16, 12, 1, 0),
    "35": (34, 20, 15, 12, 0, -2),
}
NOTES = {
    "22": {"SK": _nfc("Sáng kiến số hóa hồ sơ khen thưởng được UBND tỉnh công nhận")},
    "35": {"KL": _nfc("Một công chức bị khiển trách trong năm")},
}
# The lead cross-checks Nam Định's digital-transformation score.
ADJUSTMENT = ("36", "CDS", 15, _nfc("Mới kết nối 3/5 cơ sở dữ liệu chuyên ngành; chưa đủ minh chứng cho mức tự chấm"))


async def seed(conn: asyncpg.Connection) -> bool:
    """Seed once: the 2025 scores and ranking, the 2023 award decision (``commendations/demo.py``),
    the ministry's council and its vote on the 2024 list with the decision that follows
    (``demo_council.py``), Quảng Ninh's movements (``movements/demo.py``) and its People's
    Committee's 2024 year as an organiser (``demo_province.py``); returns False when all already exist."""
    scored = await _seed_scores(conn)
    awarded = await commendations_demo.seed(conn)
    council = await demo_council.seed(conn)
    moved = await movements_demo.seed(conn)
    province = await demo_province.seed(conn)
    return scored or awarded or council or moved or province


async def _seed_scores(conn: asyncpg.Connection) -> bool:
    async with conn.transaction():
        if await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM nominations.covenants WHERE cluster_code = $1 AND year = $2)",
                CLUSTER, YEAR):
            return False
        await service_scores.put_covenant(conn, actor=Principal(subject="demo-seed", role="ministry"), period=PERIOD,
                                          criteria=CRITERIA, publish=True, reason=None)
        codes: list[str] = [c["code"] for c in CRITERIA]
        for province, points in SCORES.items():
            member = Principal(subject=f"province-{province}", role="province", province=province)
            await service_scores.save_sheet(conn, actor=member, period=PERIOD, province=province,
                                            scores=dict(zip(codes, points)), notes=NOTES.get(province, {}))  # type: ignore[arg-type]
            await service_scores.submit_sheet(conn, actor=member, period=PERIOD, province=province)
        adjusted_province, code, adjusted_points, reason = ADJUSTMENT
        await service_scores.review_sheet(conn, actor=Principal(subject="province-30", role="province", province="30"),
                                          period=PERIOD, province=adjusted_province,
                                          adjustments={code: (adjusted_points, reason)})  # type: ignore[dict-item]
        await service_rankings.recompute(conn, year=YEAR, cluster=None, config=RankingSettings().config)
    return True
