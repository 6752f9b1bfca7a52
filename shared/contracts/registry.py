"""Events the registry publishes (producer ``registry``)."""
from __future__ import annotations

from datetime import date

from pydantic import Field

from shared.contracts.common import ClusterCode, Contract, LeadershipMethod, Name, ProvinceRef

PROVINCE_MERGED = "registry.province.merged"
PERIOD_UPDATED = "registry.period.updated"
LEADERSHIP_ROTATED = "registry.leadership.rotated"


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
