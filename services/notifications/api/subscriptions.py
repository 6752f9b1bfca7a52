from __future__ import annotations

from fastapi import APIRouter

from services.notifications.schemas import (
    SUBSCRIBABLE,
    Page,
    Subscription,
    SubscriptionIn,
)
from services.notifications.service import subscriptions
from services.notifications.service.dependencies import Settings
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import problems

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])


@router.put("", summary="Choose this account's channels, event types and language",
             response_model=Subscription, responses=problems(401, 403, 422))
async def put_subscription(body: SubscriptionIn, principal: CurrentPrincipal, db: Db, settings: Settings) -> dict:
    async with db.transaction() as conn:
        return await subscriptions.put_subscription(
            conn, actor=principal, requested=[c.model_dump() for c in body.channels], events=body.events,
            subscribable=SUBSCRIBABLE, language=body.language,
            allow_private=bool(settings.webhook_allow_private), secret_key=settings.secret_box_key)


@router.get("", summary="This account's subscription (the inbox in Vietnamese when none is set)",
             response_model=Subscription, responses=problems(401, 403))
async def get_subscription(principal: CurrentPrincipal, db: Db) -> dict:
    async with db.connection() as conn:
        return await subscriptions.get_subscription(conn, actor=principal)


@router.delete("", status_code=204, summary="Back to the default (inbox, every event, Vietnamese)",
             responses=problems(401, 403))
async def delete_subscription(principal: CurrentPrincipal, db: Db) -> None:
    async with db.transaction() as conn:
        await subscriptions.delete_subscription(conn, actor=principal)


@router.get("/event-types", summary="Event types a subscription may name",
             response_model=Page[str], responses=problems(503))
async def event_types() -> dict:
    return {"items": SUBSCRIBABLE, "next": None}
