"""The typed contract of the councils API: request bodies and response models."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.contracts.common import Year
from shared.text import nfc

Role = Literal["chair", "vice_chair", "member"]
SessionState = Literal["scheduled", "open", "closed"]
Organiser = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")]
FormCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Share = Annotated[str, Field(pattern=r"^[0-9]{1,4}(/[0-9]{1,4}|\.[0-9]{1,4})?$",
                             description="A share of all the council's members: \"2/3\", \"0.9\", \"4/5\"")]
Account = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemberIn(_In):
    name: str = Field(min_length=1, max_length=200)
    position: str = Field(min_length=1, max_length=300)
    role: Role
    account: Account = Field(description="The registry account (username) the member signs in with to vote")

    _nfc = field_validator("name", "position")(nfc)


class CouncilIn(_In):
    organiser: Organiser | None = Field(None, description="Default: the caller's office (BNV for the ministry)")
    name: str = Field(min_length=1, max_length=300)
    term_from: date
    term_to: date | None = None
    decision_number: str = Field(min_length=1, max_length=100, description="The founding decision's number")
    decision_date: date
    members: list[MemberIn] = Field(min_length=1, max_length=100)

    _nfc = field_validator("name", "decision_number")(nfc)

    @model_validator(mode="after")
    def _one_chair(self) -> CouncilIn:
        if sum(1 for m in self.members if m.role == "chair") != 1:
            raise ValueError("a council has one chair")
        if len({m.account for m in self.members}) != len(self.members):
            raise ValueError("each member signs in with an account of their own")
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError("the term ends after it begins")
        return self


class MemberOut(BaseModel):
    id: uuid.UUID
    name: str
    position: str
    role: Role
    role_label: str
    account: str


class CouncilOut(BaseModel):
    id: uuid.UUID
    organiser: str
    name: str
    term_from: date
    term_to: date | None
    decision_number: str
    decision_date: date
    members: list[MemberOut]
    created_by: str
    created_at: datetime


class ThresholdIn(_In):
    organiser: Organiser | None = Field(None, description="Default: the caller's office")
    form_code: FormCode
    effective_from: date
    share: Share
    basis: str = Field(min_length=1, max_length=300, description="The legal basis: \"Nghị định số 152/2025/NĐ-CP\"")

    _nfc = field_validator("basis")(nfc)


class ThresholdOut(BaseModel):
    organiser: str
    form_code: str
    effective_from: date
    share: str
    basis: str
    created_by: str
    created_at: datetime


class SessionIn(_In):
    year: Year
    held_on: date
    place: str = Field(min_length=1, max_length=300)
    title: str = Field(min_length=1, max_length=300)
    nominee_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    quorum: Share = Field("2/3", description="The share of all members present for the session to vote")
    quotas: dict[FormCode, Annotated[int, Field(ge=1, le=10000)]] = Field(
        default_factory=dict, description="At most so many nominees of a form approved, ranked by votes")

    _nfc = field_validator("place", "title")(nfc)


class SessionNominee(BaseModel):
    nominee_id: uuid.UUID
    form_code: str
    form_name: str
    kind: str
    name: str
    position: str | None
    unit: str | None
    province_code: str
    province_name: str
    cluster_code: str
    threshold: str = Field(description="The share of all members needed, as a fraction")
    threshold_basis: str
    votes_needed: int


class NomineeResult(BaseModel):
    nominee_id: uuid.UUID
    name: str
    form_code: str
    yes: int
    no: int
    ballots: int
    members: int
    needed: int
    threshold: str
    rank: int | None
    outcome: Literal["approved", "below_threshold", "over_quota", "tied_at_quota", "over_cap"]
    outcome_label: str


class SessionResult(BaseModel):
    members: int
    ballots: int
    in_person: int
    written: int
    nominees: list[NomineeResult]


class SessionOut(BaseModel):
    id: uuid.UUID
    council_id: uuid.UUID
    organiser: str
    year: int
    held_on: date
    place: str
    title: str
    state: SessionState
    members_total: int
    present_members: int
    quorum: str
    quorum_needed: int
    quorum_met: bool
    voted: int
    quotas: dict[str, int]
    nominees: list[SessionNominee]
    result: SessionResult | None
    created_by: str
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None


class RosterLine(BaseModel):
    member_id: uuid.UUID
    name: str
    position: str
    role: Role
    role_label: str
    checked_in_at: datetime | None
    check_in_method: Literal["self", "secretary"] | None
    voted: Literal["in_person", "written"] | None = Field(description="Whether and how the member voted, never what")


class CheckInIn(_In):
    member_id: uuid.UUID


class BallotIn(_In):
    approve: list[uuid.UUID] = Field(max_length=500, description="The nominees this ballot agrees with; "
                                                                  "every other nominee of the session: no")


class WrittenBallotIn(_In):
    member_id: uuid.UUID
    document_ref: str = Field(min_length=1, max_length=200, description="The written ballot's reference")
    approve: list[uuid.UUID] = Field(max_length=500)

    _nfc = field_validator("document_ref")(nfc)


class Receipt(BaseModel):
    session_id: uuid.UUID
    secret: str = Field(description="Keep it: with it you find your ballot on the bulletin after the close")
    commitment: str


class BallotOut(BaseModel):
    session_id: uuid.UUID
    channel: Literal["in_person", "written"]
    receipt: Receipt | None = Field(description="The member's own ballot only (a written one has none)")


class BulletinEntry(BaseModel):
    commitment: str
    approve: list[uuid.UUID]


class MinutesConfirmIn(_In):
    role: Literal["chair", "secretary"] = Field(description="The chair (its own member account) or the secretary "
                                                           "(the organiser's office)")
    name: str | None = Field(None, min_length=1, max_length=200,
                             description="The secretary's name, which signs the minutes (the chair's is the council's)")

    _nfc = field_validator("name")(nfc)


class MinutesConfirmation(BaseModel):
    role: Literal["chair", "secretary"]
    account: str
    signer_name: str
    confirmed_at: datetime


class MinutesState(BaseModel):
    confirmations: list[MinutesConfirmation]
    frozen_at: datetime | None = Field(description="Once both confirmed: the minutes are frozen as they were then")


class MinutesOut(BaseModel):
    session: SessionOut
    council: CouncilOut
    roster: list[RosterLine]
    confirmations: list[MinutesConfirmation] = Field(default_factory=list)
    frozen_at: datetime | None = None


class DecisionMinutes(BaseModel):
    session_id: uuid.UUID
    council_id: uuid.UUID
    title: str
    held_on: date
    closed_at: datetime
    nominees_in_decision: list[uuid.UUID]
    html: str = Field(description="The minutes as printable HTML")
    pdf: str = Field(description="The minutes as PDF")
