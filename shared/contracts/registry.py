"""Events the registry publishes (producer ``registry``)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

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


class ProvinceMergedV1(Contract):
    """Provinces were merged: the sources close the day before ``effective_date``, the successor opens on it."""

    successor: ProvinceRef
    sources: list[ProvinceRef] = Field(min_length=1)
    effective_date: date


class PeriodUpdatedV1(Contract):
    """A cluster's members for a year were set or replaced."""

    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    members: list[ProvinceRef]


class LeadershipRotatedV1(Contract):
    """A cluster's lead and deputy for a year were decided, by rotation or election."""

    cluster_code: ClusterCode
    cluster_name: Name
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
    organizer: Name
    changes: dict[Literal["name", "organizer", "allow_shared_members"], FieldChange]
    year: int | None
    members: list[ProvinceRef]
