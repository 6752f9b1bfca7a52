from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.notifications.schemas import Delivery, DeliveryDetail, Page
from services.notifications.service import deliveries
from shared import jobs
from shared.app import Db, Jobs
from shared.auth import CurrentPrincipal
from shared.errors import problems
from shared.idempotency import IdempotencyKey, idempotent
from shared.pagination import page

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])

DeliveryId = Annotated[uuid.UUID, Path(description="The delivery id (also sent as X-Thidua-Delivery)")]


@router.get("", summary="E-mail and webhook deliveries, newest first (ministry)",
             response_model=Page[Delivery], responses=problems(401, 403, 422))
async def list_deliveries(principal: CurrentPrincipal, db: Db,
                          status: Literal["pending", "retrying", "delivered", "dead"] | None = None,
                          cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    async with db.connection() as conn:
        items = await deliveries.list_deliveries(conn, actor=principal, status=status, cursor=cursor,
                                                 limit=limit + 1)
    return page(items, limit, lambda d: [d["created_at"], d["id"]])


@router.get("/{delivery_id}", summary="One delivery with every attempt (ministry)",
             response_model=DeliveryDetail, responses=problems(401, 403, 404, 422))
async def get_delivery(delivery_id: DeliveryId, principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await deliveries.get_delivery(conn, actor=principal, delivery_id=delivery_id)


@router.post("/{delivery_id}/retry", status_code=202,
             summary="Try a dead delivery again, with a fresh attempt budget (ministry)",
             response_model=Delivery, responses=problems(401, 403, 404, 409, 422))
async def retry_delivery(delivery_id: DeliveryId, principal: CurrentPrincipal, db: Db, sender: Jobs,
                         idempotency_key: IdempotencyKey = None) -> JSONResponse:
    # Sent after the commit: the task must find the row pending. If Redis is away the sweep sends it.
    async with jobs.transaction(db, sender) as (conn, after):
        response = await idempotent(conn, schema="notifications", key=idempotency_key,
                                    scope=f"{principal.subject}:delivery.retry:{delivery_id}", body={},
                                    status_code=202,
                                    run=lambda: deliveries.retry_delivery(conn, actor=principal, delivery_id=delivery_id))
        after.add(deliveries.delivery_job(str(delivery_id)))
    return response
