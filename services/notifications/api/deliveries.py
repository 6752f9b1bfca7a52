from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.notifications import service
from services.notifications.schemas import Delivery, DeliveryDetail, Page
from shared import jobs
from shared.app import Db, Jobs
from shared.auth import CurrentPrincipal
from shared.errors import problems
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
        items = await service.list_deliveries(conn, status=status, after=_after(cursor), limit=limit + 1)
    return page(items, limit, lambda d: [d["created_at"], d["id"]])


@router.get("/{delivery_id}", summary="One delivery with every attempt (ministry)",
             response_model=DeliveryDetail, responses=problems(401, 403, 404, 422))
async def get_delivery(delivery_id: DeliveryId, principal: CurrentPrincipal, db: Db) -> dict:
    principal.require_role("ministry")
    async with db.connection() as conn:
        return await service.get_delivery(conn, delivery_id=delivery_id)


@router.post("/{delivery_id}/retry", status_code=202,
             summary="Try a dead delivery again, with a fresh attempt budget (ministry)",
             response_model=Delivery, responses=problems(401, 403, 404, 409, 422))
async def retry_delivery(delivery_id: DeliveryId, principal: CurrentPrincipal, db: Db, sender: Jobs,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    principal.require_role("ministry")
    # Sent after the commit: the task must find the row pending. If Redis is away the sweep sends it.
    async with jobs.transaction(db, sender) as (conn, after):
        response = await idempotent(conn, schema="notifications", key=idempotency_key,
                                    scope=f"{principal.subject}:delivery.retry:{delivery_id}", body={},
                                    status_code=202, run=lambda: service.retry_delivery(conn, delivery_id=delivery_id))
        after.add(service.delivery_job(str(delivery_id)))
    return response
