"""The typed contract of the commendations API: request bodies and response models (lists answer
with the shared ``shared.contracts.pages.Page[T]``)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.nominations.commendations.domain.states import State
from shared.names import name as visible_name
from shared.text import nfc

ClusterCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
ProvinceCode = Annotated[str, Field(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$")]
FormCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Year = Annotated[int, Field(ge=2000, le=2100)]
Kind = Literal["collective", "individual"]
LeaderLevel = Literal["none", "senior", "department", "division"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- forms

class FormField(_In):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=200)
    required: bool = False

    _nfc = field_validator("label")(nfc)


class FormIn(_In):
    name: str = Field(min_length=1, max_length=200)
    recipients: Literal["collective", "individual", "both"]
    from_vote_only: bool = False
    round_award: Literal["government_flag", "ministry_flag", "certificate_of_merit"] | None = None
    capped: bool = Field(default=False, description="Counted against the Government-flag cap")
    individual_fields: list[FormField] = Field(default_factory=list, max_length=30)
    position: int = Field(default=100, ge=0, le=10_000)
    active: bool = True
    organiser: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
                                  description="As read; a form belongs to the organiser whose office writes it")
    valid_from_year: int | None = Field(default=None, ge=2000, le=2100,
                                        description="A new version from this year on (omitted: the latest changed)")
    version: int | None = Field(default=None, description="As read; ignored (a write makes or changes a version)")

    _nfc = field_validator("name")(nfc)


class FormOut(BaseModel):
    code: str
    name: str
    recipients: str
    from_vote_only: bool
    round_award: str | None
    capped: bool
    individual_fields: list[FormField]
    position: int
    active: bool
    organiser: str = Field("BNV", description="The organiser whose it is (BNV: the Ministry of Home Affairs)")
    version: int | None = Field(None, description="The version read (a write's, or the one in force in ?year=)")
    valid_from_year: int | None = Field(None, description="The year that version holds from")


class FormVersionOut(FormOut):
    version: int
    valid_from_year: int
    created_by: str
    created_at: datetime


# ---------------------------------------------------------------- proposals and nominees

class ProposalIn(_In):
    cluster_code: ClusterCode
    year: Year
    form: FormCode


def _optional_nfc(value: str | None) -> str | None:
    return None if value is None or not value.strip() else nfc(value)


def _optional_name(value: str | None) -> str | None:
    return None if value is None or not value.strip() else visible_name(value)


class NomineeIn(_In):
    kind: Kind
    name: str = Field(min_length=1, max_length=300, description="Full name, or the collective's name")
    position: str | None = Field(default=None, max_length=300, description="Chức vụ (individuals)")
    unit: str | None = Field(default=None, max_length=300, description="Đơn vị công tác / the collective's parent unit")
    birth_date: date | None = Field(default=None, description="Required for an individual")
    gender: Literal["nam", "nữ"] | None = None
    fields: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")],
                 Annotated[str, Field(max_length=2000)]] = Field(default_factory=dict, max_length=30,
                                                                 description="What the ministry's form asks")
    summary: str = Field(min_length=1, max_length=20_000, description="Tóm tắt thành tích")
    # What the yearly statistics forms count (statistics/README.md); personal data, read only by the
    # proposing unit, its organiser's office and the ministry. None: not stated. Individuals only.
    leader_level: LeaderLevel | None = Field(
        default=None, description="none: not a leader; senior: minister, province chairman or above; department: "
                                  "head or deputy of a department (vụ, cục, sở); division: from deputy head of "
                                  "a division (phó trưởng phòng) up")
    direct_worker: bool | None = Field(default=None, description="A direct worker (công nhân, nông dân, người "
                                                                 "lao động trực tiếp)")
    ethnic_minority: bool | None = Field(default=None, description="Of an ethnic minority (dân tộc thiểu số)")

    # Names others read and the once-a-year rule compares: no invisible or reordering characters.
    _name = field_validator("name")(visible_name)
    _nfc = field_validator("summary")(nfc)
    _opt = field_validator("position")(_optional_nfc)
    _unit = field_validator("unit")(_optional_name)

    @field_validator("fields")
    @classmethod
    def _fields_nfc(cls, value: dict[str, str]) -> dict[str, str]:
        return {k: (nfc(v) if v.strip() else "") or "" for k, v in value.items()}


class NomineeUpdate(NomineeIn):
    pass


class ReasonIn(_In):
    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class AttachmentOut(BaseModel):
    id: uuid.UUID
    proposal_id: uuid.UUID
    nominee_id: uuid.UUID | None
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    storage: str
    created_by: str
    created_at: datetime


class NomineeOut(BaseModel):
    id: uuid.UUID
    proposal_id: uuid.UUID
    year: int
    form_code: str
    kind: Kind
    name: str
    position: str | None
    unit: str | None
    birth_date: date | None
    gender: str | None = Field(description="Null for a reader other than the proposing unit, its organiser's "
                                           "office and the ministry")
    fields: dict[str, str]
    summary: str
    leader_level: LeaderLevel | None = Field(None, description="Null for a reader other than the proposing unit, "
                                                              "its organiser's office and the ministry")
    direct_worker: bool | None = None
    ethnic_minority: bool | None = None
    state: State
    state_label: str
    return_reason: str | None
    reject_reason: str | None
    reviewed_by: str | None
    decided_by: str | None
    created_at: datetime
    updated_at: datetime


class ProposalOut(BaseModel):
    id: uuid.UUID
    cluster_code: str
    cluster_name: str
    year: int
    province_code: str
    province_name: str
    form_code: str
    form_name: str
    origin: Literal["province", "vote"]
    round_id: uuid.UUID | None
    state: State
    state_label: str
    lead_code: str | None
    created_by: str
    created_at: datetime
    submitted_at: datetime | None
    sent_at: datetime | None
    nominees: list[NomineeOut] | None = Field(default=None, description="With GET of one proposal")
    attachments: list[AttachmentOut] | None = None
    organiser: str = Field("BNV", description="The organiser whose it is (BNV: the Ministry of Home Affairs)")


class ClusterListOut(BaseModel):
    cluster_code: str
    cluster_name: str
    year: int
    organiser: str = Field("BNV", description="Whose cluster it is: its office reviews what the lead sends")
    lead_code: str | None
    sent_count: int
    last_sent_at: datetime | None
    proposals: list[ProposalOut]


class SentOut(BaseModel):
    cluster_code: str
    year: int
    proposals: list[uuid.UUID]
    nominees: int
    provinces: list[str]


class QueueItem(NomineeOut):
    cluster_code: str
    province_code: str
    province_name: str
    form_name: str
    origin: str
    sent_at: datetime | None


# ---------------------------------------------------------------- decisions

class DecisionIn(_In):
    number: str = Field(min_length=1, max_length=60, description="Số, ký hiệu: 1234/QĐ-BNV")
    year: Year = Field(description="The year the awards are for")
    summary: str = Field(default="Về việc tặng thưởng danh hiệu thi đua và hình thức khen thưởng", min_length=1,
                         max_length=500, description="Trích yếu")
    signed_on: date
    signer_name: str = Field(min_length=1, max_length=200)
    signer_title: str = Field(default="BỘ TRƯỞNG", min_length=1, max_length=200,
                              description='e.g. "BỘ TRƯỞNG" or "KT. BỘ TRƯỞNG\\nTHỨ TRƯỞNG"')
    bases: list[Annotated[str, Field(min_length=1, max_length=1000)]] | None = Field(
        default=None, max_length=20, description="Căn cứ lines; default: the configured ones")
    nominee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000,
                                         description="Nominees the ministry approved")

    _nfc = field_validator("number", "summary", "signer_name", "signer_title")(nfc)

    @field_validator("bases")
    @classmethod
    def _bases_nfc(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [nfc(v) or "" for v in value]


class DecisionEntryOut(BaseModel):
    nominee_id: uuid.UUID
    kind: Kind
    name: str
    position: str | None
    unit: str | None
    form_code: str
    form_name: str
    province_code: str
    province_name: str
    cluster_code: str


class DecisionOut(BaseModel):
    id: uuid.UUID
    number: str
    year: int
    summary: str
    signed_on: date
    signer_name: str
    signer_title: str
    bases: list[str]
    state: Literal["draft", "issued"]
    created_by: str
    created_at: datetime
    issued_at: datetime | None
    issued_by: str | None
    entries: list[DecisionEntryOut] | None = None
    organiser: str = Field("BNV", description="The organiser whose it is (BNV: the Ministry of Home Affairs)")


# ---------------------------------------------------------------- register

class AwardOut(BaseModel):
    """One line of the register: only what the decision published."""

    id: int
    year: int
    form_code: str
    form_name: str
    kind: Kind
    name: str
    position: str | None
    unit: str | None
    province_code: str
    province_name: str
    cluster_code: str
    decision_id: uuid.UUID
    decision_number: str
    decision_date: date
    holder_id: uuid.UUID


class HolderOut(BaseModel):
    holder_id: uuid.UUID
    name: str
    kind: Kind
    awards: list[AwardOut]


class Withdrawn(BaseModel):
    id: uuid.UUID
    withdrawn: bool


class AttachmentDeleted(BaseModel):
    id: uuid.UUID
    deleted: bool


# ---------------------------------------------------------------- an organiser's rules

class OrganiserRulesIn(BaseModel):
    valid_from_year: int = Field(ge=2000, le=2100, description="The version holds from this year on")
    issuer: str = Field(min_length=1, max_length=200, examples=["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"])
    decision_suffix: str = Field(pattern=r"^Q[ĐD]-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$", examples=["QĐ-UBND"],
                                 description="Its decisions are numbered …/<suffix>")
    signer_title: str = Field(min_length=1, max_length=200, examples=["CHỦ TỊCH"])
    government_flag_share: str = Field(default="1/5", pattern=r"^[0-9]+/[1-9][0-9]*$",
                                       description="The share of the collectives leading its clusters it may "
                                                   "propose for the Government flag")
    flags_per_cluster: int = Field(default=1, ge=0, le=10, description="Its own flags per cluster a year")
    election_tie_rule: Literal["rotation_order", "ranking"] = Field(
        default="rotation_order", description="A tie in an election's second round goes to the tied unit first "
                                              "in the rotation, or better placed in the latest ranking; the "
                                              "default of its clusters' elections that do not state their own")

    _nfc = field_validator("issuer", "signer_title", "decision_suffix")(nfc)


class OrganiserRulesOut(BaseModel):
    organiser: str
    version: int = Field(description="0: its level's defaults (nothing stored yet)")
    valid_from_year: int
    issuer: str
    decision_suffix: str
    signer_title: str
    government_flag_share: str
    flags_per_cluster: int
    election_tie_rule: str = "rotation_order"
