"""Events the registry publishes through its outbox (schema ``registry``).

- ``registry.province.merged``: ``{successor: {code, name}, sources: [{code, name}], effective_date}``
- ``registry.period.updated``: ``{cluster_code, cluster_name, year, members: [{code, name}]}``
- ``registry.leadership.rotated``: ``{cluster_code, cluster_name, year, method, lead: {code, name},
  deputy: {code, name}, members: [{code, name}]}``
"""
from __future__ import annotations

from typing import Any

import asyncpg

from shared.events import emit

SCHEMA = "registry"
PROVINCE_MERGED = "registry.province.merged"
PERIOD_UPDATED = "registry.period.updated"
LEADERSHIP_ROTATED = "registry.leadership.rotated"


async def publish(conn: asyncpg.Connection, type: str, *, aggregate_id: str, payload: dict[str, Any]):
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=aggregate_id, payload=payload)
