"""Events of an organiser's emulation council (producer ``nominations``, context ``councils``): a
session of the council scheduled, opened, closed, and its result per nominee.

``organiser`` names the council's organiser: the notifications service tells its emulation office
(the ministry's for ``BNV``), where the council's members and secretary work; ``provinces`` (the
result only) lists the provinces whose nominees the session decided; ``members`` lists the registry
accounts (usernames) of the council's members, as its founding record names them, so that each member
is told personally (the scheduled session, the opened vote and the result)."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from shared.contracts.common import Contract, Name, ProvinceCode, Year

COUNCIL_SESSION_SCHEDULED = "nominations.council.session_scheduled"
COUNCIL_SESSION_OPENED = "nominations.council.session_opened"
COUNCIL_SESSION_CLOSED = "nominations.council.session_closed"
COUNCIL_RESULT = "nominations.council.result"


class CouncilSessionV1(Contract):
    """A council session scheduled, opened (its quorum held) or closed (its ballots counted), with its
    attendance."""

    session_id: uuid.UUID
    council_id: uuid.UUID
    organiser: Name
    year: Year
    title: Name
    held_on: date
    members_total: int = Field(ge=1)
    present_members: int = Field(ge=0)
    quorum_needed: int = Field(ge=1)
    nominees: int = Field(ge=1)
    ballots: int = Field(ge=0, description="Ballots cast so far (in person and written)")
    place: str | None = None
    members: list[Name] = Field(default_factory=list,
                                description="The registry accounts (usernames) of the council's members")


class CouncilNomineeResultV1(Contract):
    nominee_id: uuid.UUID
    form_code: Name
    province_code: ProvinceCode
    yes: int = Field(ge=0)
    needed: int = Field(ge=1)
    outcome: Literal["approved", "below_threshold", "over_quota", "tied_at_quota", "over_cap"]


class CouncilResultV1(Contract):
    """The session's result: each nominee's votes against all members, and whether it was approved."""

    session_id: uuid.UUID
    council_id: uuid.UUID
    organiser: Name
    year: Year
    title: Name
    members_total: int = Field(ge=1)
    ballots: int = Field(ge=0)
    approved: int = Field(ge=0)
    refused: int = Field(ge=0)
    nominees: list[CouncilNomineeResultV1]
    provinces: list[ProvinceCode]
    members: list[Name] = Field(default_factory=list,
                                description="The registry accounts (usernames) of the council's members")
