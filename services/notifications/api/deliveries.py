from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from services.notifications.schemas import Delivery, DeliveryDetail, Page
from services.notifications.store import deliveries as delivery_store
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import Conflict, NotFound, problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page, time_id_cursor

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])

DeliveryId = Annotated[uuid.UUID, Path(description="The delivery id (also sent as X-Thidua-Delivery)")]


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    position = time_id_cursor(cursor)
    return None if position is None else (position[0], str(position[1]))


@router.get("", summary="E-mail and webhook deliveries, newest first (ministry)",
             response_model=Page[Delivery], responses=problems(401, 403, 422))
async def list_deliveries(principal: CurrentPrincipal, db: Db,
                          status: Literal["pending", "retrying", "delivered", "dead"] | None = None,
                          cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    principal.require_role("ministry")
    async with db.connection() as conn:
        rows = await delivery_store.page(conn, status=status, after=_after(cursor), limit=limit + 1)
    return page([delivery_store.public(r) for r in rows], limit, lambda d: [d["created_at"], d["id"]])


@router.get("/{delivery_id}", summary="One delivery with every attempt (ministry)",
             response_model=DeliveryDetail, responses=problems(401, 403, 404, 422))
async def get_delivery(delivery_id: DeliveryId, principal: CurrentPrincipal, db: Db) -> dict:
    principal.require_role("ministry")
    async with db.connection() as conn:
        row = await delivery_store.get(conn, str(delivery_id))
        if row is None:
            raise NotFound(f"no delivery {delivery_id}", field="id")
        attempts = await delivery_store.attempts(conn, str(delivery_id))
    return {**delivery_store.public(row), "history": [
        {"number": a["number"], "started_at": a["started_at"].isoformat(), "finished_at": a["finished_at"].isoformat(),
         "outcome": a["outcome"], "http_status": a["http_status"], "error": a["error"]} for a in attempts]}


@router.post("/{delivery_id}/retry", status_code=202,
             summary="Try a dead delivery again, with a fresh attempt budget (ministry)",
             response_model=Delivery, responses=problems(401, 403, 404, 409, 422))
async def retry_delivery(delivery_id: DeliveryId, principal: CurrentPrincipal, db: Db, request: Request,
                         idempotency_key: IdempotencyKey = None):
    principal.require_role("ministry")

    async def run() -> dict:
        row = await delivery_store.retry_dead(conn, str(delivery_id))
        if row is None:
            current = await delivery_store.get(conn, str(delivery_id))
            if current is None:
                raise NotFound(f"no delivery {delivery_id}", field="id")
            raise Conflict(f"only a dead delivery can be retried; this one is {current['status']}", field="id",
                           status_value=current["status"])
        return delivery_store.public(row)

    async with db.transaction() as conn:
        response = await idempotent(conn, schema="notifications", key=idempotency_key,
                                    scope=f"{principal.subject}:delivery.retry:{delivery_id}", body={},
                                    status_code=202, run=run)
    # After the commit: the task must find the row pending. If Redis is away the sweep enqueues it.
    await asyncio.to_thread(request.app.state.enqueue_delivery, str(delivery_id))
    return response
