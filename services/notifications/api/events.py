"""Events the worker could not process (failed_events): list them, replay them once fixed (ministry)."""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from services.notifications.schemas import FailedEvent, FailedEventDetail, Page
from services.notifications.store import failed_events as failed_store
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import Conflict, NotFound, Unavailable, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.logs import log_fields
from shared.pagination import page, time_id_cursor

router = APIRouter(prefix="/v1/events/failed", tags=["failed events"])
log = logging.getLogger("thidua.notifications")

FailureId = Annotated[uuid.UUID, Path(description="The event id (derived from the envelope if it had none)")]


@router.get("", summary="Events the worker could not process, most recently failed first (ministry)",
             response_model=Page[FailedEvent], responses=problems(401, 403, 422))
async def list_failed_events(principal: CurrentPrincipal, db: Db,
                             status: Literal["failed", "replayed", "resolved"] | None = None,
                             cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    principal.require_role("ministry")
    after = time_id_cursor(cursor)
    async with db.connection() as conn:
        rows = await failed_store.page(conn, status=status, after=after, limit=limit + 1)
    return page([failed_store.public(r) for r in rows], limit, lambda f: [f["last_failed_at"], f["id"]])


@router.get("/{failure_id}", summary="One failed event with the error's traceback (ministry)",
             response_model=FailedEventDetail, responses=problems(401, 403, 404, 422))
async def get_failed_event(failure_id: FailureId, principal: CurrentPrincipal, db: Db) -> dict:
    principal.require_role("ministry")
    async with db.connection() as conn:
        row = await failed_store.get(conn, failure_id)
    if row is None:
        raise NotFound(f"no failed event {failure_id}", field="id")
    return failed_store.public(row, traceback=True)


@router.post("/{failure_id}/replay", status_code=202,
             summary="Send a failed event back to the events queue, once its cause is fixed (ministry)",
             response_model=FailedEvent, responses=problems(401, 403, 404, 409, 422, 503))
async def replay_failed_event(failure_id: FailureId, principal: CurrentPrincipal, db: Db, request: Request,
                              idempotency_key: IdempotencyKey = None):
    principal.require_role("ministry")

    async def run() -> dict:
        row = await failed_store.mark_replayed(conn, failure_id)
        if row is None:
            current = await failed_store.get(conn, failure_id)
            if current is None:
                raise NotFound(f"no failed event {failure_id}", field="id")
            raise Conflict("this event has been processed since; there is nothing to replay", field="id",
                           status_value=current["status"])
        return failed_store.public(row)

    async with db.transaction() as conn:
        response = await idempotent(conn, schema="notifications", key=idempotency_key,
                                    scope=f"{principal.subject}:event.replay:{failure_id}", body={},
                                    status_code=202, run=run)
        row = await failed_store.get(conn, failure_id)
    # After the commit. A replay is harmless to repeat (the event id is deduplicated), and the row
    # stays replayable until an event run resolves it: if the broker refuses, say so.
    if row["status"] == "resolved":  # a repeated request (same Idempotency-Key) after the replay worked
        return response
    try:
        await asyncio.to_thread(request.app.state.enqueue_event, row["envelope"],
                                f"{failure_id}:replay:{row['replays']}")
    except Exception as exc:
        log_fields(log, "cannot enqueue a replayed event", logging.WARNING, failure_id=str(failure_id),
                   error=repr(exc))
        raise Unavailable("the broker did not take the event; replay it again", field="id") from None
    return response
