"""The registry's typed contract for the answers added with the year's corrections (pydantic)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list: ``next`` is the cursor of the following page, null on the last."""
    items: list[T]
    next: str | None = None


class UnitRef(BaseModel):
    code: str
    name: str


class Cluster(BaseModel):
    code: str
    name: str
    organizer: str
    kind: Literal["cum", "khoi"]
    allow_shared_members: bool = Field(description="Its members may also sit in another cluster of the same "
                                                   "kind in one year (the ministry allows it)")


class ClusterDetail(Cluster):
    years: list[int]


class ClusterYear(Cluster):
    """A cluster in the year asked for with ``?year=``."""
    year: int
    member_count: int = Field(description="Members on today's date (Vietnam) within that year, else on its "
                                          "first or last day")
    lead: UnitRef | None
    deputy: UnitRef | None
    leadership_method: Literal["rotation", "election"] | None


class Account(BaseModel):
    id: int
    username: str
    role: Literal["ministry", "province", "service"]
    province_code: str | None
    display_name: str | None
    active: bool
    disabled_at: datetime | None = None
    created_at: datetime


class MembershipChange(BaseModel):
    id: int
    kind: Literal["set", "change"] = Field(description="`set`: the member list was set (PUT); "
                                                       "`change`: members joined or left on a date")
    effective_date: date
    added: list[UnitRef]
    removed: list[UnitRef]
    reason: str | None
    changed_by: str
    changed_at: datetime


class PeriodMember(BaseModel):
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None
    joined_on: date | None = Field(description="Member from this day (null: from the start of the year)")
    left_on: date | None = Field(description="Member until the day before (null: to the end of the year)")


class Period(BaseModel):
    cluster_code: str
    cluster_name: str
    cluster_kind: Literal["cum", "khoi"]
    year: int
    on: date | None = Field(description="The day whose members are shown")
    reference_date: date
    members: list[PeriodMember]
    former_members: list[PeriodMember] = Field(description="Members that left on or before `on`")
    rotation_order: list[str]
    lead: UnitRef | None
    deputy: UnitRef | None
    leadership_method: Literal["rotation", "election"] | None
    copied_from: int | None


class MembershipChangeResult(BaseModel):
    change: MembershipChange
    period: Period


class Correction(BaseModel):
    reason: str
    corrected_by: str
    corrected_at: datetime


class Leadership(BaseModel):
    year: int
    lead: UnitRef
    deputy: UnitRef
    method: Literal["rotation", "election"]
    decided_by: str
    decided_at: datetime
    correction: Correction | None = None


class MergerUndone(BaseModel):
    merger_id: int
    undone: bool
    successor: UnitRef
    sources: list[UnitRef]
    effective_date: date
