"""Finding 6 (Flower) and operations: Redis AUTH and TLS (rediss://), an SSE stream that ends
with its token (finding 8)."""
from __future__ import annotations

import asyncio
import datetime
import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest
import redis as redis_sync
import yaml

from deploy.stack import ROOT
from services.notifications.settings import NotificationsSettings
from shared.settings import ServiceSettings
from tests.support import free_port


def test_flower_is_behind_basic_auth_on_loopback(tmp_path, redis_url):
    from services.notifications.flower import flower_argv

    # Without a password it refuses production and any address beyond loopback.
    with pytest.raises(SystemExit):
        flower_argv(NotificationsSettings(environment="production", secret_key="k" * 40), address="127.0.0.1",
                    port=5555)
    with pytest.raises(SystemExit):
        flower_argv(NotificationsSettings(), address="0.0.0.0", port=5555)
    # Its memory is bounded: it keeps the 10,000 most recent tasks, not Flower's 100,000.
    argv = flower_argv(NotificationsSettings(flower_basic_auth="ops:a-long-flower-password"), address="127.0.0.1",
                       port=5555)
    assert "--max_tasks=10000" in argv
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["flower"]
    assert compose["ports"] == ["127.0.0.1:5555:5555"]
    assert "services.notifications.flower" in compose["command"]

    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "NOTIFICATIONS_FLOWER_BASIC_AUTH": "ops:a-long-flower-password",
           "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "flower.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "services.notifications.flower", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "flower.log").read_text()
            try:
                anonymous = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, (tmp_path / "flower.log").read_text()
                time.sleep(0.2)
        assert anonymous.status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/tasks", timeout=5).status_code == 401
        ok = httpx.get(f"http://127.0.0.1:{port}/", auth=("ops", "a-long-flower-password"), timeout=10)
        assert ok.status_code == 200
        # Listening on loopback only.
        listening = [line for line in open(f"/proc/{proc.pid}/net/tcp").read().splitlines()[1:]
                     if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A"]
        assert listening and all(line.split()[1].startswith("0100007F") for line in listening)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
        log.close()


def _tls_files(tmp_path):
    """A CA and a server certificate for 127.0.0.1 (cryptography, no openssl binary needed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "thidua test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False).sign(ca_key, hashes.SHA256()))
    paths = {name: tmp_path / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


async def test_redis_auth_and_tls_for_services_and_celery(tmp_path):
    settings = ServiceSettings(redis_url="rediss://:s3cret-redis@127.0.0.1:6390/0", redis_ssl_ca_certs="/ca.pem",
                               database_url="postgresql://unused")
    import ssl

    assert settings.celery_ssl() == {"ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_ca_certs": "/ca.pem"}
    from services.notifications.worker import create_celery

    celery = create_celery(NotificationsSettings(redis_url=settings.redis_url, redis_ssl_ca_certs="/ca.pem"),
                           set_as_current=False)
    assert celery.conf.broker_use_ssl["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert celery.conf.redis_backend_use_ssl["ssl_ca_certs"] == "/ca.pem"

    server = shutil.which("redis-server")
    assert server, "a redis-server binary with TLS is needed for this test"
    files, port = _tls_files(tmp_path), free_port()
    proc = subprocess.Popen([server, "--port", "0", "--tls-port", str(port), "--tls-cert-file", str(files["cert"]),
                             "--tls-key-file", str(files["key"]), "--tls-ca-cert-file", str(files["ca"]),
                             "--tls-auth-clients", "no", "--requirepass", "s3cret-redis", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        url = f"rediss://:s3cret-redis@127.0.0.1:{port}/0"
        live = ServiceSettings(redis_url=url, redis_ssl_ca_certs=str(files["ca"]), database_url="postgresql://unused")
        from shared.app import redis_client

        client = redis_client(live)
        deadline = time.monotonic() + 20
        while True:
            try:
                assert await client.ping()
                break
            except redis_sync.ConnectionError:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)
        await client.aclose()
        # The outbox relay's publisher speaks TLS to the broker too.
        from shared.events import CeleryPublisher

        publisher = CeleryPublisher(url, [("notifications.handle_event", "events")], broker_use_ssl=live.celery_ssl())
        publisher.publish_batch([{"id": "00000000-0000-0000-0000-000000000001", "type": "t"}])
        publisher.close()
        plain = redis_sync.Redis(host="127.0.0.1", port=port, password="s3cret-redis", ssl=True,
                                 ssl_ca_certs=str(files["ca"]))
        assert plain.llen("events") == 1
        plain.close()
        # Without the password, or without TLS, Redis answers nobody.
        with pytest.raises(redis_sync.AuthenticationError):
            redis_sync.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=str(files["ca"])).llen("events")
        with pytest.raises(redis_sync.ConnectionError):
            redis_sync.Redis(host="127.0.0.1", port=port, password="s3cret-redis", socket_timeout=3).ping()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)


async def test_a_live_stream_ends_when_its_token_expires(notifications, issue_token):
    token = issue_token("province", "31", ttl=2)
    lines: list[str] = []

    async def read_all() -> None:
        async with notifications.client.stream("GET", "/v1/inbox/stream", headers=notifications.auth(token),
                                               timeout=60) as resp:
            assert resp.status_code == 200
            async for line in resp.aiter_lines():
                lines.append(line)

    # The server must close the stream at the token's expiry; sse_max_seconds (300 s) would
    # outlast this bound, and heartbeats every 0.5 s keep the connection busy meanwhile.
    await asyncio.wait_for(read_all(), timeout=60)
    assert lines[0].startswith("retry:")
