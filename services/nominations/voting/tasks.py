"""Celery tasks of the voting context: the close at ``closes_at``.

Tasks take ids, reload state, are idempotent, and touch only the ``nominations`` schema.
"""
from celery import shared_task

from shared.worker import run_async


async def close_due_rounds(database_url: str | None = None) -> list[str]:
    """Close every open round whose ``closes_at`` has passed; return the ids closed.

    Uses the very function behind ``POST /v1/rounds/{id}/close`` (``due_only``: a round already
    closed, or not yet due, is left alone), one transaction per round, so a beat firing twice or a
    lead closing at the same moment is harmless.
    """
    from services.nominations.settings import NominationsSettings
    from services.nominations.voting import service as service_rounds
    from services.nominations.voting.store import rounds as round_store
    from shared.auth import Principal
    from shared.db import connect

    scheduler = Principal(subject="nominations.close_due_rounds", role="service")
    conn = await connect(database_url or NominationsSettings().database_url)
    try:
        closed = []
        for round_id in await round_store.due(conn):
            async with conn.transaction():
                if await service_rounds.close_round(conn, actor=scheduler, round_id=round_id, due_only=True):
                    closed.append(str(round_id))
        return closed
    finally:
        await conn.close()


@shared_task(name="nominations.close_due_rounds", acks_late=True, autoretry_for=(Exception,), retry_backoff=True,
              retry_jitter=True, max_retries=5)
def close_due_rounds_task() -> list[str]:
    """Scheduled by the notifications worker's beat (queue ``beat``)."""
    return run_async(close_due_rounds)
