"""Failed events: envelopes the worker could not process, listed for the ministry and sent back to
the events queue once their cause is fixed."""
from __future__ import annotations

import uuid
from typing import Any, Mapping

import asyncpg

from services.notifications.service.access import require_operator
from services.notifications.store import failed_events as failed_store
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.jobs import Job
from shared.pagination import time_id_cursor


def replay_job(failed: Mapping[str, Any]) -> Job:
    """A failed event back to the events queue (required: nothing else would send it again)."""
    return Job("notifications.handle_event", args=(failed["envelope"],), queue="events",
               task_id=f"{failed['id']}:replay:{failed['replays']}", required=True)


async def list_failed_events(conn: asyncpg.Connection, *, actor: Principal, status: str | None,
                             cursor: str | None, limit: int) -> list[dict[str, Any]]:
    """Failed events, most recently failed first, from ``cursor`` on (ministry)."""
    require_operator(actor)
    after = time_id_cursor(cursor)
    return [failed_store.public(r) for r in await failed_store.page(conn, status=status, after=after, limit=limit)]


async def get_failed_event(conn: asyncpg.Connection, *, actor: Principal, failure_id: uuid.UUID) -> dict[str, Any]:
    """One failed event with its traceback (ministry)."""
    require_operator(actor)
    row = await failed_store.get(conn, failure_id)
    if row is None:
        raise NotFound(f"no failed event {failure_id}", field="id")
    return failed_store.public(row, traceback=True)


async def mark_replayed(conn: asyncpg.Connection, *, actor: Principal, failure_id: uuid.UUID) -> dict[str, Any]:
    """Mark a failed event replayed (ministry); the caller sends :func:`replay_job` after its commit."""
    require_operator(actor)
    row = await failed_store.mark_replayed(conn, failure_id)
    if row is None:
        current = await failed_store.get(conn, failure_id)
        if current is None:
            raise NotFound(f"no failed event {failure_id}", field="id")
        raise Conflict("this event has been processed since; there is nothing to replay", field="id",
                       status_value=current["status"])
    return failed_store.public(row)


async def failed_event(conn: asyncpg.Connection, *, failure_id: uuid.UUID) -> asyncpg.Record | None:
    """The stored failure (status, envelope, replays), as the replay sends it."""
    return await failed_store.get(conn, failure_id)

