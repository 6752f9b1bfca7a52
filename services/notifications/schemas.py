"""The notifications service's typed HTTP contract: request bodies and the answer of every operation
(pydantic). Lists answer with the shared ``Page[T]`` (``items``, ``next``)."""
from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from services.notifications.domain import routing
from services.notifications.domain.channels import REMINDER_EVENT_TYPE
from shared.contracts.common import Answer, Instant
from shared.contracts.pages import Page
from shared.text import StorableStr

__all__ = ["SUBSCRIBABLE", "Channel", "Delivery", "DeliveryDetail", "EmailChannel", "FailedEvent", "FailedEventDetail",
           "InboxChannel", "InboxPage", "Notification", "NotificationRead", "Page", "Subscription", "SubscriptionIn",
           "WebhookChannel"]

# Event types a subscription may name.
SUBSCRIBABLE = sorted(routing.ROUTED_EVENT_TYPES | {REMINDER_EVENT_TYPE})


class InboxChannel(BaseModel):
    type: Literal["inbox"]


class EmailChannel(BaseModel):
    type: Literal["email"]
    address: str = Field(max_length=254)


class WebhookChannel(BaseModel):
    type: Literal["webhook"]
    url: str = Field(max_length=2048, description="http(s) URL; receives a signed JSON POST per notification")
    secret: StorableStr | None = Field(
        default=None, min_length=16, max_length=256,
        description="Standard Webhooks signing secret (`whsec_` + base64 of 24-64 random bytes) or any string "
                    "of at least 16 characters; omitted, one is generated and returned once in this answer")


Channel = Annotated[InboxChannel | EmailChannel | WebhookChannel, Field(discriminator="type")]


class SubscriptionIn(BaseModel):
    channels: list[Channel] = Field(min_length=1, max_length=10)
    events: list[str] = Field(default_factory=list, max_length=len(SUBSCRIBABLE),
                              description="Event types to be told about; empty: every type")
    language: Literal["vi", "en"] = "vi"


# ---------------------------------------------------------------- answers

class Notification(Answer):
    id: int
    event_id: uuid.UUID
    event_type: str
    aggregate_id: str | None
    language: Literal["vi", "en"]
    subject: str
    body: str
    action: str | None = Field(description="What the reader must do; null when it is for information only")
    created_at: Instant
    read: bool
    read_at: Instant | None


class InboxPage(Page[Notification]):
    unread: int = Field(description="Unread notifications in the whole inbox")


class NotificationRead(Notification):
    unread: int = Field(description="Unread notifications left in the inbox")


class InboxChannelOut(Answer):
    type: Literal["inbox"]


class EmailChannelOut(Answer):
    type: Literal["email"]
    address: str


class WebhookChannelOut(Answer):
    type: Literal["webhook"]
    url: str
    secret_set: bool = Field(description="The signing secret is stored; it is never shown")


class Subscription(Answer):
    subject: str
    address: str = Field(description="`ministry` or `province:<code>`")
    channels: list[InboxChannelOut | EmailChannelOut | WebhookChannelOut]
    events: list[str] = Field(description="Event types to be told about; empty: every type")
    language: Literal["vi", "en"]
    default: bool = Field(description="No subscription is stored: this is the default")
    updated_at: Instant | None


class Delivery(Answer):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    recipient: str
    channel: str
    kind: Literal["email", "webhook"]
    target: str
    status: Literal["pending", "retrying", "delivered", "dead"]
    attempts: int
    last_error: str | None
    last_attempt_at: Instant | None
    next_attempt_at: Instant | None
    delivered_at: Instant | None
    created_at: Instant | None


class Attempt(Answer):
    number: int
    started_at: Instant
    finished_at: Instant
    outcome: str
    http_status: int | None
    error: str | None


class DeliveryDetail(Delivery):
    history: list[Attempt]


class FailedEvent(Answer):
    id: uuid.UUID
    event_type: str | None
    producer: str | None
    status: Literal["failed", "replayed", "resolved"]
    failures: int
    replays: int
    error: str
    envelope: Any = Field(description="The message as it arrived (any JSON value)")
    first_failed_at: Instant | None
    last_failed_at: Instant | None
    replayed_at: Instant | None
    resolved_at: Instant | None


class FailedEventDetail(FailedEvent):
    traceback: str | None
