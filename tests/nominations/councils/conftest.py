"""The ministry's council (nine members, each with an account of its own) and short-hands for its
endpoints, on the ``comm`` cluster-year (NV-BAC 2023, Thái Bình lead)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.nominations.commendations.conftest import Commendations
from tests.nominations.commendations.conftest import comm as comm  # noqa: F401 (the fixture, re-exported)

MEMBERS = [
    {"name": "Phạm Thị Thanh Trà", "position": "Bộ trưởng Bộ Nội vụ", "role": "chair", "account": "hd-tra"},
    {"name": "Trương Hải Long", "position": "Thứ trưởng", "role": "vice_chair", "account": "hd-long"},
    {"name": "Vũ Chiến Thắng", "position": "Thứ trưởng", "role": "vice_chair", "account": "hd-thang"},
    {"name": "Nguyễn Văn Hùng", "position": "Vụ trưởng Vụ Thi đua, Khen thưởng", "role": "member", "account": "hd-hung"},
    {"name": "Lê Thị Hoa", "position": "Chánh Văn phòng Bộ", "role": "member", "account": "hd-hoa"},
    {"name": "Đặng Quốc Khánh", "position": "Vụ trưởng Vụ Tổ chức cán bộ", "role": "member", "account": "hd-khanh"},
    {"name": "Bùi Minh Tâm", "position": "Chủ tịch Công đoàn Bộ", "role": "member", "account": "hd-tam"},
    {"name": "Hoàng Thu Trang", "position": "Vụ trưởng Vụ Pháp chế", "role": "member", "account": "hd-trang"},
    {"name": "Ngô Đức Mạnh", "position": "Chánh Thanh tra Bộ", "role": "member", "account": "hd-manh"},
]


@dataclass
class Council:
    comm: Commendations

    @property
    def client(self):
        return self.comm.client

    @property
    def ministry(self) -> dict[str, str]:
        return self.comm.ministry

    def member(self, account: str) -> dict[str, str]:
        """A council member signed in with its own (ministry staff) account."""
        return self.comm.vote.nominations.auth(self.comm.vote.issue_token("ministry", subject=account))

    async def call(self, method: str, path: str, headers: dict[str, str], expect: int = 200, **kw: Any) -> Any:
        return await self.comm.call(method, path, headers, expect, **kw)

    async def found(self, **extra: Any) -> dict[str, Any]:
        return await self.call("POST", "/v1/councils", self.ministry, 201, json={
            "name": "Hội đồng Thi đua - Khen thưởng Bộ Nội vụ", "term_from": "2021-08-01", "term_to": "2026-07-31",
            "decision_number": "850/QĐ-BNV", "decision_date": "2021-08-01", "members": MEMBERS, **extra})

    async def session(self, council_id: str, nominee_ids: list[str], **extra: Any) -> dict[str, Any]:
        return await self.call("POST", f"/v1/councils/{council_id}/sessions", self.ministry, 201, json={
            "year": 2023, "held_on": "2024-01-03", "place": "Phòng họp số 1, Bộ Nội vụ",
            "title": "Phiên họp xét khen thưởng tổng kết năm 2023", "nominee_ids": nominee_ids, **extra})

    def ballot(self, council_id: str, session_id: str, account: str, approve: list[str], key: str | None = None):
        headers = {**self.member(account), "Idempotency-Key": key or str(uuid.uuid4())}
        return self.client.post(f"/v1/councils/{council_id}/sessions/{session_id}/ballots", headers=headers,
                                json={"approve": approve})


@pytest.fixture
async def council(comm) -> Council:
    return Council(comm)
