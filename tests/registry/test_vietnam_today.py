"""Whose "today"? Vietnam's, whatever the server's time zone.

The registry runs in its own process with ``TZ=UTC`` and its clock fixed at 23:30 UTC on
2025-06-30 (``REGISTRY_CLOCK_FIXED_AT``, a setting only tests use): in Vietnam it is already
06:30 on 2025-07-01, the first day of the 34 new units.
"""
import asyncio
import os
import subprocess
import sys
import time

import httpx

from tests.support import free_port, problem


async def test_a_utc_server_at_2330_on_30_june_2025_lists_the_34_new_units(database_url, redis_url, signing_pem):
    port = free_port()
    env = {**os.environ, "TZ": "UTC", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "REGISTRY_JWT_PRIVATE_KEY_PEM": signing_pem, "REGISTRY_RUN_OUTBOX_RELAY": "false",
           "REGISTRY_CLOCK_FIXED_AT": "2025-06-30T23:30:00+00:00", "REGISTRY_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "services.registry.main:app", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], env=env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, "the registry stopped during start-up"
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the registry did not start"
                await asyncio.sleep(0.2)
            # The process's own idea of the date is still 30 June (the bug this guards against).
            check = subprocess.run([sys.executable, "-c", "import time; print(time.strftime('%Z'))"], env=env,
                                   capture_output=True, text=True, check=True)
            assert check.stdout.strip() == "UTC"
            units = (await client.get("/v1/provinces")).json()["items"]
            assert len(units) == 34
            assert {u["code"]: u["name"] for u in units}["52"] == "Gia Lai"
            assert (await client.get("/v1/provinces/52")).json()["predecessors"]
            problem(await client.get("/v1/provinces/34"), 404)  # Thái Bình ended on 30 June
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_day_turns_at_midnight_in_vietnam_not_at_midnight_utc():
    from datetime import date, datetime, timezone

    from shared.clock import Clock

    assert Clock(datetime(2025, 6, 30, 16, 59, tzinfo=timezone.utc)).today() == date(2025, 6, 30)  # 23:59 in Hà Nội
    assert Clock(datetime(2025, 6, 30, 17, 0, tzinfo=timezone.utc)).today() == date(2025, 7, 1)
    assert Clock(datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc)).today() == date(2025, 7, 1)
    assert Clock(datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc)).now().tzinfo == timezone.utc
