"""Events the registry publishes (producer ``registry``)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.contracts.common import (
    ClusterCode,
    Contract,
    LeadershipMethod,
    Name,
    ProvinceRef,
)

PROVINCE_MERGED = "registry.province.merged"
PERIOD_UPDATED = "registry.period.updated"
LEADERSHIP_ROTATED = "registry.leadership.rotated"
LEADERSHIP_CORRECTED = "registry.leadership.corrected"
MEMBERS_CHANGED = "registry.period.members_changed"
CLUSTER_UPDATED = "registry.cluster.updated"
MERGER_UNDONE = "registry.province.merger_undone"
UNIT_CHANGED = "registry.unit.changed"

#: An organiser's code (``"BNV"``, the ministry, or a province's People's Committee such as ``"UBND-QN"``):
#: whose cluster an event is about, so a consumer tells that organiser's emulation office.
OrganiserCode = Annotated[str, StringConstraints(min_length=1, max_length=16, pattern=r"^[A-Z][A-Z0-9-]*$")]
_ORGANISER = Field("BNV", description="The organiser whose cluster it is (BNV: the Ministry of Home Affairs)")


class ProvinceMergedV1(Contract):
    """Provinces were merged: the sources close the day before ``effective_date``, the successor opens on it."""

    successor: ProvinceRef
    sources: list[ProvinceRef] = Field(min_length=1)
    effective_date: date


class PeriodUpdatedV1(Contract):
    """A cluster's members for a year were set or replaced."""

    cluster_code: ClusterCode
    cluster_name: Name
    organiser: OrganiserCode = _ORGANISER
    year: int
    members: list[ProvinceRef]


class LeadershipRotatedV1(Contract):
    """A cluster's lead and deputy for a year were decided, by rotation or election."""

    cluster_code: ClusterCode
    cluster_name: Name
    organiser: OrganiserCode = _ORGANISER
    year: int
    method: LeadershipMethod
    lead: ProvinceRef
    deputy: ProvinceRef
    members: list[ProvinceRef]


class MergerUndoneV1(Contract):
    """A merger made through the API was undone: the sources are in force again, the successor is gone."""

    successor: ProvinceRef
    sources: list[ProvinceRef] = Field(min_length=1)
    effective_date: date


class Leaders(Contract):
    lead: ProvinceRef
    deputy: ProvinceRef


class LeadershipCorrectedV1(Contract):
    """The ministry replaced a decided lead and deputy, with a reason. ``decided_method`` says how the
    year was first decided."""

    cluster_code: ClusterCode
    cluster_name: Name
    organiser: OrganiserCode = _ORGANISER
    year: int
    method: Literal["correction"]
    decided_method: LeadershipMethod
    lead: ProvinceRef
    deputy: ProvinceRef
    previous: Leaders
    reason: Name
    members: list[ProvinceRef]


class MembersChangedV1(Contract):
    """Members joined or left a cluster's year from ``effective_date``."""

    cluster_code: ClusterCode
    cluster_name: Name
    organiser: OrganiserCode = _ORGANISER
    year: int
    effective_date: date
    added: list[ProvinceRef]
    removed: list[ProvinceRef]
    reason: str | None
    members: list[ProvinceRef]


class FieldChange(Contract):
    """One field's value before and after (``from`` is a Python keyword: the model names it ``before``)."""

    before: str | bool = Field(alias="from")
    to: str | bool


class ClusterUpdatedV1(Contract):
    """A cluster was renamed, changed organizer or whether its members may sit in another cluster.
    ``members`` are those of its latest period (``year``; null when it has none)."""

    cluster_code: ClusterCode
    cluster_name: Name
    organiser: OrganiserCode = _ORGANISER
    organizer: Name
    changes: dict[Literal["name", "organizer", "allow_shared_members"], FieldChange]
    year: int | None
    members: list[ProvinceRef]


class UnitChangedV1(Contract):
    """A unit of an organiser was created, renamed, dissolved or merged (``change``). A merger names
    its ``sources`` (ended the day before ``effective_date``) and its ``successor``; a dissolved unit
    has none. Provinces change through ``registry.province.merged`` instead."""

    change: Literal["created", "renamed", "dissolved", "merged"]
    organiser: OrganiserCode
    unit: ProvinceRef
    kind: Literal["province", "department", "district", "commune", "public_service", "enterprise", "collective"]
    effective_date: date | None
    previous_name: Name | None = None
    successor: ProvinceRef | None
    sources: list[ProvinceRef]
