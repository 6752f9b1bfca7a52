"""The registry's typed contract: the answer of every operation (pydantic). Lists answer with the
shared ``Page[T]`` (``items``, ``next``)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from services.registry.domain.provinces import check_unit_name
from shared.contracts.common import Answer
from shared.contracts.pages import Page
from shared.text import nfc

__all__ = ["Page"]  # with every model below



class UnitRef(BaseModel):
    code: str
    name: str


class Cluster(BaseModel):
    code: str
    name: str
    organizer: str = Field(description="The organiser's name as the cluster's documents show it")
    organiser: str = Field(description="The organiser's code (BNV: the Ministry of Home Affairs)")
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
    role: Literal["ministry", "province", "service", "staff", "unit"]
    province_code: str | None
    organiser: str | None = Field(None, description="A staff account's organiser")
    unit_code: str | None = Field(None, description="A unit account's unit")
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
    organiser: str = Field("BNV", description="The cluster's organiser")
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


# ---------------------------------------------------------------- provinces

class Province(Answer):
    code: str = Field(description="Two-digit code; with the validity period it names one unit")
    name: str
    kind: Literal["province", "city"]
    valid_from: date | None = Field(description="First day in force (null: since before the records)")
    valid_to: date | None = Field(description="Last day in force (null: still in force)")
    successor_code: str | None = Field(description="The unit that absorbed it, if it merged")


class DatedUnit(Answer):
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None


class SuccessorRef(Answer):
    code: str
    name: str
    valid_from: date | None


class ProvinceDetail(Province):
    successor: SuccessorRef | None = Field(None, description="Present when the unit merged into another")
    predecessors: list[DatedUnit] = Field(description="Units that merged into this one")


class Merged(ProvinceDetail):
    merger_id: int = Field(description="Undo with DELETE /v1/provinces/mergers/{merger_id}")


# ---------------------------------------------------------------- clusters and periods

class Replacement(Answer):
    model_config = {"populate_by_name": True}

    replaced: UnitRef = Field(alias="from")
    by: UnitRef = Field(alias="to")


class CopyChanges(Answer):
    replaced: list[Replacement] = Field(description="Members that merged away, replaced by their successors")
    merged_duplicates_removed: list[UnitRef] = Field(description="Successors already members: kept once")


class PeriodSet(Period):
    changes: CopyChanges | None = Field(None, description="With `copy_from`: what the mergers changed")


# ---------------------------------------------------------------- accounts and tokens

class TokenAnswer(Answer):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_token: str
    refresh_expires_in: int = Field(description="Seconds the refresh token is valid")


class Revoked(Answer):
    revoked: bool


class Jwk(Answer):
    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str


class Jwks(Answer):
    keys: list[Jwk]


class Me(Answer):
    """Who the token says the caller is. A ``staff`` account's answer adds ``organiser``, a ``unit``
    account's ``unit_code`` (the others answer as they always have)."""

    username: str
    role: Literal["ministry", "province", "service", "staff", "unit"]
    province_code: str | None


# ---------------------------------------------------------------- request bodies

class Successor(BaseModel):
    code: str = Field(pattern=r"^[0-9]{2}$")
    name: str = Field(min_length=2, max_length=100, description="Words of letters: no digits or symbols")
    kind: Literal["province", "city"] = "province"

    _nfc = field_validator("name")(nfc)
    _is_a_name = field_validator("name")(check_unit_name)


class MergerIn(BaseModel):
    sources: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field(min_length=1, max_length=20)
    successor: Successor
    effective_date: date = Field(gt=date.min, description="The successor's first day; the sources' last is the day "
                                                          "before. Within the configured window around today "
                                                          "(REGISTRY_MERGER_WINDOW_DAYS, 731 by default)")


# ---------------------------------------------------------------- organisers and units

class Organiser(Answer):
    code: str = Field(description="BNV: the Ministry of Home Affairs")
    name: str
    kind: Literal["ministry", "province", "other"]
    province_code: str | None = Field(description="A provincial People's Committee's province")
    award_level: Literal["ministry", "province"] = Field(description="The level of the awards it gives")


class UnitAnswer(Answer):
    code: str = Field(description="With the validity period it names one unit: national codes for provinces (2 "
                                  "digits), districts (3) and communes (5); an office's code (starting with a "
                                  "letter) for any other unit")
    name: str
    kind: Literal["province", "department", "district", "commune", "public_service", "enterprise", "collective"]
    form: str | None = Field(description="A national unit's form: province|city, huyen|quan|thi_xa|thanh_pho, "
                                         "xa|phuong|dac_khu|thi_tran")
    organiser: str = Field(description="The organiser the unit belongs to (the provinces: BNV)")
    province_code: str | None = Field(description="The province it lies in")
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None


class UnitChange(Answer):
    kind: Literal["created", "renamed", "merged", "absorbed", "dissolved"]
    effective_date: date | None
    details: dict
    reason: str | None
    changed_by: str
    changed_at: datetime


class UnitDetail(UnitAnswer):
    successor: SuccessorRef | None
    predecessors: list[DatedUnit]
    changes: list[UnitChange] = Field(description="What happened to the units that carried this code, oldest first")
