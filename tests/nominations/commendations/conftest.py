"""Fixtures for commendations: the ``vote`` cluster-year (NV-BAC 2023, Thái Bình lead) and short-hands
for the commendation endpoints."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.nominations.conftest import CLUSTER, Vote

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def person(name: str, *, born: str = "1980-05-17", position: str = "Chuyên viên",
           unit: str = "Phòng Tổ chức, Sở Nội vụ", **extra: Any) -> dict[str, Any]:
    return {"kind": "individual", "name": name, "position": position, "unit": unit, "birth_date": born,
            "summary": f"Hoàn thành xuất sắc nhiệm vụ năm 2023 ({name}).", **extra}


def collective(name: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "collective", "name": name, "summary": f"Tập thể {name} dẫn đầu phong trào thi đua.", **extra}


@dataclass
class Commendations:
    vote: Vote

    @property
    def client(self):
        return self.vote.nominations.client

    def province(self, code: str) -> dict[str, str]:
        return self.vote.province(code)

    @property
    def ministry(self) -> dict[str, str]:
        return self.vote.ministry

    async def call(self, method: str, path: str, headers: dict[str, str], expect: int = 200, **kw: Any) -> Any:
        r = await self.client.request(method, path, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, **kw)
        assert r.status_code == expect, r.text
        return r.json()

    async def proposal(self, province: str, form: str = "minister_certificate", year: int = 2023,
                       cluster: str = CLUSTER) -> dict[str, Any]:
        return await self.call("POST", "/v1/commendations/proposals", self.province(province), 201,
                               json={"cluster_code": cluster, "year": year, "form": form})

    async def nominee(self, proposal_id: str, province: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", f"/v1/commendations/proposals/{proposal_id}/nominees", self.province(province),
                               201, json=body)

    async def submit(self, proposal_id: str, province: str) -> dict[str, Any]:
        return await self.call("POST", f"/v1/commendations/proposals/{proposal_id}/submit", self.province(province))

    async def accept(self, nominee_id: str, lead: str = "34", *, province: str | None = None) -> dict[str, Any]:
        """The lead accepts, or the ministry when the nominee is the lead's own province's (``province``)."""
        reviewer = self.ministry if province == lead else self.province(lead)
        return await self.call("POST", f"/v1/commendations/nominees/{nominee_id}/accept", reviewer)

    async def send(self, lead: str = "34", cluster: str = CLUSTER, year: int = 2023) -> dict[str, Any]:
        return await self.call("POST", f"/v1/commendations/lists/{cluster}/{year}/send", self.province(lead))

    async def approve(self, nominee_id: str) -> dict[str, Any]:
        return await self.call("POST", f"/v1/commendations/nominees/{nominee_id}/approve", self.ministry)

    async def submitted(self, province: str, nominees: list[dict[str, Any]],
                        form: str = "minister_certificate") -> tuple[dict[str, Any], list[dict[str, Any]]]:
        p = await self.proposal(province, form)
        made = [await self.nominee(p["id"], province, n) for n in nominees]
        return await self.submit(p["id"], province), made

    async def through_lead(self, province: str, nominees: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Submitted, every nominee accepted by the lead and sent."""
        _, made = await self.submitted(province, nominees)
        for n in made:
            await self.accept(n["id"], province=province)
        await self.send()
        return made

    async def outbox(self, type_: str) -> list[dict[str, Any]]:
        return await self.vote.outbox(type_)


@pytest.fixture
async def comm(vote) -> Commendations:
    return Commendations(vote)
