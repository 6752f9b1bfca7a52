"""Events the registry publishes through its outbox (schema ``registry``).

- ``registry.province.merged``: ``{successor: {code, name}, sources: [{code, name}], effective_date}``
- ``registry.period.updated``: ``{cluster_code, cluster_name, year, members: [{code, name}]}``
- ``registry.leadership.rotated``: ``{cluster_code, cluster_name, year, method, lead: {code, name},
  deputy: {code, name}, members: [{code, name}]}``; ``method`` is ``rotation`` or ``election``
- ``registry.leadership.corrected``: ``{cluster_code, cluster_name, year, method: "correction",
  decided_method, lead, deputy, previous: {lead, deputy}, reason, members}``
- ``registry.period.members_changed``: ``{cluster_code, cluster_name, year, effective_date, added: [{code, name}],
  removed: [{code, name}], reason, members}``
- ``registry.cluster.updated``: ``{cluster_code, cluster_name, organizer, changes: {field: {from, to}}, year,
  members}`` (``members`` of the cluster's latest period)
- ``registry.province.merger_undone``: ``{successor: {code, name}, sources: [{code, name}], effective_date}``
"""
from __future__ import annotations

from typing import Any

import asyncpg

from shared.events import emit

SCHEMA = "registry"
PROVINCE_MERGED = "registry.province.merged"
PERIOD_UPDATED = "registry.period.updated"
LEADERSHIP_ROTATED = "registry.leadership.rotated"
LEADERSHIP_CORRECTED = "registry.leadership.corrected"
MEMBERS_CHANGED = "registry.period.members_changed"
CLUSTER_UPDATED = "registry.cluster.updated"
MERGER_UNDONE = "registry.province.merger_undone"


async def publish(conn: asyncpg.Connection, type: str, *, aggregate_id: str, payload: dict[str, Any]):
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=aggregate_id, payload=payload)
