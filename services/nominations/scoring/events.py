"""The event the ranking job publishes through the outbox (schema ``nominations``).

- ``nominations.ranking.published``: ``{cluster_code, cluster_name, year, snapshot_id, lead_code,
  members: [codes]}``, once per new cluster snapshot; the notifications service sends it to the
  cluster's members and the ministry. The national view publishes no event of its own.
"""
from __future__ import annotations

from typing import Any, Mapping

import asyncpg

from shared.events import emit

SCHEMA = "nominations"
RANKING_PUBLISHED = "nominations.ranking.published"


def ranking_published(cluster_year: Mapping[str, Any], *, snapshot_id: int) -> dict[str, Any]:
    return {"cluster_code": cluster_year["cluster_code"], "cluster_name": cluster_year["cluster_name"],
            "year": cluster_year["year"], "snapshot_id": snapshot_id, "lead_code": cluster_year["lead_code"],
            "members": [m["code"] for m in cluster_year["members"]]}


async def publish_ranking(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *, snapshot_id: int):
    return await emit(conn, schema=SCHEMA, type=RANKING_PUBLISHED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload=ranking_published(cluster_year, snapshot_id=snapshot_id))
