"""The registry's Celery tasks: the events it consumes (``service.elections``).

``registry.handle_events`` takes a list of envelopes (``registry.handle_events@registry*N`` among a
producer's ``EVENT_CONSUMERS``), one transaction per event, each recorded by its id so a repeat does
nothing; it confirms every event handled or ignored after the commit. An event whose period does not
exist yet is left unconfirmed: its producer publishes it again later.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import shared_task

from shared.logs import log_fields
from shared.worker import run_async

log = logging.getLogger("thidua.registry")
CONSUMER = "registry"


async def handle_events(envelopes: list[Any], *, database_url: str | None = None,
                        redis_url: str | None = None) -> dict[str, int]:
    from services.registry.service import elections
    from services.registry.worker import RegistryWorkerSettings
    from shared import receipts
    from shared.app import redis_client
    from shared.db import connect
    from shared.vietnam import VIETNAM

    settings = RegistryWorkerSettings()
    if database_url is not None or redis_url is not None:
        settings = settings.model_copy(update={k: v for k, v in (("database_url", database_url),
                                                                  ("redis_url", redis_url)) if v is not None})
    today = datetime.now(VIETNAM).date()
    counts: dict[str, int] = {}
    done: list[Any] = []
    conn = await connect(settings.database_url)
    try:
        for envelope in envelopes:
            try:
                async with conn.transaction():
                    outcome = await elections.consume(conn, envelope, today=today)
            except elections.PeriodMissing as exc:
                outcome = "waiting"
                log_fields(log, "elected leadership waits for its period", logging.WARNING, error=str(exc))
            else:
                done.append(envelope)
            counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        await conn.close()
    client = redis_client(settings)
    try:
        await receipts.confirm(client, consumer=CONSUMER, envelopes=done)
    finally:
        await client.aclose()
    return counts


@shared_task(name="registry.handle_events", acks_late=True, autoretry_for=(Exception,), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def handle_events_task(envelopes: list[Any] | dict[str, Any]) -> dict[str, int]:
    batch = envelopes if isinstance(envelopes, list) else [envelopes]
    return run_async(lambda: handle_events(batch))
