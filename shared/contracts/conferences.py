"""Events of the cluster's conferences (producer ``nominations``, context ``conferences``) and of
the covenant signed there (context ``scoring``, which keeps the covenant).

``provinces`` lists the member units of the cluster-year (province accounts), which is how the
notifications service reaches them."""
from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.common import ClusterCode, Contract, Name, ProvinceCode, Year

CONFERENCE_SCHEDULED = "nominations.conference.scheduled"
CONFERENCE_OPENED = "nominations.conference.opened"
CONFERENCE_QUORUM_REACHED = "nominations.conference.quorum_reached"
CONFERENCE_ADJOURNED = "nominations.conference.adjourned"


class ConferenceScheduledV1(Contract):
    """The lead (or the ministry) scheduled the cluster-year's conference: members name their delegates."""

    conference_id: uuid.UUID
    cluster_code: ClusterCode
    cluster_name: Name
    year: Year
    held_on: date
    place: Name
    host_code: ProvinceCode
    provinces: list[ProvinceCode]


class ConferenceAttendanceV1(Contract):
    """The conference opened, reached its quorum or was adjourned, with its attendance at that moment."""

    conference_id: uuid.UUID
    cluster_code: ClusterCode
    year: Year
    state: Name
    member_units: int = Field(ge=1)
    present_units: list[ProvinceCode]
    quorum_needed: int = Field(ge=1)
    quorum_met: bool
    provinces: list[ProvinceCode]


COVENANT_SIGNED = "nominations.covenant.signed"


class CovenantSignedV1(Contract):
    """A member unit signed the covenant version in force; ``in_force`` once every member has."""

    cluster_code: ClusterCode
    year: Year
    version: int = Field(ge=1)
    unit_code: ProvinceCode
    signer_name: Name
    signer_position: Name
    not_signed: list[ProvinceCode]
    in_force: bool
    provinces: list[ProvinceCode]
