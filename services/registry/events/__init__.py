"""Events the registry publishes through its outbox (schema ``registry``).

Their payloads are the models in :mod:`shared.contracts.registry` (the event catalogue):

- ``registry.province.merged``: :class:`~shared.contracts.registry.ProvinceMergedV1`
- ``registry.period.updated``: :class:`~shared.contracts.registry.PeriodUpdatedV1`
- ``registry.leadership.rotated``: :class:`~shared.contracts.registry.LeadershipRotatedV1`
"""
from __future__ import annotations

import uuid

import asyncpg

from shared.contracts.registry import (
    LEADERSHIP_ROTATED,
    PERIOD_UPDATED,
    PROVINCE_MERGED,
    LeadershipRotatedV1,
    PeriodUpdatedV1,
    ProvinceMergedV1,
)
from shared.events import emit

__all__ = ["LEADERSHIP_ROTATED", "PERIOD_UPDATED", "PROVINCE_MERGED", "SCHEMA", "LeadershipRotatedV1",
           "PeriodUpdatedV1", "ProvinceMergedV1", "publish"]

SCHEMA = "registry"


async def publish(conn: asyncpg.Connection, type: str, *, aggregate_id: str,
                  payload: ProvinceMergedV1 | PeriodUpdatedV1 | LeadershipRotatedV1) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=aggregate_id, payload=payload)
