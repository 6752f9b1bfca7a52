"""The typed contract of the movements API: request bodies and response models (lists answer with
the shared ``shared.contracts.pages.Page[T]``)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.db import BIGINT_MAX
from shared.text import nfc

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
OrganiserCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9._-]{0,39}$",
                                     description="BNV (the ministry), UBND-22 (a province's People's Committee)...")]
ItemCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,39}$")]
MovementKind = Literal["regular", "thematic"]
MovementState = Literal["draft", "launched", "reviewing", "closed"]
PhaseState = Literal["planned", "open", "ended", "reviewed"]
ModelState = Literal["registered", "under_assessment", "recognised", "not_recognised"]
UnitKind = Literal["ministry", "province", "commune", "agency", "other"]
OwnerKind = Literal["unit", "collective", "individual"]
Level = Literal["commune", "province", "ministry", "national"]
FieldCode = Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,39}$", description="economy, mass_mobilisation...")]



class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- movements

class CriterionIn(_In):
    code: ItemCode
    text: str = Field(min_length=1, max_length=2000)
    target: str | None = Field(default=None, max_length=500, description="\"≥ 98 %\", \"100 nhà\"")

    _nfc = field_validator("text", "target")(nfc)


class TitleIn(_In):
    code: ItemCode
    name: str = Field(min_length=1, max_length=300, description="A title or award form it leads to")

    _nfc = field_validator("name")(nfc)


class PhaseIn(_In):
    number: int = Field(ge=1, le=20)
    name: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    report_deadline: date

    _nfc = field_validator("name")(nfc)


class UnitIn(_In):
    code: Code
    name: str = Field(min_length=1, max_length=300)
    kind: UnitKind
    parent_code: Code | None = Field(default=None, description="The parent level (a commune's province)")

    _nfc = field_validator("name")(nfc)


class MovementIn(_In):
    name: str = Field(min_length=1, max_length=300)
    kind: MovementKind
    organiser_code: OrganiserCode
    organiser_name: str = Field(min_length=1, max_length=300)
    starts_on: date
    ends_on: date
    registration_deadline: date
    description: str | None = Field(default=None, max_length=20000)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=100)
    titles: list[TitleIn] = Field(default_factory=list, max_length=50)
    phases: list[PhaseIn] = Field(min_length=1, max_length=20)
    scope: Literal["units", "provinces", "organiser"] = Field(
        default="units", description="units: the units listed; provinces: every province the registry lists; "
                                     "organiser: every unit of the organiser the registry lists (GET /v1/units)")
    units: list[UnitIn] = Field(default_factory=list, max_length=20000)
    document_number: str | None = Field(default=None, max_length=60, description="01/KH-UBND")
    document_date: date | None = None
    document_signer: str | None = Field(default=None, max_length=200)

    _nfc = field_validator("name", "organiser_name", "description", "document_number", "document_signer")(nfc)


class LaunchIn(_In):
    document_number: str | None = Field(default=None, max_length=60)
    document_date: date | None = None
    document_signer: str | None = Field(default=None, max_length=200)

    _nfc = field_validator("document_number", "document_signer")(nfc)


class ExtendIn(_In):
    window: str = Field(pattern=r"^(registration|report:[0-9]{1,2})$",
                        description="registration, report:N for phase N's report, report:0 for the final one")
    until: date
    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class Criterion(BaseModel):
    code: str
    text: str
    target: str | None = None


class Title(BaseModel):
    code: str
    name: str


class PhaseOut(BaseModel):
    number: int
    name: str
    starts_on: date
    ends_on: date
    report_deadline: date
    state: PhaseState
    review_summary: str | None
    reviewed_at: datetime | None


class Extension(BaseModel):
    window: str
    until: date
    reason: str
    extended_by: str
    extended_at: datetime


class FileOut(BaseModel):
    id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime


class MovementOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: MovementKind
    organiser_code: str
    organiser_name: str
    starts_on: date
    ends_on: date
    registration_deadline: date
    registration_open_until: date = Field(description="The deadline, or its extension")
    description: str | None
    criteria: list[Criterion]
    titles: list[Title]
    document_number: str | None
    document_date: date | None
    document_signer: str | None
    state: MovementState
    current_phase: int | None = Field(description="The open phase's number, if one is open")
    phases: list[PhaseOut]
    units: int = Field(description="Units in scope (expected to register)")
    extensions: list[Extension]
    documents: list[FileOut] = Field(description="The launch document's file and its attachments")
    created_at: datetime
    launched_at: datetime | None


class UnitOut(BaseModel):
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None


# ---------------------------------------------------------------- registrations and reports

class TargetIn(_In):
    criterion: ItemCode
    target: str = Field(min_length=1, max_length=500)

    _nfc = field_validator("target")(nfc)


class AimedTitleIn(_In):
    title: ItemCode
    kind: OwnerKind = Field(description="For the unit itself, one of its collectives or a person")
    name: str = Field(min_length=1, max_length=300)

    _nfc = field_validator("name")(nfc)


class RegistrationIn(_In):
    unit_code: Code
    targets: list[TargetIn] = Field(default_factory=list, max_length=100)
    titles: list[AimedTitleIn] = Field(default_factory=list, max_length=500)
    note: str | None = Field(default=None, max_length=5000)

    _nfc = field_validator("note")(nfc)


class Target(BaseModel):
    criterion: str
    target: str


class AimedTitle(BaseModel):
    title: str
    kind: OwnerKind
    name: str


class RegistrationOut(BaseModel):
    movement_id: uuid.UUID
    unit_code: str
    unit_name: str
    parent_code: str | None
    state: Literal["registered", "withdrawn"]
    targets: list[Target]
    titles: list[AimedTitle]
    note: str | None
    registered_by: str
    registered_at: datetime
    updated_at: datetime


class ResultIn(_In):
    criterion: ItemCode
    result: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("result")(nfc)


class ReportIn(_In):
    unit_code: Code
    phase: int = Field(ge=0, le=20, description="The phase reported on (sơ kết); 0 for the final review (tổng kết)")
    results: list[ResultIn] = Field(default_factory=list, max_length=100)
    summary: str = Field(min_length=1, max_length=20000)

    _nfc = field_validator("summary")(nfc)


class Result(BaseModel):
    criterion: str
    result: str


class ReportOut(BaseModel):
    movement_id: uuid.UUID
    unit_code: str
    unit_name: str | None = None
    phase: int
    results: list[Result]
    summary: str
    submitted_by: str
    submitted_at: datetime


class PhaseReviewIn(_In):
    summary: str = Field(min_length=1, max_length=20000, description="The organiser's conclusions (sơ kết)")

    _nfc = field_validator("summary")(nfc)


# ---------------------------------------------------------------- models

class ModelIn(_In):
    unit_code: Code
    title: str = Field(min_length=1, max_length=300)
    field: FieldCode
    owner_kind: OwnerKind
    owner_name: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=20000)
    figures: dict[Annotated[str, Field(max_length=40)], Annotated[int, Field(ge=0, le=BIGINT_MAX)]] = Field(
        default_factory=dict, max_length=20, description="money_vnd, houses, households, people, workdays, km_roads")
    phase: int | None = Field(default=None, ge=1, le=20, description="Default: the phase open on the day")

    _nfc = field_validator("title", "owner_name", "description")(nfc)


class AssessIn(_In):
    note: str | None = Field(default=None, max_length=5000)

    _nfc = field_validator("note")(nfc)


class RecogniseIn(_In):
    level: Level
    decision_number: str = Field(min_length=1, max_length=60, description="125/QĐ-UBND")
    decision_date: date
    note: str | None = Field(default=None, max_length=5000)

    _nfc = field_validator("decision_number", "note")(nfc)


class RejectIn(_In):
    note: str = Field(min_length=1, max_length=5000, description="Why it is not recognised")

    _nfc = field_validator("note")(nfc)


class ModelOut(BaseModel):
    id: uuid.UUID
    movement_id: uuid.UUID
    unit_code: str
    unit_name: str
    parent_code: str | None
    phase: int | None
    title: str
    field: str
    field_name: str
    owner_kind: OwnerKind
    owner_name: str
    description: str
    figures: dict[str, int]
    state: ModelState
    recognition_level: Level | None
    decision_number: str | None
    decision_date: date | None
    assessment_note: str | None
    files: list[FileOut]
    created_at: datetime
    updated_at: datetime


# ---------------------------------------------------------------- roll-up

class ParentRollup(BaseModel):
    parent_code: str
    expected: int
    registered: int
    models: int
    recognised: int


class FieldRollup(BaseModel):
    field: str
    field_name: str
    models: int
    by_state: dict[str, int]


class PhaseRollup(BaseModel):
    number: int
    name: str
    state: PhaseState
    models: int
    reports: int
    expected_reports: int


class UnitRollup(BaseModel):
    unit_code: str
    unit_name: str
    unit_kind: str
    parent_code: str | None
    registration: Literal["registered", "withdrawn"] | None
    titles: int
    models: int
    recognised: int
    reports: int


class Rollup(BaseModel):
    movement_id: uuid.UUID
    expected: int
    registered: int
    models: int
    recognised: int
    by_parent: list[ParentRollup]
    by_field: list[FieldRollup]
    by_phase: list[PhaseRollup]
    units: list[UnitRollup] | None = Field(description="Per unit, when asked for (parent= or units=true)")


# ---------------------------------------------------------------- publications

class PublicationIn(_In):
    title: str = Field(min_length=1, max_length=300)
    models: list[uuid.UUID] = Field(max_length=2000, description="Recognised models, in the book's order")

    _nfc = field_validator("title")(nfc)


class PublicationOut(BaseModel):
    id: uuid.UUID
    movement_id: uuid.UUID
    title: str
    models: list[ModelOut]
    created_at: datetime
    updated_at: datetime


class FieldOut(BaseModel):
    code: str
    name: str


# ---------------------------------------------------------------- proposals for commendations

class ProposeIn(_In):
    cluster_code: Code = Field(description="The cluster-year whose commendation list receives them")
    year: int = Field(ge=2000, le=2100)
    form: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description="The award form's code")]
    models: list[uuid.UUID] = Field(min_length=1, max_length=200, description="Recognised models of the province's units")


class Skipped(BaseModel):
    name: str
    reason: str


class Proposed(BaseModel):
    proposal_id: uuid.UUID = Field(description="The province's draft proposal, to complete and submit")
    added: list[str]
    skipped: list[Skipped]
