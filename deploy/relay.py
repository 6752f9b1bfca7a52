"""The outbox relays as a process of their own: ``python -m deploy.relay [registry] [nominations]``
(default: every service that has an outbox).

Each relay is the one an API process runs when ``<PREFIX>_RUN_OUTBOX_RELAY`` is true (the default;
``shared.app.outbox_relay``), configured by the same service settings: it claims the service's
unpublished outbox rows (``FOR UPDATE SKIP LOCKED``, so any number of relay processes and API
replicas share the work), hands them to the configured Celery consumers and records the receipts.
Run apart (``make run``, the ``outbox-relay`` Deployment in deploy/k8s), the relays scale apart
from the APIs and their CPU is their own. SIGTERM or SIGINT stops them after the batch in hand.

``python -m deploy.relay --forget-receipts`` (after a point-in-time restore of the database, before
anything starts again) drops the consumers' receipts waiting in Redis and exits: they may vouch for
commits the restore undid (``shared.receipts.forget_all``).
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal

from shared.app import outbox_relay, redis_client
from shared.db import create_pool
from shared.logs import configure_logging
from shared.receipts import forget_all
from shared.settings import ServiceSettings

# Each service with an outbox: its settings class (the service's env prefix); its schema is its name.
SERVICES = {
    "registry": "services.registry.settings:RegistrySettings",
    "nominations": "services.nominations.settings:NominationsSettings",
}

log = logging.getLogger("thidua.relay")


def settings_of(service: str) -> ServiceSettings:
    module, _, name = SERVICES[service].partition(":")
    settings: ServiceSettings = getattr(importlib.import_module(module), name)()
    return settings


async def run(services: list[str], stop: asyncio.Event) -> None:
    """Run the relays of ``services`` until ``stop`` is set."""
    closing = []
    tasks = []
    try:
        for service in services:
            settings = settings_of(service)
            pool = await create_pool(settings.database_url, min_size=1, max_size=2)
            redis = redis_client(settings)
            relay, publisher = outbox_relay(settings, pool=pool, redis=redis, schema=service)
            closing.append((relay, publisher, redis, pool))
            tasks.append(asyncio.create_task(relay.run(), name=f"{service}-outbox-relay"))
            log.info("relay started", extra={"fields": {"schema": service,
                                                         "consumers": settings.event_consumers}})
        await stop.wait()
    finally:
        for relay, *_ in closing:
            relay.stop()
        # A relay stops after the batch in hand (stop() wakes it); a stuck one is cancelled.
        _, pending = await asyncio.wait(tasks, timeout=10) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for _, publisher, redis, pool in closing:
            publisher.close()
            await redis.aclose()
            await pool.close()


async def forget_receipts(services: list[str]) -> int:
    """Every receipt in the Redis of ``services`` forgotten (one Redis for all, as deployed, or each
    its own); how many receipt sets were dropped."""
    dropped = 0
    by_url = {settings.redis_url: settings for settings in map(settings_of, services)}
    for settings in by_url.values():
        redis = redis_client(settings)
        try:
            dropped += await forget_all(redis)
        finally:
            await redis.aclose()
    return dropped


async def main(services: list[str]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run(services, stop)


def cli(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.relay", description=__doc__.split("\n\n")[0])
    parser.add_argument("services", nargs="*", metavar="service",
                        help=f"whose outbox to relay: {', '.join(SERVICES)} (default: all)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--forget-receipts", action="store_true",
                        help="after a point-in-time restore, before anything starts: drop the receipts "
                             "waiting in Redis (they may vouch for commits the restore undid), then exit")
    args = parser.parse_args(argv)
    unknown = [s for s in args.services if s not in SERVICES]
    if unknown:
        parser.error(f"no outbox for {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    configure_logging("relay", args.log_level)
    if args.forget_receipts:
        dropped = asyncio.run(forget_receipts(args.services or list(SERVICES)))
        print(f"receipts forgotten: {dropped} set(s); the restored outboxes publish again whatever they "
              "have not seen confirmed", flush=True)
        return
    asyncio.run(main(args.services or list(SERVICES)))


if __name__ == "__main__":
    cli()
