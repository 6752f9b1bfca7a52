from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.notifications.api import address_of
from services.notifications.domain import routing, webhooks
from services.notifications.domain.channels import REMINDER_EVENT_TYPE, channel_key
from services.notifications.schemas import Page, Subscription
from services.notifications.store import subscriptions as subscription_store
from shared.app import Db
from shared.auth import CurrentPrincipal
from shared.errors import Unprocessable, problems
from shared.text import StorableStr

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])

SUBSCRIBABLE = sorted(routing.ROUTED_EVENT_TYPES | {REMINDER_EVENT_TYPE})


class InboxChannel(BaseModel):
    type: Literal["inbox"]


class EmailChannel(BaseModel):
    type: Literal["email"]
    address: str = Field(max_length=254)


class WebhookChannel(BaseModel):
    type: Literal["webhook"]
    url: str = Field(max_length=2048, description="http(s) URL; receives a signed JSON POST per notification")
    secret: StorableStr = Field(min_length=16, max_length=256, description="HMAC-SHA256 key for X-Thidua-Signature")


Channel = Annotated[Union[InboxChannel, EmailChannel, WebhookChannel], Field(discriminator="type")]


class SubscriptionIn(BaseModel):
    channels: list[Channel] = Field(min_length=1, max_length=10)
    events: list[str] = Field(default_factory=list, max_length=len(SUBSCRIBABLE),
                              description="Event types to be told about; empty: every type")
    language: Literal["vi", "en"] = "vi"


def _public(row: Any, *, default: bool = False) -> dict[str, Any]:
    channels = [{k: v for k, v in c.items() if k != "secret"} | ({"secret_set": True} if c["type"] == "webhook" else {})
                for c in row["channels"]]
    return {"subject": row["subject"], "address": row["address"], "channels": channels, "events": list(row["events"]),
            "language": row["language"], "default": default,
            "updated_at": row["updated_at"].isoformat() if row.get("updated_at") else None}


def _validated_channels(body: SubscriptionIn, *, allow_private: bool) -> list[dict[str, Any]]:
    channels: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, channel in enumerate(body.channels):
        data = channel.model_dump()
        try:
            if isinstance(channel, EmailChannel):
                data["address"] = webhooks.validate_email(channel.address)
            elif isinstance(channel, WebhookChannel):
                data["url"] = webhooks.validate_webhook_url(channel.url, allow_private=allow_private)
        except ValueError as exc:
            field = "address" if isinstance(channel, EmailChannel) else "url"
            raise Unprocessable(str(exc), field=f"channels.{i}.{field}") from exc
        key = channel_key(data)
        if key in seen:
            raise Unprocessable(f"channel {key} is listed twice", field=f"channels.{i}")
        seen.add(key)
        channels.append(data)
    return channels


def _validated_events(events: list[str]) -> list[str]:
    for i, event_type in enumerate(events):
        if event_type not in SUBSCRIBABLE:
            raise Unprocessable(f"unknown event type {event_type!r}; one of: {', '.join(SUBSCRIBABLE)}",
                                field=f"events.{i}")
    return list(dict.fromkeys(events))


@router.put("", summary="Choose this account's channels, event types and language",
             response_model=Subscription, responses=problems(401, 403, 422))
async def put_subscription(body: SubscriptionIn, principal: CurrentPrincipal, db: Db, request: Request) -> dict:
    address = address_of(principal)
    settings = request.app.state.settings
    channels = _validated_channels(body, allow_private=settings.webhook_allow_private)
    events = _validated_events(body.events)
    async with db.transaction() as conn:
        row = await subscription_store.put(conn, subject=principal.subject, address=address, channels=channels,
                                           events=events, language=body.language)
    return _public(dict(row))


@router.get("", summary="This account's subscription (the inbox in Vietnamese when none is set)",
             response_model=Subscription, responses=problems(401, 403))
async def get_subscription(principal: CurrentPrincipal, db: Db) -> dict:
    address = address_of(principal)
    async with db.connection() as conn:
        row = await subscription_store.get(conn, principal.subject)
    if row is None:
        return _public({"subject": principal.subject, "address": address, "channels": [{"type": "inbox"}],
                        "events": [], "language": "vi"}, default=True)
    return _public(dict(row))


@router.delete("", status_code=204, summary="Back to the default (inbox, every event, Vietnamese)",
             responses=problems(401, 403))
async def delete_subscription(principal: CurrentPrincipal, db: Db) -> None:
    address_of(principal)
    async with db.transaction() as conn:
        await subscription_store.delete(conn, principal.subject)


@router.get("/event-types", summary="Event types a subscription may name",
             response_model=Page[str], responses=problems(503))
async def event_types() -> dict:
    return {"items": SUBSCRIBABLE, "next": None}
