"""The notifications service's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.notifications.domain import routing
from services.notifications.domain.channels import REMINDER_EVENT_TYPE
from shared.text import StorableStr

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
    secret: StorableStr = Field(min_length=16, max_length=256, description="HMAC-SHA256 key for X-Thidua-Signature")


Channel = Annotated[InboxChannel | EmailChannel | WebhookChannel, Field(discriminator="type")]


class SubscriptionIn(BaseModel):
    channels: list[Channel] = Field(min_length=1, max_length=10)
    events: list[str] = Field(default_factory=list, max_length=len(SUBSCRIBABLE),
                              description="Event types to be told about; empty: every type")
    language: Literal["vi", "en"] = "vi"
