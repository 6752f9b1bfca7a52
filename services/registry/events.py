"""Events the registry publishes through its outbox (schema ``registry``).

Their payloads are the models in :mod:`shared.contracts.registry` (the event catalogue, published
as docs/asyncapi.yaml); ``emit`` checks each payload against its model:

- ``registry.province.merged``: ``ProvinceMergedV1`` ``{successor: {code, name}, sources: [{code, name}],
  effective_date}``
- ``registry.period.updated``: ``PeriodUpdatedV1`` ``{cluster_code, cluster_name, year, members: [{code, name}]}``
- ``registry.leadership.rotated``: ``LeadershipRotatedV1`` ``{cluster_code, cluster_name, year, method,
  lead: {code, name}, deputy: {code, name}, members: [{code, name}]}``; ``method`` is ``rotation`` or ``election``
- ``registry.leadership.corrected``: ``LeadershipCorrectedV1`` ``{cluster_code, cluster_name, year,
  method: "correction", decided_method, lead, deputy, previous: {lead, deputy}, reason, members}``
- ``registry.period.members_changed``: ``MembersChangedV1`` ``{cluster_code, cluster_name, year, effective_date,
  added: [{code, name}], removed: [{code, name}], reason, members}``
- ``registry.cluster.updated``: ``ClusterUpdatedV1`` ``{cluster_code, cluster_name, organizer,
  changes: {field: {from, to}}, year, members}`` (``members`` of the cluster's latest period)
- ``registry.unit.changed``: ``UnitChangedV1`` ``{change, organiser, unit: {code, name}, kind, effective_date,
  previous_name?, successor, sources}`` (a unit of any kind but province created, renamed, dissolved or merged)
- every cluster event above also carries ``organiser`` (the cluster's organiser's code, ``BNV`` for the ministry)
- ``registry.province.merger_undone``: ``MergerUndoneV1`` ``{successor: {code, name}, sources: [{code, name}],
  effective_date}``
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

import asyncpg
from pydantic import BaseModel

from shared.contracts.registry import (
    CLUSTER_UPDATED,
    LEADERSHIP_CORRECTED,
    LEADERSHIP_ROTATED,
    MEMBERS_CHANGED,
    MERGER_UNDONE,
    PERIOD_UPDATED,
    PROVINCE_MERGED,
    UNIT_CHANGED,
)
from shared.events import emit

__all__ = ["CLUSTER_UPDATED", "LEADERSHIP_CORRECTED", "LEADERSHIP_ROTATED", "MEMBERS_CHANGED", "MERGER_UNDONE",
           "PERIOD_UPDATED", "PROVINCE_MERGED", "SCHEMA", "UNIT_CHANGED", "publish"]

SCHEMA = "registry"


async def publish(conn: asyncpg.Connection, type: str, *, aggregate_id: str,
                  payload: BaseModel | Mapping[str, Any]) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=aggregate_id, payload=payload)
