"""The typed contract of the conferences API: request bodies and response models (lists answer with
the shared ``shared.contracts.pages.Page[T]``)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.contracts.common import ClusterCode, Year
from shared.text import nfc

ConferenceState = Literal["scheduled", "in_session", "adjourned"]
UnitCode = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Share = Annotated[str, Field(pattern=r"^[0-9]{1,4}(/[0-9]{1,4}|\.[0-9]{1,4})?$",
                             description="A share of the member units: \"2/3\", \"0.5\", \"1\"")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_In):
    name: str = Field(min_length=1, max_length=200)
    position: str = Field(min_length=1, max_length=300)

    _nfc = field_validator("name", "position")(nfc)


class ConferenceIn(_In):
    cluster_code: ClusterCode
    year: Year
    held_on: date
    place: str = Field(min_length=1, max_length=300)
    chair: PersonIn
    secretary: PersonIn
    agenda: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list, max_length=50)
    quorum: Share = Field(default="2/3", description="The share of member units present for the quorum")

    _nfc = field_validator("place")(nfc)

    @field_validator("agenda")
    @classmethod
    def _agenda_nfc(cls, items: list[str]) -> list[str]:
        return [nfc(i) for i in items]


class AttendeeIn(_In):
    """A member unit's delegate (``unit_code``; ``votes``: votes for the unit) or a guest (``organisation``,
    never votes)."""

    unit_code: UnitCode | None = None
    organisation: str | None = Field(default=None, min_length=1, max_length=300)
    name: str = Field(min_length=1, max_length=200)
    position: str = Field(min_length=1, max_length=300)
    votes: bool = False

    _nfc = field_validator("name", "position", "organisation")(nfc)

    @model_validator(mode="after")
    def _delegate_or_guest(self) -> AttendeeIn:
        if (self.unit_code is None) == (self.organisation is None):
            raise ValueError("a delegate names its unit_code, a guest its organisation (one of the two)")
        if self.unit_code is None and self.votes:
            raise ValueError("a guest does not vote")
        return self


class HandOverIn(_In):
    from_unit: UnitCode = Field(description="The unit that held the rotating flag")
    to_unit: UnitCode = Field(description="The unit it passes to")


class CheckInIn(_In):
    delegate_id: uuid.UUID


class UnitRef(BaseModel):
    code: str
    name: str


class Person(BaseModel):
    name: str
    position: str


class HandOver(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: UnitRef = Field(alias="from")
    to: UnitRef
    handed_at: datetime


class ConferenceOut(BaseModel):
    id: uuid.UUID
    cluster_code: str
    cluster_name: str
    organiser: str = Field(description="The cluster's organiser, whose emulation office keeps the desk beside the host")
    year: int
    held_on: date
    place: str
    host: UnitRef
    chair: Person
    secretary: Person
    agenda: list[str]
    state: ConferenceState
    quorum: str = Field(description="The share of member units present for the quorum, as a fraction")
    member_units: list[UnitRef]
    present_units: list[UnitRef] = Field(description="Member units whose voting delegate has checked in")
    quorum_needed: int
    quorum_met: bool
    attendees_checked_in: int
    created_by: str
    created_at: datetime
    opened_at: datetime | None
    adjourned_at: datetime | None
    rounds: list[uuid.UUID] = Field(description="The vote rounds of the conference (`conference_id` on creation), "
                                                "runoffs included, oldest first")
    hand_over: HandOver | None = Field(None, description="The rotating flag handed over at the conference")


class AttendeeOut(BaseModel):
    id: uuid.UUID
    conference_id: uuid.UUID
    kind: Literal["delegate", "guest"]
    unit: UnitRef | None
    organisation: str | None
    name: str
    position: str
    votes: bool
    checked_in_at: datetime | None
    check_in_method: Literal["self", "secretary"] | None


class CheckInOut(BaseModel):
    delegate: AttendeeOut
    conference: ConferenceOut


class MinutesConfirmationIn(_In):
    """The chair's or the secretary's confirmation of the minutes (given at the secretary's desk)."""

    role: Literal["chair", "secretary"]


class MinutesOut(BaseModel):
    """The conference's minutes; instants in Vietnam time. ``frozen`` once the chair and the secretary
    have both confirmed them: the document is then answered as it was at that moment."""

    model_config = ConfigDict(extra="allow")

    conference_id: uuid.UUID
    cluster: dict[str, str]
    year: int
    held_on: date
    place: str
    attendance: dict[str, Any] = Field(description="member_units (each present or not, its voting delegate), "
                                                   "members, present, quorum, quorum_needed, quorum_met, others")
    votes: list[dict[str, Any]] = Field(description="Each vote: label, kind, rule, ballots_issued, ballots_returned, "
                                                    "ballots_valid, ballots_invalid, blank_ballots, candidates "
                                                    "(per unit) or yes/no/abstain, elected, adopted, proposed")
    election: dict[str, Any]
    motions: list[dict[str, Any]]
    covenant: dict[str, Any] = Field(description="The next year's covenant: the motion adopting it, its signatures, "
                                                 "who has not signed, in_force")
    hand_over: dict[str, Any] | None
    confirmation: dict[str, Any]
    frozen: bool
