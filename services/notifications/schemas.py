"""The notifications service's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

from typing import Annotated, Literal, Union

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
    secret: StorableStr | None = Field(
        default=None, min_length=16, max_length=256,
        description="Standard Webhooks signing secret (`whsec_` + base64 of 24-64 random bytes) or any string "
                    "of at least 16 characters; omitted, one is generated and returned once in this answer")


Channel = Annotated[Union[InboxChannel, EmailChannel, WebhookChannel], Field(discriminator="type")]


class SubscriptionIn(BaseModel):
    channels: list[Channel] = Field(min_length=1, max_length=10)
    events: list[str] = Field(default_factory=list, max_length=len(SUBSCRIBABLE),
                              description="Event types to be told about; empty: every type")
    language: Literal["vi", "en"] = "vi"
