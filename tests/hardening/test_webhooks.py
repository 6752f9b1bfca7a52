"""Findings 4 and 5 (webhooks that stall everyone, SSRF) and webhook secrets at rest (finding 8):
Standard Webhooks signatures checked with the published library, bounded reads and deadlines
against real misbehaving receivers, the connection pinned to the checked address, a per-receiver
cap, a queue of their own, and a receiver that keeps failing paused with its owner told."""
from __future__ import annotations

import asyncio
import socket

import pytest
import standardwebhooks

from services.notifications import senders
from services.notifications.receiver_slots import ReceiverSlots
from services.notifications.service import deliveries as delivery_service
from services.notifications.settings import NotificationsSettings
from shared.app import redis_client
from shared.db import create_pool
from shared.production import UnsafeConfiguration
from tests.notifications.conftest import eventually
from tests.notifications.test_api import consume, merged
from tests.support import problem

MESSAGE = {"subject": "s", "body": "b", "action": None, "language": "vi", "event": {"id": "e", "type": "t"}}


@pytest.fixture
async def pool(database_url):
    pool = await create_pool(database_url, min_size=1, max_size=3)
    yield pool
    await pool.close()


def _settings(database_url: str, **overrides) -> NotificationsSettings:
    return NotificationsSettings(database_url=database_url, webhook_allow_private=True, max_webhook_attempts=50,
                                 secret_key="k" * 40, **overrides)


async def test_webhooks_follow_standard_webhooks_and_secrets_are_encrypted_at_rest(
        notifications_settings, tokens, receivers, db, pool, database_url):
    from services.notifications.app import create_notifications_app
    from tests.support import serve

    hook = receivers([200])
    # A secret saved before encryption at rest is sealed when the service starts.
    await db.execute("""INSERT INTO notifications.subscriptions (subject, address, channels)
                        VALUES ('province-22', 'province:22', $1)""",
                     [{"type": "webhook", "url": "https://hooks.example.vn/x", "secret": "an-old-clear-secret-1"}])
    settings = notifications_settings.model_copy(update={"secret_key": "k" * 40})
    async with serve(create_notifications_app(settings)) as api:
        old = await db.fetchval("SELECT channels::text FROM notifications.subscriptions WHERE subject = 'province-22'")
        assert "an-old-clear-secret-1" not in old and "enc:v1:" in old
        r = await api.client.put("/v1/subscriptions", headers=tokens.province("31", subject="province-31"),
                                 json={"channels": [{"type": "webhook", "url": hook.url}]})
        assert r.status_code == 200, r.text
        secret = r.json()["channels"][0]["secret"]
        assert secret.startswith("whsec_")
        # Shown once: reading the subscription back never shows it.
        again = await api.client.get("/v1/subscriptions", headers=tokens.province("31", subject="province-31"))
        assert "secret" not in again.json()["channels"][0] and again.json()["channels"][0]["secret_set"]
        bad = await api.client.put("/v1/subscriptions", headers=tokens.province("31", subject="province-31"),
                                   json={"channels": [{"type": "webhook", "url": hook.url,
                                                       "secret": "whsec_dG9vLXNob3J0"}]})
        assert problem(bad, 422)["errors"][0]["field"] == "channels.0.secret"
    stored = await db.fetchval("SELECT channels::text FROM notifications.subscriptions WHERE subject = 'province-31'")
    assert "enc:v1:" in stored and secret not in stored and secret[6:] not in stored
    [delivery_id] = (await consume(db, merged())).deliveries
    assert (await db.fetchval("SELECT secret FROM notifications.deliveries")).startswith("enc:v1:")
    result = await delivery_service.deliver(pool, _settings(database_url), delivery_id)
    assert result.status == "delivered"
    request = hook.requests[0]
    payload = standardwebhooks.Webhook(secret).verify(request["body"], request["headers"])
    assert payload["delivery_id"] == delivery_id and request["headers"]["webhook-id"] == delivery_id
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook("whsec_" + "QUJD" * 8).verify(request["body"], request["headers"])


