"""Fixtures for the nominations service: the service served on loopback beside the registry, and
helpers that set up a cluster-year (cluster, members, elected lead) through the registry's API."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from tests.support import Served, serve

# The 2023 northern Home Affairs cluster, in rotation order; Thái Bình (34) elected lead, Hưng Yên deputy.
NORTH = ["34", "33", "30", "31", "22", "36", "35", "37"]
NORTH_NAMES = {"34": "Thái Bình", "33": "Hưng Yên", "30": "Hải Dương", "31": "Hải Phòng", "22": "Quảng Ninh",
               "36": "Nam Định", "35": "Hà Nam", "37": "Ninh Bình"}
CLUSTER = "NV-BAC"
CLUSTER_NAME = "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc"


@pytest.fixture
def nominations_settings(database_url, redis_url, registry):
    from services.nominations.settings import NominationsSettings

    # A paper ballot's dispute window is a day in production; here it ends as soon as the member's
    # notice has left (tests about the window set their own).
    return NominationsSettings(database_url=database_url, redis_url=redis_url, registry_url=registry.url,
                               outbox_poll_interval=0.2, log_level="WARNING", paper_ballot_dispute_window_seconds=0)


@pytest.fixture
async def nominations(nominations_settings):
    from services.nominations.app import create_nominations_app

    async with serve(create_nominations_app(nominations_settings)) as served:
        yield served


@dataclass
class Vote:
    """Tokens for every role and short-hands for the round endpoints."""

    registry: Served
    nominations: Served
    issue_token: Callable[..., str]

    def province(self, code: str) -> dict[str, str]:
        return self.nominations.auth(self.issue_token("province", code))

    @property
    def ministry(self) -> dict[str, str]:
        return self.nominations.auth(self.issue_token("ministry"))

    @property
    def service(self) -> dict[str, str]:
        return self.nominations.auth(self.issue_token("service", subject="nominations-service"))

    # ------------------------------------------------------------ registry set-up

    async def cluster_year(self, *, code: str = CLUSTER, name: str = CLUSTER_NAME, year: int = 2023,
                           members: list[str] = NORTH, lead: str = "34", deputy: str = "33") -> None:
        """A cluster with a period for ``year`` and an elected lead and deputy (created if missing).
        Clusters other than the main one share members with it (the ministry allows it for them)."""
        ministry = self.registry.auth(self.issue_token("ministry"))
        r = await self.registry.client.post("/v1/clusters", headers=ministry, json={
            "code": code, "name": name, "organizer": "Bộ Nội vụ", "kind": "cum",
            "allow_shared_members": code != CLUSTER})
        assert r.status_code in (201, 409), r.text
        r = await self.registry.client.put(f"/v1/clusters/{code}/periods/{year}", headers=ministry,
                                           json={"members": members})
        assert r.status_code == 200, r.text
        if lead is not None:
            r = await self.registry.client.post(f"/v1/clusters/{code}/periods/{year}/leadership", headers=ministry,
                                                json={"method": "election", "lead": lead, "deputy": deputy})
            assert r.status_code == 201, r.text

    # ------------------------------------------------------------ rounds

    async def create(self, lead: str = "34", **body: Any) -> dict[str, Any]:
        payload = {"cluster_code": CLUSTER, "year": 2023, "award": "government_flag", "seats": 1, **body}
        r = await self.nominations.client.post("/v1/rounds", headers=self.province(lead), json=payload)
        assert r.status_code == 201, r.text
        return r.json()

    async def open(self, round_id: str, lead: str = "34") -> dict[str, Any]:
        r = await self.nominations.client.post(f"/v1/rounds/{round_id}/open", headers=self.province(lead))
        assert r.status_code == 200, r.text
        return r.json()

    async def opened(self, lead: str = "34", **body: Any) -> dict[str, Any]:
        return await self.open((await self.create(lead, **body))["id"], lead)

    def cast(self, round_id: str, voter: str, choices: list[str], key: str | None = None):
        headers = self.province(voter)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.nominations.client.post(f"/v1/rounds/{round_id}/ballots", headers=headers,
                                            json={"choices": choices})

    async def cast_ok(self, round_id: str, voter: str, choices: list[str]) -> dict[str, Any]:
        r = await self.cast(round_id, voter, choices)
        assert r.status_code == 201, r.text
        return r.json()["receipt"]

    async def cast_all(self, round_id: str, ballots: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
        """Every voter's ballot at once; returns each voter's receipt."""
        receipts = await asyncio.gather(*(self.cast_ok(round_id, v, c) for v, c in ballots.items()))
        return dict(zip(ballots, receipts))

    async def post(self, round_id: str, action: str, headers: dict[str, str], json: Any = None):
        return await self.nominations.client.post(f"/v1/rounds/{round_id}/{action}", headers=headers, json=json)

    async def close(self, round_id: str, lead: str = "34") -> dict[str, Any]:
        r = await self.post(round_id, "close", self.province(lead))
        assert r.status_code == 200, r.text
        return r.json()

    async def get(self, round_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.nominations.client.get(f"/v1/rounds/{round_id}", headers=headers or self.ministry)
        assert r.status_code == 200, r.text
        return r.json()

    async def outbox(self, type_: str | None = None) -> list[dict[str, Any]]:
        async with self.nominations.app.state.db.connection() as conn:
            rows = await conn.fetch("SELECT type, payload FROM nominations.outbox WHERE $1::text IS NULL OR type = $1 "
                                    "ORDER BY seq", type_)
        return [{"type": r["type"], **r["payload"]} for r in rows]


@pytest.fixture
async def vote(registry, nominations, issue_token) -> Vote:
    v = Vote(registry=registry, nominations=nominations, issue_token=issue_token)
    await v.cluster_year()
    return v


# ---------------------------------------------------------------- covenants, score sheets, rankings

@pytest.fixture
async def scoring(vote):
    """The scoring season's API calls on the ``vote`` cluster-year, with a short ranking debounce."""
    from services.nominations.scoring.service.rankings import RankingSettings
    from tests.nominations.scoring_support import Scoring

    vote.nominations.app.state.ranking_settings = RankingSettings(debounce_seconds=0.3)
    return Scoring(vote)


@pytest.fixture
def ranking_worker(database_url, redis_url, tmp_path):
    """A real Celery worker process serving every queue, against this test's database and Redis."""
    from tests.nominations.scoring_support import celery_worker

    with celery_worker(database_url=database_url, redis_url=redis_url, log_path=tmp_path / "worker.log") as proc:
        yield proc


# ---------------------------------------------------------------- the fast paths' twin

@pytest.fixture
async def generic(nominations_settings):
    """The nominations app with every request sent FastAPI's generic way (any dependency override
    turns the fast paths off), to compare the fast paths' answers with, byte for byte."""
    from services.nominations.app import create_nominations_app

    app = create_nominations_app(nominations_settings)
    app.dependency_overrides[_never_called] = _never_called
    async with serve(app) as served:
        yield served


def _never_called() -> None:
    raise AssertionError("not a dependency of any route")
