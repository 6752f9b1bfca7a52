"""Events the worker could not process (failed_events): list them, replay them once fixed (ministry)."""
from __future__ import annotations

import logging
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.notifications.schemas import FailedEvent, FailedEventDetail, Page
from services.notifications.service import failed_events
from shared import jobs
from shared.app import Db, Jobs
from shared.auth import CurrentPrincipal
from shared.errors import Unavailable, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.logs import log_fields
from shared.pagination import page

router = APIRouter(prefix="/v1/events/failed", tags=["failed events"])
log = logging.getLogger("thidua.notifications")

FailureId = Annotated[uuid.UUID, Path(description="The event id (derived from the envelope if it had none)")]


@router.get("", summary="Events the worker could not process, most recently failed first (ministry)",
             response_model=Page[FailedEvent], responses=problems(401, 403, 422))
async def list_failed_events(principal: CurrentPrincipal, db: Db,
                             status: Literal["failed", "replayed", "resolved"] | None = None,
                             cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    async with db.connection() as conn:
        items = await failed_events.list_failed_events(conn, actor=principal, status=status, cursor=cursor,
                                                       limit=limit + 1)
    return page(items, limit, lambda f: [f["last_failed_at"], f["id"]])


@router.get("/{failure_id}", summary="One failed event with the error's traceback (ministry)",
             response_model=FailedEventDetail, responses=problems(401, 403, 404, 422))
async def get_failed_event(failure_id: FailureId, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await failed_events.get_failed_event(conn, actor=principal, failure_id=failure_id)


@router.post("/{failure_id}/replay", status_code=202,
             summary="Send a failed event back to the events queue, once its cause is fixed (ministry)",
             response_model=FailedEvent, responses=problems(401, 403, 404, 409, 422, 503))
async def replay_failed_event(failure_id: FailureId, principal: CurrentPrincipal, db: Db, sender: Jobs,
                              idempotency_key: IdempotencyKey = None) -> JSONResponse:
    # Sent after the commit. A replay is harmless to repeat (the event id is deduplicated), and the row
    # stays replayable until an event run resolves it: if the broker refuses, say so.
    try:
        async with jobs.transaction(db, sender) as (conn, after):
            response = await idempotent(conn, schema="notifications", key=idempotency_key,
                                        scope=f"{principal.subject}:event.replay:{failure_id}", body={},
                                        status_code=202, run=lambda: failed_events.mark_replayed(
                                            conn, actor=principal, failure_id=failure_id))
            row = await failed_events.failed_event(conn, failure_id=failure_id)
            # A repeated request (same Idempotency-Key) after the replay worked sends nothing.
            if row["status"] != "resolved":  # type: ignore[index]
                after.add(failed_events.replay_job(row))  # type: ignore[arg-type]
    except jobs.JobNotSent as exc:
        log_fields(log, "cannot enqueue a replayed event", logging.WARNING, failure_id=str(failure_id),
                   error=repr(exc.cause))
        raise Unavailable("the broker did not take the event; replay it again", field="id") from None
    return response
