"""Fixtures for movements: the nominations service (with the movements' routers) beside the registry,
and short-hands for a province's movement (organiser UBND-22) with its communes in scope."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

import pytest

from shared.clock import vietnam_today
from tests.support import Served


@dataclass
class Movements:
    registry: Served
    nominations: Served
    issue_token: Callable[..., str]
    today: date

    @property
    def client(self):
        return self.nominations.client

    def province(self, code: str) -> dict[str, str]:
        return self.nominations.auth(self.issue_token("province", code))

    def account(self, role: str, **claims: str) -> dict[str, str]:
        """An organiser's office (role staff, organiser=) or a unit's own account (role unit, unit=)."""
        token, _ = self.registry.app.state.issuer.issue(subject=f"{role}-{'-'.join(claims.values())}", role=role,
                                                        province=None, **claims)
        return self.nominations.auth(token)

    @property
    def ministry(self) -> dict[str, str]:
        return self.nominations.auth(self.issue_token("ministry"))

    async def call(self, method: str, path: str, headers: dict[str, str] | None = None, expect: int = 200,
                   **kw: Any) -> Any:
        r = await self.client.request(method, path, headers={**(headers or {}),
                                                             "Idempotency-Key": str(uuid.uuid4())}, **kw)
        assert r.status_code == expect, r.text
        return r.json()

    def body(self, **changes: Any) -> dict[str, Any]:
        """Quảng Ninh's movement: phase 1 ended yesterday, phase 2 runs from today; registration due in 5 days."""
        t = self.today
        return {
            "name": "Phong trào thi đua “Quảng Ninh chung sức xây dựng nông thôn mới”",
            "kind": "regular", "organiser_code": "UBND-22", "organiser_name": "Ủy ban nhân dân tỉnh Quảng Ninh",
            "starts_on": str(t - timedelta(days=60)), "ends_on": str(t + timedelta(days=60)),
            "registration_deadline": str(t + timedelta(days=5)),
            "criteria": [{"code": "nha-tam", "text": "Xóa nhà tạm, nhà dột nát", "target": "100 %"},
                         {"code": "ho-ngheo", "text": "Giảm tỷ lệ hộ nghèo", "target": "≥ 1,5 %"}],
            "titles": [{"code": "co-thi-dua", "name": "Cờ thi đua của UBND tỉnh"},
                       {"code": "bang-khen", "name": "Bằng khen của Chủ tịch UBND tỉnh"}],
            "phases": [
                {"number": 1, "name": "Giai đoạn 1", "starts_on": str(t - timedelta(days=60)),
                 "ends_on": str(t - timedelta(days=1)), "report_deadline": str(t + timedelta(days=10))},
                {"number": 2, "name": "Giai đoạn 2", "starts_on": str(t),
                 "ends_on": str(t + timedelta(days=60)), "report_deadline": str(t + timedelta(days=70))}],
            "units": [{"code": "22", "name": "Tỉnh Quảng Ninh", "kind": "province"},
                      {"code": "22001", "name": "Phường Hạ Long", "kind": "commune", "parent_code": "22"},
                      {"code": "22002", "name": "Phường Cẩm Phả", "kind": "commune", "parent_code": "22"},
                      {"code": "22003", "name": "Xã Cô Tô", "kind": "commune", "parent_code": "22"}],
            **changes}


@pytest.fixture
def nominations_settings(database_url, redis_url, registry):
    from services.nominations.settings import NominationsSettings

    return NominationsSettings(database_url=database_url, redis_url=redis_url, registry_url=registry.url,
                               outbox_poll_interval=0.2, log_level="WARNING")


@pytest.fixture
async def movements(registry, nominations, issue_token) -> Movements:
    return Movements(registry=registry, nominations=nominations, issue_token=issue_token, today=vietnam_today())
