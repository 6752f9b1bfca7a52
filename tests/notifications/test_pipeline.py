"""From a committed event to every recipient, through the real relay, Redis and a worker process."""
from __future__ import annotations

import json
import uuid

from services.notifications.domain import routing, templates
from tests.notifications.conftest import eventually, processed

NORTH = ["34", "33", "30", "31", "22", "36", "35", "37"]
CLUSTER_NAME = "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc"


async def decide_leadership(registry, ministry: dict, *, code: str = "NV-BAC", years=(2024,)) -> None:
    """Create a cluster and periods, then elect each year's lead: one leadership.rotated per year."""
    r = await registry.client.post("/v1/clusters", headers=ministry, json={
        "code": code, "name": CLUSTER_NAME, "organizer": "Bộ Nội vụ", "kind": "cum"})
    assert r.status_code == 201, r.text
    for year in years:
        r = await registry.client.put(f"/v1/clusters/{code}/periods/{year}", headers=ministry, json={"members": NORTH})
        assert r.status_code == 200, r.text
        r = await registry.client.post(f"/v1/clusters/{code}/periods/{year}/leadership", headers=ministry,
                                       json={"method": "election", "lead": "34", "deputy": "33"})
        assert r.status_code == 201, r.text


async def inbox(notifications, headers) -> dict:
    r = await notifications.client.get("/v1/inbox", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_registry_event_reaches_every_recipients_inbox_and_the_live_stream(
        registry, notifications, tokens, worker, db):
    # A province opens its live stream before anything happens.
    async with notifications.client.stream("GET", "/v1/inbox/stream", headers=tokens.province("34")) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert (await anext(lines)).startswith("retry:")

        await decide_leadership(registry, tokens.ministry)

        event = None
        async for line in lines:
            if line.startswith("data: "):
                event = json.loads(line[len("data: "):])
                break
    assert event["event_type"] == routing.LEADERSHIP_ROTATED and "Trưởng cụm" in event["subject"]

    recipients = [f"province:{c}" for c in NORTH] + ["ministry"]
    event_id = await db.fetchval("SELECT id FROM registry.outbox WHERE type = $1", routing.LEADERSHIP_ROTATED)
    rows = await eventually(lambda: db.fetch(
        "SELECT recipient, subject, body, action FROM notifications.notifications WHERE event_id = $1", event_id),
        message="inbox rows")
    assert sorted(r["recipient"] for r in rows) == sorted(recipients)

    for code in NORTH:
        body = await inbox(notifications, tokens.province(code))
        assert body["unread"] == 1 and len(body["items"]) == 1 and body["next"] is None
        item = body["items"][0]
        assert item["event_id"] == str(event_id) and item["language"] == "vi" and CLUSTER_NAME in item["body"]
    lead = (await inbox(notifications, tokens.province("34")))["items"][0]
    assert lead["action"] and lead["action"] in lead["body"]  # the lead is told what to do
    ministry = await inbox(notifications, tokens.ministry)
    assert ministry["unread"] == 1
    assert (await inbox(notifications, tokens.province("01")))["items"] == []  # not a member

    r = await notifications.client.post(f"/v1/inbox/{lead['id']}/read", headers=tokens.province("34"))
    assert r.status_code == 200 and r.json()["read"] and r.json()["unread"] == 0
    assert (await inbox(notifications, tokens.province("34")))["unread"] == 0
    # Someone else's notification is not in this inbox.
    r = await notifications.client.post(f"/v1/inbox/{lead['id']}/read", headers=tokens.province("33"))
    assert r.status_code == 404


async def test_the_same_event_delivered_twice_yields_one_notification(worker, publish, db, redis_url):
    merged = {"id": str(uuid.uuid4()), "type": routing.PROVINCE_MERGED, "version": 1,
              "occurred_at": "2025-07-01T00:00:00+00:00", "producer": "registry", "aggregate_id": "31@2025-07-01",
              "payload": {"successor": {"code": "31", "name": "Hải Phòng"},
                          "sources": [{"code": "31", "name": "Hải Phòng"}, {"code": "30", "name": "Hải Dương"}],
                          "effective_date": "2025-07-01"}}
    # A relay that crashed after publishing but before stamping the row publishes again.
    publish([merged])
    publish([merged])
    row = await eventually(lambda: processed(db, merged["id"]), message="the event to be processed")
    row = await eventually(
        lambda: db.fetchrow("SELECT * FROM notifications.processed_events WHERE event_id = $1 AND repeats = 1",
                            uuid.UUID(merged["id"])), message="the repeat to be seen")
    assert row["recipients"] == 2
    rows = await db.fetch("SELECT recipient FROM notifications.notifications WHERE event_id = $1",
                          uuid.UUID(merged["id"]))
    assert sorted(r["recipient"] for r in rows) == ["ministry", "province:31"]


async def test_webhook_failing_three_times_then_succeeding_is_delivered_with_four_signed_attempts(
        registry, notifications, tokens, worker, receivers, db):
    from services.notifications.domain.webhooks import verify_signature

    hook = receivers([500, 500, 500, 200])
    secret = "s3cr3t-for-the-ministry-hook"
    r = await notifications.client.put("/v1/subscriptions", headers=tokens.ministry, json={
        "channels": [{"type": "inbox"}, {"type": "webhook", "url": hook.url, "secret": secret}],
        "events": [routing.LEADERSHIP_ROTATED], "language": "en"})
    assert r.status_code == 200, r.text

    await decide_leadership(registry, tokens.ministry)

    delivery = await eventually(lambda: db.fetchrow(
        "SELECT * FROM notifications.deliveries WHERE status = 'delivered'"), message="delivered webhook")
    assert delivery["attempts"] == 4 and delivery["kind"] == "webhook" and delivery["recipient"] == "ministry"
    assert len(hook.requests) == 4
    for request in hook.requests:
        headers = request["headers"]
        assert verify_signature(secret=secret, timestamp=headers["x-thidua-timestamp"], body=request["body"],
                                signature=headers["x-thidua-signature"], now=int(request["at"]))
        assert headers["x-thidua-delivery"] == str(delivery["id"])
    body = json.loads(hook.requests[-1]["body"])
    assert body["event"]["type"] == routing.LEADERSHIP_ROTATED and body["recipient"] == "ministry"
    assert body["message"]["language"] == "en" and body["message"]["subject"].startswith("Cluster lead")
    # The retries backed off: each wait is longer than the previous one's lower bound.
    gaps = [b["at"] - a["at"] for a, b in zip(hook.requests, hook.requests[1:])]
    assert all(g >= 0.09 for g in gaps), gaps

    r = await notifications.client.get(f"/v1/deliveries/{delivery['id']}", headers=tokens.ministry)
    assert r.status_code == 200
    assert [a["outcome"] for a in r.json()["history"]] == ["retry", "retry", "retry", "delivered"]
    assert [a["http_status"] for a in r.json()["history"]] == [500, 500, 500, 200]
    assert "secret" not in r.text
    # The inbox copy is English too, as the subscription asked.
    assert (await inbox(notifications, tokens.ministry))["items"][0]["language"] == "en"


async def test_permanently_failing_webhook_ends_dead_and_can_be_retried_through_the_api(
        registry, notifications, tokens, worker, receivers, db):
    hook = receivers([400, 200])
    r = await notifications.client.put("/v1/subscriptions", headers=tokens.province("22"), json={
        "channels": [{"type": "webhook", "url": hook.url, "secret": "province-22-webhook-secret"}]})
    assert r.status_code == 200, r.text

    await decide_leadership(registry, tokens.ministry)

    dead = await eventually(lambda: db.fetchrow("SELECT * FROM notifications.deliveries WHERE status = 'dead'"),
                            message="a dead delivery")
    assert dead["attempts"] == 1 and "400" in dead["last_error"]
    # Only webhook for province 22: no inbox row for it, the others keep their default inbox.
    recipients = {r["recipient"] for r in await db.fetch("SELECT recipient FROM notifications.notifications")}
    assert "province:22" not in recipients and "province:34" in recipients

    listed = await notifications.client.get("/v1/deliveries", params={"status": "dead"}, headers=tokens.ministry)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == str(dead["id"]) and item["attempts"] == 1 and "400" in item["last_error"]
    assert (await notifications.client.get("/v1/deliveries", headers=tokens.province("22"))).status_code == 403

    r = await notifications.client.post(f"/v1/deliveries/{dead['id']}/retry", headers=tokens.ministry)
    assert r.status_code == 202 and r.json()["status"] == "pending"
    delivered = await eventually(lambda: db.fetchrow(
        "SELECT * FROM notifications.deliveries WHERE id = $1 AND status = 'delivered'", dead["id"]),
        message="the retried delivery")
    assert delivered["attempts"] == 2 and len(hook.requests) == 2
    r = await notifications.client.post(f"/v1/deliveries/{dead['id']}/retry", headers=tokens.ministry)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")


async def test_worker_killed_mid_delivery_delivers_exactly_once_after_restart(
        registry, notifications, tokens, start_worker, receivers, db):
    hook = receivers([200], hold_first=True)
    r = await notifications.client.put("/v1/subscriptions", headers=tokens.ministry, json={
        "channels": [{"type": "webhook", "url": hook.url, "secret": "ministry-webhook-secret-1"}]})
    assert r.status_code == 200, r.text
    first = start_worker()

    await decide_leadership(registry, tokens.ministry)

    await eventually(lambda: _async(hook.first_arrived.is_set()), message="the first webhook request")
    first.kill()  # SIGKILL while the request is in flight
    hook.release()
    row = await db.fetchrow("SELECT * FROM notifications.deliveries")
    assert row["status"] == "pending" and row["attempts"] == 1 and row["delivered_at"] is None

    start_worker()  # Redis hands the unacknowledged message over once the visibility timeout passes
    delivered = await eventually(lambda: db.fetchrow(
        "SELECT * FROM notifications.deliveries WHERE status = 'delivered'"), timeout=30, message="redelivery")
    assert delivered["id"] == row["id"] and delivered["attempts"] == 2
    outcomes = await db.fetch("SELECT outcome FROM notifications.delivery_attempts WHERE delivery_id = $1", row["id"])
    assert [o["outcome"] for o in outcomes] == ["delivered"]
    # The receiver saw the same delivery id twice (the first answer never reached the dead worker):
    # X-Thidua-Delivery lets it keep one.
    assert {r["headers"]["x-thidua-delivery"] for r in hook.requests} == {str(row["id"])}
    assert await db.fetchval("SELECT count(*) FROM notifications.deliveries") == 1


async def test_email_arrives_with_vietnamese_text_intact(registry, notifications, tokens, worker, smtp_server, db):
    r = await notifications.client.put("/v1/subscriptions", headers=tokens.province("34"), json={
        "channels": [{"type": "inbox"}, {"type": "email", "address": "vanthu@sonoivu.thaibinh.gov.vn"}]})
    assert r.status_code == 200, r.text

    await decide_leadership(registry, tokens.ministry)

    await eventually(lambda: _async(smtp_server.messages), message="an e-mail")
    [mail] = smtp_server.messages
    outbox = await db.fetchrow("SELECT * FROM registry.outbox WHERE type = $1", routing.LEADERSHIP_ROTATED)
    event = {"type": outbox["type"], "payload": outbox["payload"]}
    expected = templates.render(event, language="vi", recipient="province:34")
    assert mail["Subject"] == expected.subject and "Trưởng cụm" in mail["Subject"]
    assert mail.get_content().rstrip("\n") == expected.body
    assert "Thái Bình" in mail.get_content() and "Sở Nội vụ" in mail.get_content()
    assert smtp_server.envelopes[0][1] == ["vanthu@sonoivu.thaibinh.gov.vn"]
    delivery = await eventually(lambda: db.fetchrow(
        "SELECT * FROM notifications.deliveries WHERE status = 'delivered'"), message="delivery recorded")
    assert mail["X-Thidua-Delivery"] == str(delivery["id"]) and delivery["attempts"] == 1
    # The inbox got the same text.
    [item] = (await inbox(notifications, tokens.province("34")))["items"]
    assert (item["subject"], item["body"]) == (expected.subject, expected.body)


async def _async(value):
    return value


async def test_sweep_enqueues_deliveries_whose_message_was_lost(worker, db, smtp_server, notifications_settings):
    from services.notifications.service import consume
    from services.notifications.worker import create_celery

    await db.execute(
        """INSERT INTO notifications.subscriptions (subject, address, channels)
           VALUES ('province-31', 'province:31', $1)""", [{"type": "email", "address": "so@noivu.haiphong.gov.vn"}])
    event = {"id": str(uuid.uuid4()), "type": routing.PROVINCE_MERGED, "version": 1,
             "occurred_at": "2025-07-01T00:00:00+00:00", "producer": "registry", "aggregate_id": "31@2025-07-01",
             "payload": {"successor": {"code": "31", "name": "Hải Phòng"}, "sources": [{"code": "30", "name": "Hải Dương"}],
                         "effective_date": "2025-07-01"}}
    # Committed, but its delivery was never enqueued (as if Redis refused the message after the commit).
    async with db.transaction():
        handled = await consume.handle_event(db, event)
    assert len(handled.deliveries) == 1
    await db.execute("UPDATE notifications.deliveries SET next_attempt_at = now() - interval '10 minutes'")

    celery = create_celery(notifications_settings, set_as_current=False)
    celery.send_task("notifications.sweep_deliveries")
    celery.close()
    await eventually(lambda: db.fetchval("SELECT status = 'delivered' FROM notifications.deliveries"),
                     message="the swept delivery")
    [mail] = smtp_server.messages
    assert mail["Subject"].startswith("Hợp nhất") and "Hải Phòng" in mail["Subject"]