class MisbehavingReceiver:
    """A raw TCP receiver: ``huge`` answers 200 with an endless body; ``drip`` sends its status
    line one byte a second."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sent = 0
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            if self.mode == "huge":
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 314572800\r\n\r\n")  # 300 MB announced
                chunk = b"x" * 65536
                while self.sent < 314572800:
                    writer.write(chunk)
                    await writer.drain()
                    self.sent += len(chunk)
            else:
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                    writer.write(bytes([byte]))
                    await writer.drain()
                    self.sent += 1
                    await asyncio.sleep(1)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook"

    async def __aexit__(self, *exc) -> None:
        self.server.close()


async def test_a_huge_answer_is_read_only_to_64_kib(database_url):
    receiver = MisbehavingReceiver("huge")
    async with receiver as url:
        outcome = await asyncio.wait_for(senders.send_webhook(
            _settings(database_url), delivery_id="d-1", url=url, secret="whsec_" + "QUJD" * 8, recipient="r",
            message=MESSAGE, event_type="t"), timeout=60)
    assert outcome.outcome == "delivered" and outcome.http_status == 200
    # The sender stopped reading at 64 KiB; what the receiver pushed is bounded by socket buffers.
    assert receiver.sent < 32 * 1024 * 1024


async def test_a_dripping_receiver_meets_the_deadline_of_the_attempt(database_url):
    receiver = MisbehavingReceiver("drip")
    async with receiver as url:
        outcome = await asyncio.wait_for(senders.send_webhook(
            _settings(database_url, webhook_deadline_seconds=3), delivery_id="d-2", url=url,
            secret="whsec_" + "QUJD" * 8, recipient="r", message=MESSAGE, event_type="t"), timeout=60)
    assert outcome.outcome == "retry" and "within 3 s" in outcome.error
    assert receiver.sent < 20


async def test_the_connection_goes_to_the_address_that_was_checked(database_url, receivers, monkeypatch):
    """DNS rebinding: the name resolves to a public address when checked, then to loopback. The
    old sender checked one answer and let httpx resolve again (and reach loopback)."""
    hook = receivers([200])
    port = int(hook.url.split(":")[2].split("/")[0])
    real = socket.getaddrinfo
    answers = iter(["198.51.100.7"] + ["127.0.0.1"] * 10)  # TEST-NET-2 first, loopback after

    def rebinding(host, *args, **kwargs):
        if host == "hooks.rebind.example":
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    # Allowed here only because 198.51.100.0/24 is documentation space, "non-public" to the guard.
    outcome = await senders.send_webhook(
        _settings(database_url, webhook_deadline_seconds=3), delivery_id="d-3",
        url=f"http://hooks.rebind.example:{port}/hooks/thidua", secret="whsec_" + "QUJD" * 8, recipient="r",
        message=MESSAGE, event_type="t")
    assert outcome.outcome == "retry" and hook.requests == []
    # Pinned: the checked address is in the URL, the name in Host (and SNI for https).
    pinned = await senders.resolve_and_check(f"https://localhost:{port}/x", allow_private=True)
    assert pinned.url.host == "127.0.0.1" and pinned.host_header == f"localhost:{port}" and pinned.sni == "localhost"
    refused = await senders.resolve_and_check(f"https://localhost:{port}/x", allow_private=False)
    assert isinstance(refused, str) and "non-public" in refused


def test_production_refuses_the_ssrf_guard_off_and_clear_text_secrets(database_url):
    from services.notifications.app import create_notifications_app
    from services.notifications.worker import create_celery

    unsafe = NotificationsSettings(database_url=database_url, environment="production",
                                   registry_url="https://registry.example.vn", webhook_allow_private=True)
    for build in (create_notifications_app, lambda s: create_celery(s, set_as_current=False)):
        with pytest.raises(UnsafeConfiguration) as refused:
            build(unsafe)
        assert "SSRF guard is off" in str(refused.value) and "SECRET_KEY" in str(refused.value)


async def test_the_cap_per_receiver_is_shared_by_every_worker(redis_url, database_url):
    settings = _settings(database_url)
    first = ReceiverSlots(redis_client(settings.model_copy(update={"redis_url": redis_url})), cap=2, lease_seconds=30)
    second = ReceiverSlots(redis_client(settings.model_copy(update={"redis_url": redis_url})), cap=2, lease_seconds=30)
    a = await first.acquire("https://hooks.example.vn/a")
    b = await second.acquire("https://hooks.example.vn:443/b")  # the same receiver (host and port)
    assert a and b and await first.acquire("https://hooks.example.vn/c") is None
    assert await second.acquire("https://other.example.vn/") is not None  # another receiver is not held up
    await first.release("https://hooks.example.vn/a", a)
    assert await second.acquire("https://hooks.example.vn/d") is not None
    # A holder that died frees its slot when its lease ends.
    short = ReceiverSlots(first.redis, cap=1, lease_seconds=0.5)
    assert await short.acquire("https://dying.example.vn/") is not None

    async def freed() -> bool:
        return await short.acquire("https://dying.example.vn/") is not None

    await eventually(freed, timeout=10, message="the dead holder's lease to end")


async def test_a_receiver_that_keeps_failing_is_paused_and_its_owner_told(pool, database_url, db, receivers):
    hook = receivers([500])
    await db.execute("""INSERT INTO notifications.subscriptions (subject, address, channels, language)
                        VALUES ('province-31', 'province:31', $1, 'en')""",
                     [{"type": "webhook", "url": hook.url, "secret": "whsec_" + "QUJD" * 8}])
    delivery_ids = []
    for _ in range(2):
        delivery_ids += (await consume(db, merged())).deliveries
    settings = _settings(database_url, webhook_pause_after_failures=3)
    statuses = []
    for _ in range(3):
        await db.execute("UPDATE notifications.deliveries SET next_attempt_at = now()")
        statuses.append((await delivery_service.deliver(pool, settings, delivery_ids[0])).status)
    assert statuses == ["retrying"] * 3 and len(hook.requests) == 3
    paused = await delivery_service.deliver(pool, settings, delivery_ids[1])
    assert paused.status == "paused" and len(hook.requests) == 3  # no attempt, nothing dropped
    row = await db.fetchrow("SELECT status, attempts FROM notifications.deliveries WHERE id = $1", delivery_ids[1])
    assert (row["status"], row["attempts"]) == ("retrying", 0)
    told = await db.fetch("""SELECT subject, body FROM notifications.notifications
                              WHERE recipient = 'province:31' AND event_type = 'notifications.webhook_paused'""")
    assert len(told) == 1 and hook.url in told[0]["body"] and told[0]["subject"].startswith("Webhook paused")
    from services.notifications.store import receivers as receiver_store

    assert await receiver_store.resume(db, [hook.url]) == [hook.url]
    hook.statuses = [200]
    assert (await delivery_service.deliver(pool, settings, delivery_ids[1])).status == "delivered"


@pytest.mark.slow
async def test_one_slow_receiver_delays_nobody_else(db, receivers, worker_env, redis_url, tmp_path):
    """Real workers (three processes): the slow receiver holds at most its cap of them (one);
    the other receiver's deliveries go through meanwhile."""
    import os
    import signal
    import subprocess
    import sys

    from tests.notifications.conftest import ROOT

    slow, fast = receivers([200], hold_first=True), receivers([200])
    for subject, address, hook in (("province-31", "province:31", slow), ("ministry", "ministry", fast)):
        await db.execute("INSERT INTO notifications.subscriptions (subject, address, channels) VALUES ($1, $2, $3)",
                         subject, address, [{"type": "webhook", "url": hook.url, "secret": "whsec_" + "QUJD" * 8}])
    env = {**worker_env, "REDIS_URL": redis_url, "NOTIFICATIONS_WEBHOOK_CONCURRENCY_PER_RECEIVER": "1",
           "NOTIFICATIONS_WEBHOOK_DEADLINE_SECONDS": "60", "NOTIFICATIONS_SECRET_KEY": "k" * 40}
    log = open(tmp_path / "worker.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "services.notifications.worker:app", "worker", "-Q", "notify,webhooks",
         "-c", "3", "--loglevel=INFO", "-n", f"hooks-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    from shared.events import CeleryPublisher

    publisher = CeleryPublisher(redis_url, [])
    try:
        ids = []
        for _ in range(3):
            ids += (await consume(db, merged())).deliveries
        for delivery_id in ids:
            publisher.app.send_task("notifications.deliver", args=[delivery_id], queue="notify")

        async def fast_done() -> bool:
            return len(fast.requests) == 3

        await eventually(fast_done, timeout=90, message="the fast receiver's three deliveries")
        # Meanwhile the slow receiver held its first request and, capped at one, saw no other.
        assert slow.first_arrived.is_set() and len(slow.requests) == 1
        slow.release()

        async def slow_done() -> bool:
            return len(slow.requests) == 3

        await eventually(slow_done, timeout=90, message="the slow receiver's deliveries once it answers")
    finally:
        slow.release()
        publisher.close()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
