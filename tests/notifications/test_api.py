"""Subscriptions, the inbox and the delivery views over HTTP (events fed in-process, no worker)."""
from __future__ import annotations

import uuid

from services.notifications.domain import routing
from services.notifications.domain.channels import REMINDER_EVENT_TYPE
from services.notifications.service.consume import Handled, handle_event
from tests.notifications.conftest import envelope
from tests.support import problem, serve


def merged(successor: str = "31", name: str = "Hải Phòng") -> dict:
    return envelope(routing.PROVINCE_MERGED, {"successor": {"code": successor, "name": name},
                                              "sources": [{"code": "30", "name": "Hải Dương"}],
                                              "effective_date": "2025-07-01"}, producer="registry")


async def consume(db, event: dict) -> Handled:
    async with db.transaction():
        return await handle_event(db, event)


async def test_subscription_defaults_saves_and_hides_the_secret(notifications, tokens):
    r = await notifications.client.get("/v1/subscriptions", headers=tokens.province("22"))
    assert r.status_code == 200
    assert r.json()["default"] is True and r.json()["channels"] == [{"type": "inbox"}]
    assert r.json()["address"] == "province:22" and r.json()["language"] == "vi"

    body = {"channels": [{"type": "inbox"}, {"type": "email", "address": "vanthu@sonoivu.hungyen.gov.vn"},
                         {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": "a-very-long-secret-22"}],
            "events": [routing.ROUND_OPENED, REMINDER_EVENT_TYPE, routing.ROUND_OPENED], "language": "en"}
    r = await notifications.client.put("/v1/subscriptions", headers=tokens.province("22"), json=body)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["default"] is False and saved["events"] == [routing.ROUND_OPENED, REMINDER_EVENT_TYPE]
    assert saved["channels"][2] == {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret_set": True}
    assert "a-very-long-secret-22" not in r.text
    r = await notifications.client.get("/v1/subscriptions", headers=tokens.province("22"))
    assert r.json()["channels"] == saved["channels"] and r.json()["language"] == "en"

    r = await notifications.client.delete("/v1/subscriptions", headers=tokens.province("22"))
    assert r.status_code == 204
    assert (await notifications.client.get("/v1/subscriptions", headers=tokens.province("22"))).json()["default"]


async def test_subscription_validation_names_the_field(notifications, notifications_settings, tokens):
    put = lambda body, headers=tokens.ministry: notifications.client.put(  # noqa: E731
        "/v1/subscriptions", headers=headers, json=body)
    body = problem(await put({"channels": [{"type": "inbox"},
                                           {"type": "webhook", "url": "ftp://example.vn/x", "secret": "x" * 20}]}), 422)
    assert body["errors"][0]["field"] == "channels.1.url"
    body = problem(await put({"channels": [{"type": "email", "address": "not-an-address"}]}), 422)
    assert body["errors"][0]["field"] == "channels.0.address"
    body = problem(await put({"channels": [{"type": "inbox"}], "events": ["nominations.round.exploded"]}), 422)
    assert body["errors"][0]["field"] == "events.0"
    body = problem(await put({"channels": [{"type": "webhook", "url": "https://example.vn/h", "secret": "short"}]}), 422)
    assert body["errors"][0]["field"].startswith("channels.0")
    body = problem(await put({"channels": [{"type": "inbox"}, {"type": "inbox"}]}), 422)
    assert body["errors"][0]["field"] == "channels.1"
    problem(await put({"channels": []}), 422)
    problem(await put({"channels": [{"type": "sms", "number": "0900000000"}]}), 422)

    # Production refuses webhooks into the private network; the check runs when the URL is set.
    strict = notifications_settings.model_copy(update={"webhook_allow_private": False})
    from services.notifications.app import create_notifications_app

    async with serve(create_notifications_app(strict)) as api:
        for url in ("http://127.0.0.1:8080/h", "http://10.1.2.3/h", "http://localhost/h"):
            r = await api.client.put("/v1/subscriptions", headers=tokens.ministry, json={
                "channels": [{"type": "webhook", "url": url, "secret": "x" * 20}]})
            assert problem(r, 422)["errors"][0]["field"] == "channels.0.url", url
        r = await api.client.put("/v1/subscriptions", headers=tokens.ministry, json={
            "channels": [{"type": "webhook", "url": "https://hooks.example.vn/thidua", "secret": "x" * 20}]})
        assert r.status_code == 200, r.text


async def test_inbox_needs_an_account_with_an_address(notifications, tokens):
    problem(await notifications.client.get("/v1/inbox"), 401)
    problem(await notifications.client.get("/v1/inbox", headers={"Authorization": "Bearer nonsense"}), 401)
    problem(await notifications.client.get("/v1/inbox", headers=tokens.service), 403)
    problem(await notifications.client.put("/v1/subscriptions", headers=tokens.service,
                                           json={"channels": [{"type": "inbox"}]}), 403)
    problem(await notifications.client.get("/v1/inbox/stream"), 401)
    # EventSource cannot send headers: the stream also takes the token as a query parameter.
    token = tokens.province("22")["Authorization"].split()[1]
    async with notifications.client.stream("GET", "/v1/inbox/stream", params={"access_token": token}) as stream:
        assert stream.status_code == 200
        assert (await anext(stream.aiter_lines())).startswith("retry:")
    problem(await notifications.client.get("/v1/inbox/stream", headers=tokens.service), 403)


async def test_inbox_is_newest_first_paginated_with_unread_count(notifications, tokens, db):
    events = [merged() for _ in range(5)]
    for event in events:
        result = await consume(db, event)
        assert result.notifications == 2 and result.recipients == 2
    headers = tokens.province("31")
    r = await notifications.client.get("/v1/inbox", headers=headers, params={"limit": 2})
    first = r.json()
    assert first["unread"] == 5 and len(first["items"]) == 2 and first["next"]
    assert [i["event_id"] for i in first["items"]] == [events[4]["id"], events[3]["id"]]
    seen = [i["event_id"] for i in first["items"]]
    cursor = first["next"]
    while cursor:
        page = (await notifications.client.get("/v1/inbox", headers=headers,
                                               params={"limit": 2, "cursor": cursor})).json()
        seen += [i["event_id"] for i in page["items"]]
        cursor = page["next"]
    assert seen == [e["id"] for e in reversed(events)]

    newest = first["items"][0]
    assert newest["subject"].startswith("Hợp nhất") and newest["read"] is False
    for _ in range(2):  # reading twice is harmless
        r = await notifications.client.post(f"/v1/inbox/{newest['id']}/read", headers=headers)
        assert r.status_code == 200 and r.json()["unread"] == 4
    unread = (await notifications.client.get("/v1/inbox", headers=headers, params={"unread_only": "true"})).json()
    assert len(unread["items"]) == 4 and newest["id"] not in [i["id"] for i in unread["items"]]
    problem(await notifications.client.post("/v1/inbox/999999/read", headers=headers), 404)
    problem(await notifications.client.get("/v1/inbox", headers=headers, params={"cursor": "!!"}), 422)
    # The ministry's inbox is its own.
    assert (await notifications.client.get("/v1/inbox", headers=tokens.ministry)).json()["unread"] == 5


async def test_handle_event_is_idempotent_and_follows_subscriptions(db):
    async with db.transaction():
        await db.execute(
            """INSERT INTO notifications.subscriptions (subject, address, channels, events, language)
               VALUES ('province-31', 'province:31', $1, '{}', 'en'),
                      ('ministry', 'ministry', $2, $3, 'vi')""",
            [{"type": "email", "address": "a@b.vn"}, {"type": "inbox"}],
            [{"type": "webhook", "url": "https://hooks.example.vn/x", "secret": "s" * 20}],
            [routing.ROUND_OPENED])
    event = merged()
    first = await consume(db, event)
    assert first.duplicate is False and len(first.deliveries) == 1  # 31's e-mail; the ministry opted out
    again = await consume(db, event)
    # A repeat changes nothing, but hands over the still pending deliveries again (the first
    # consumer may have died between its commit and enqueuing them).
    assert again.duplicate is True and again.deliveries == first.deliveries
    rows = await db.fetch("SELECT recipient, language FROM notifications.notifications WHERE event_id = $1",
                          uuid.UUID(event["id"]))
    assert [(r["recipient"], r["language"]) for r in rows] == [("province:31", "en")]
    delivery = await db.fetchrow("SELECT * FROM notifications.deliveries")
    assert (delivery["channel"], delivery["language"], delivery["status"]) == ("email:a@b.vn", "en", "pending")
    assert delivery["message"]["subject"].startswith("Provinces merged")
    assert await db.fetchval("SELECT repeats FROM notifications.processed_events") == 1

    # Not routed (and unknown) types are recorded and ignored.
    not_routed = {
        routing.BALLOT_CAST: {"round_id": str(uuid.uuid4()), "cluster_code": "NV-BAC", "year": 2026, "voter_code": "30"},
        "registry.period.updated": {"cluster_code": "NV-BAC", "cluster_name": "Cụm thi đua phía Bắc", "year": 2026,
                                    "members": [{"code": "30", "name": "Hải Dương"}]},
        "someone.else.happened": {"round_id": "r1", "voter_code": "30"},
    }
    for kind, payload in not_routed.items():
        result = await consume(db, envelope(kind, payload))
        assert result.recipients == 0 and result.notifications == 0


async def test_deliveries_list_is_for_the_ministry_and_pages(notifications, tokens, db):
    async with db.transaction():
        await db.execute(
            """INSERT INTO notifications.subscriptions (subject, address, channels)
               VALUES ('province-31', 'province:31', $1)""",
            [{"type": "email", "address": f"so{i}@noivu.vn"} for i in range(3)])
    await consume(db, merged())
    r = await notifications.client.get("/v1/deliveries", headers=tokens.ministry, params={"limit": 2})
    assert r.status_code == 200 and len(r.json()["items"]) == 2 and r.json()["next"]
    rest = await notifications.client.get("/v1/deliveries", headers=tokens.ministry,
                                          params={"limit": 2, "cursor": r.json()["next"]})
    items = r.json()["items"] + rest.json()["items"]
    assert len({i["id"] for i in items}) == 3 and rest.json()["next"] is None
    assert all(i["status"] == "pending" and i["attempts"] == 0 and i["last_error"] is None for i in items)
    assert (await notifications.client.get("/v1/deliveries", headers=tokens.ministry,
                                           params={"status": "dead"})).json()["items"] == []
    problem(await notifications.client.get("/v1/deliveries", headers=tokens.ministry, params={"status": "lost"}), 422)
    problem(await notifications.client.get("/v1/deliveries", headers=tokens.province("31")), 403)
    problem(await notifications.client.post(f"/v1/deliveries/{items[0]['id']}/retry", headers=tokens.ministry), 409)
    problem(await notifications.client.post(f"/v1/deliveries/{uuid.uuid4()}/retry", headers=tokens.ministry), 404)


async def test_stream_resumes_after_last_event_id_and_sends_heartbeats(notifications, tokens, db):
    import json

    first, second = merged(), merged()
    await consume(db, first)
    await consume(db, second)
    items = (await notifications.client.get("/v1/inbox", headers=tokens.province("31"))).json()["items"]
    older = min(i["id"] for i in items)
    headers = {**tokens.province("31"), "Last-Event-ID": str(older)}
    received, heartbeat = [], False
    async with notifications.client.stream("GET", "/v1/inbox/stream", headers=headers) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                received.append(json.loads(line[len("data: "):]))
            elif line == ": heartbeat":
                heartbeat = True
                break
    # Only what came after the last id the client saw, then heartbeats while nothing new arrives.
    assert [r["event_id"] for r in received] == [second["id"]] and heartbeat


async def test_ids_cursors_and_last_event_ids_out_of_range_are_422_naming_the_field(notifications, tokens, db):
    # Found by fuzzing: ids beyond bigint reached asyncpg (a 422 naming no field), a cursor whose id was
    # not a string raised AttributeError (a 500), and a bad Last-Event-ID broke the stream after its 200.
    import base64
    import json

    await consume(db, merged())
    headers = tokens.province("31")
    body = problem(await notifications.client.post(f"/v1/inbox/{2**63}/read", headers=headers), 422)
    assert body["errors"][0]["field"] == "notification_id"
    problem(await notifications.client.post(f"/v1/inbox/{2**63 - 1}/read", headers=headers), 404)

    def cursor(position) -> str:
        return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()

    for position in (2**63, 0, -3, True, "5"):
        r = await notifications.client.get("/v1/inbox", headers=headers, params={"cursor": cursor(position)})
        assert problem(r, 422)["errors"][0]["field"] == "cursor", position
    for position in (["2025-01-01T00:00:00+00:00", 5], [None, None], ["soon", str(uuid.uuid4())], 7):
        r = await notifications.client.get("/v1/deliveries", headers=tokens.ministry,
                                           params={"cursor": cursor(position)})
        assert problem(r, 422)["errors"][0]["field"] == "cursor", position
    for last in (str(2**63), "-1", "1e3", "0x10"):
        r = await notifications.client.get("/v1/inbox/stream", headers={**headers, "Last-Event-ID": last})
        assert problem(r, 422)["errors"][0]["field"] == "Last-Event-ID", last
    assert (await notifications.client.get("/v1/inbox", headers=headers)).json()["unread"] == 1


async def test_a_webhook_secret_postgresql_cannot_store_is_a_422_naming_it(notifications, tokens):
    # Found by fuzzing: a NUL character reached the jsonb column ("unsupported Unicode escape sequence").
    r = await notifications.client.put("/v1/subscriptions", headers=tokens.province("22"), json={
        "channels": [{"type": "webhook", "url": "https://hooks.example.vn/h", "secret": "a-very-long-secret\x00"}]})
    assert problem(r, 422)["errors"][0]["field"].endswith("secret")
    assert (await notifications.client.get("/v1/subscriptions", headers=tokens.province("22"))).json()["default"]
