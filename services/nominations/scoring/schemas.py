"""The scoring context's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from shared.text import StorableStr, nfc

__all__ = ["AdjustmentIn", "CovenantIn", "ReviewIn", "SheetIn", "SheetList", "SheetSummary"]


class CovenantIn(BaseModel):
    criteria: list[dict[str, Any]] = Field(max_length=500, examples=[[
        {"code": "CM1", "title": "Thực hiện nhiệm vụ chuyên môn", "group": "I", "max_points": 40, "kind": "regular"},
        {"code": "TR1", "title": "Vi phạm kỷ luật", "group": "III", "max_points": 10, "kind": "penalty"}]],
        description="code, title, group, max_points > 0, kind: regular | bonus | penalty")
    publish: bool = False
    reason: str | None = Field(default=None, max_length=2000, description="required to amend a published covenant")

    _nfc = field_validator("reason")(nfc)


class SheetIn(BaseModel):
    scores: dict[str, Any] = Field(max_length=500, description="criterion code → points (penalties ≤ 0)")
    notes: dict[str, Annotated[StorableStr, Field(max_length=2000)]] = Field(default_factory=dict, max_length=500)


class AdjustmentIn(BaseModel):
    points: Any = Field(description="the cross-checked value, within the criterion's bounds")
    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class ReviewIn(BaseModel):
    adjustments: dict[str, AdjustmentIn] = Field(max_length=500, description="criterion code → adjustment; "
                                                 "{} records a cross-check that found nothing to adjust")


class SheetSummary(BaseModel):
    province: str
    province_name: str | None
    member: bool = Field(description="false: the unit left the cluster-year; its sheet is kept, never ranked")
    state: Literal["draft", "reopened", "submitted", "locked"] | None = Field(description="The stored state; "
                                                                                "null: no sheet yet")
    status: Literal["not_started", "draft", "submitted", "reviewed", "adjusted"]
    locked: bool
    adjustments: int
    updated_at: datetime | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    reviewed_by: str | None


class SheetList(BaseModel):
    cluster_code: str
    year: int
    covenant_version: int | None
    locked_at: datetime | None
    items: list[SheetSummary]
    next: str | None = None
