"""The event the ranking job publishes through the outbox (schema ``nominations``).

- ``nominations.ranking.published``: :class:`~shared.contracts.nominations.RankingPublishedV1`, once
  per new cluster snapshot; the notifications service sends it to the cluster's members and the
  ministry. The national view publishes no event of its own.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

import asyncpg

from shared.contracts.nominations import RANKING_PUBLISHED, RankingPublishedV1
from shared.events import emit

__all__ = ["RANKING_PUBLISHED", "SCHEMA", "publish_ranking", "ranking_published"]

SCHEMA = "nominations"


def ranking_published(cluster_year: Mapping[str, Any], *, snapshot_id: int) -> RankingPublishedV1:
    return RankingPublishedV1(cluster_code=cluster_year["cluster_code"], cluster_name=cluster_year["cluster_name"],
                              year=cluster_year["year"], snapshot_id=snapshot_id, lead_code=cluster_year["lead_code"],
                              members=[m["code"] for m in cluster_year["members"]])


async def publish_ranking(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *,
                          snapshot_id: int) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=RANKING_PUBLISHED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload=ranking_published(cluster_year, snapshot_id=snapshot_id))
