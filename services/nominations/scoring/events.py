"""The event the ranking job publishes through the outbox (schema ``nominations``).

- ``nominations.ranking.published``: :class:`~shared.contracts.nominations.RankingPublishedV1`, once
  per new cluster snapshot; the notifications service sends it to the cluster's members and the
  ministry. The national view publishes no event of its own.
- ``nominations.covenant.published``: :class:`~shared.contracts.nominations.CovenantPublishedV1`:
  version 1 signed, or an amendment (``amended``, with its reason)
- ``nominations.sheet.adjusted``: :class:`~shared.contracts.nominations.SheetAdjustedV1`: the lead
  (or deputy) changed a member's points, with the reasons
- ``nominations.sheets.locked``: :class:`~shared.contracts.nominations.SheetsLockedV1`
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping, Sequence

import asyncpg

from shared.contracts.nominations import (
    COVENANT_PUBLISHED,
    RANKING_PUBLISHED,
    SHEET_ADJUSTED,
    SHEETS_LOCKED,
    CovenantPublishedV1,
    RankingPublishedV1,
    SheetAdjustedV1,
    SheetsLockedV1,
)
from shared.events import emit, emit_many

__all__ = ["COVENANT_PUBLISHED", "RANKING_PUBLISHED", "SCHEMA", "SHEETS_LOCKED", "SHEET_ADJUSTED", "publish_covenant",
           "publish_ranking", "publish_rankings", "publish_sheet_adjusted", "publish_sheets_locked", "ranking_published"]

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


async def publish_rankings(conn: asyncpg.Connection,
                           snapshots: Sequence[tuple[Mapping[str, Any], int]]) -> list[uuid.UUID]:
    """``publish_ranking`` for many ``(cluster_year, snapshot_id)``: the same events, one INSERT."""
    return await emit_many(conn, schema=SCHEMA, type=RANKING_PUBLISHED, events=[
        (f"{cluster_year['cluster_code']}/{cluster_year['year']}", ranking_published(cluster_year, snapshot_id=snapshot_id))
        for cluster_year, snapshot_id in snapshots])


async def publish_covenant(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *, version: int,
                           reason: str | None) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=COVENANT_PUBLISHED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload=CovenantPublishedV1(
                          cluster_code=cluster_year["cluster_code"], cluster_name=cluster_year["cluster_name"],
                          year=cluster_year["year"], version=version, amended=version > 1, reason=reason,
                          lead_code=cluster_year["lead_code"], members=[m["code"] for m in cluster_year["members"]]))


async def publish_sheet_adjusted(conn: asyncpg.Connection, *, cluster: str, cluster_name: str, year: int,
                                 province: str, province_name: str | None, reviewer: str | None,
                                 adjustments: list[dict[str, Any]]) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=SHEET_ADJUSTED, aggregate_id=f"{cluster}/{year}/{province}",
                      payload=SheetAdjustedV1(cluster_code=cluster, cluster_name=cluster_name, year=year,
                                              province=province, province_name=province_name, reviewer=reviewer,
                                              adjustments=adjustments))


async def publish_sheets_locked(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *, covenant_version: int,
                                sheets: int) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=SHEETS_LOCKED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload=SheetsLockedV1(
                          cluster_code=cluster_year["cluster_code"], cluster_name=cluster_year["cluster_name"],
                          year=cluster_year["year"], covenant_version=covenant_version, sheets=sheets,
                          lead_code=cluster_year["lead_code"], members=[m["code"] for m in cluster_year["members"]]))
