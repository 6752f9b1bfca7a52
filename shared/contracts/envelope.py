"""The envelope every event travels in, from the outbox to each consumer."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EventEnvelope(BaseModel):
    """One event as the relay hands it to the broker. ``payload`` follows the model the catalogue
    names for (``type``, ``version``)."""

    id: uuid.UUID = Field(description="The event's id; consumers deduplicate on it")
    type: str = Field(description="The event type, e.g. `nominations.round.opened`")
    version: int = Field(1, ge=1, description="The payload model's version")
    occurred_at: datetime = Field(description="When the producing transaction wrote the event (outbox row time)")
    producer: str = Field(description="The producing service (its schema name)")
    aggregate_id: str = Field(description="The aggregate the event is about, e.g. a round id or `NOIVU-BAC/2026`")
    payload: dict[str, Any]
