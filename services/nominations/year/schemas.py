"""The year view's typed contract."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class CovenantState(BaseModel):
    state: Literal["draft", "published"]
    version: int
    published_at: datetime | None


class SheetCounts(BaseModel):
    members: int
    submitted: int = Field(description="Submitted (or locked) sheets of the members")
    reviewed: int = Field(description="Sheets the reviewer has cross-checked (with or without adjustments)")
    adjusted: int = Field(description="Sheets with at least one adjustment")
    locked: int


class RoundSummary(BaseModel):
    """One round of a cluster's award as the year view lists it (its id, award, state and parent)."""

    id: str
    award: Literal["government_flag", "ministry_flag", "certificate_of_merit"]
    state: str
    parent_round_id: str | None


class Approval(BaseModel):
    round_id: str
    award: Literal["government_flag", "ministry_flag", "certificate_of_merit"]
    proposed: list[str]
    approved_at: datetime | None


class ClusterYear(BaseModel):
    cluster_code: str
    cluster_name: str
    organiser: str = Field("BNV", description="Whose cluster it is (BNV: the Ministry of Home Affairs)")
    lead_code: str | None
    covenant: CovenantState | None
    sheets: SheetCounts | None
    locked_at: datetime | None
    rounds: list[RoundSummary]
    approvals: list[Approval]


class YearView(BaseModel):
    year: int
    items: list[ClusterYear]
    next: str | None = None
