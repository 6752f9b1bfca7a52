"""Helpers for the covenant, score-sheet and ranking tests: the API calls of a scoring season on the
``vote`` fixture's cluster-year (NV-BAC 2023, lead Thái Bình 34, deputy Hưng Yên 33), and a real
Celery worker process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx

from tests.nominations.conftest import CLUSTER, NORTH

YEAR = 2023
LEAD, DEPUTY = "34", "33"
BASE = f"/v1/clusters/{CLUSTER}/periods/{YEAR}"
ROOT = Path(__file__).resolve().parents[2]

CRITERIA = [
    {"code": "CM", "title": "Thực hiện nhiệm vụ chuyên môn", "group": "I", "max_points": 40},
    {"code": "CCHC", "title": "Cải cách hành chính", "group": "I", "max_points": 25},
    {"code": "CDS", "title": "Chuyển đổi số", "group": "I", "max_points": 20},
    {"code": "TDKT", "title": "Công tác thi đua, khen thưởng", "group": "I", "max_points": 15},
    {"code": "SK", "title": "Điểm thưởng sáng kiến", "group": "II", "max_points": 5, "kind": "bonus"},
    {"code": "KL", "title": "Vi phạm kỷ luật", "group": "III", "max_points": 10, "kind": "penalty"},
]
CODES = [c["code"] for c in CRITERIA]


def sheet(cm, cchc, cds, tdkt, sk=0, kl=0) -> dict[str, Any]:
    return dict(zip(CODES, (cm, cchc, cds, tdkt, sk, kl)))


# Every member's sheet: 34 and 37 tie exactly; 22 and 30 tie on the total, 22 has the penalty.
SHEETS = {
    "34": sheet(36, 22, 17, 13, 1),
    "33": sheet(38, 24, 19, 14.5, 3),
    "30": sheet(37, 23, 18, 14),
    "31": sheet(38, 23.5, 19.5, 14, 4),
    "22": sheet(38, 24, 18, 13, 0, -1),
    "36": sheet(35, 21, 16, 12.25),
    "35": sheet(30, 20, 15, 12, 0, -2),
    "37": sheet(36, 22, 17, 13, 1),
}
assert set(SHEETS) == set(NORTH)


class Scoring:
    """The calls of a scoring season, as the given account (default: the one the rule expects)."""

    def __init__(self, vote):
        self.vote = vote
        self.client: httpx.AsyncClient = vote.nominations.client

    def province(self, code: str) -> dict[str, str]:
        return self.vote.province(code)

    @property
    def ministry(self) -> dict[str, str]:
        return self.vote.ministry

    def put_covenant(self, criteria=CRITERIA, *, publish=True, reason=None, headers=None):
        body = {"criteria": criteria, "publish": publish}
        if reason is not None:
            body["reason"] = reason
        return self.client.put(f"{BASE}/covenant", headers=headers or self.province(LEAD), json=body)

    async def published(self, criteria=CRITERIA) -> dict[str, Any]:
        r = await self.put_covenant(criteria)
        assert r.status_code == 200, r.text
        return r.json()

    def save(self, province: str, scores: dict[str, Any], *, notes=None, headers=None):
        return self.client.put(f"{BASE}/scores/{province}", headers=headers or self.province(province),
                               json={"scores": scores, "notes": notes or {}})

    def submit(self, province: str, *, headers=None):
        return self.client.post(f"{BASE}/scores/{province}/submit", headers=headers or self.province(province))

    def review(self, province: str, adjustments: dict[str, tuple[Any, str]], *, by: str = LEAD, headers=None):
        body = {"adjustments": {c: {"points": p, "reason": r} for c, (p, r) in adjustments.items()}}
        return self.client.put(f"{BASE}/scores/{province}/review", headers=headers or self.province(by), json=body)

    def get_sheet(self, province: str, *, headers=None):
        return self.client.get(f"{BASE}/scores/{province}", headers=headers or self.province(province))

    def lock(self, *, headers=None):
        return self.client.post(f"{BASE}/scores/lock", headers=headers or self.province(LEAD))

    async def scored(self, sheets: dict[str, dict[str, Any]] = SHEETS) -> None:
        """Each member saves and submits its sheet."""
        for province, scores in sheets.items():
            r = await self.save(province, scores)
            assert r.status_code == 200, r.text
            r = await self.submit(province)
            assert r.status_code == 200, r.text

    async def recompute_inline(self, cluster: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"inline": "true"}
        if cluster:
            params["cluster"] = cluster
        r = await self.client.post(f"/v1/rankings/{YEAR}/recompute", headers=self.ministry, params=params)
        assert r.status_code == 200, r.text
        return r.json()

    async def snapshots(self, cluster: str | None = CLUSTER) -> list[dict[str, Any]]:
        r = await self.client.get(f"/v1/rankings/{YEAR}/snapshots", headers=self.ministry,
                                  params={"cluster": cluster} if cluster else None)
        assert r.status_code == 200, r.text
        return r.json()["items"]


@contextmanager
def celery_worker(*, database_url: str, redis_url: str, log_path: Path,
                  queues: str = "rankings,events,notify,beat") -> Iterator[subprocess.Popen]:
    """The system's real Celery worker (``deploy.worker:app``, every service's tasks) in a child process,
    against this test's database and Redis."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT),
           "NOTIFICATIONS_LOG_LEVEL": "WARNING"}
    celery = Path(sys.executable).with_name("celery")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(celery), "-A", "deploy.worker:app", "worker", "-Q", queues, "--pool=solo",
             "--loglevel=INFO", "-n", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the task in hand
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
