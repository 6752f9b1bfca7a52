"""The event the ranking job publishes through the outbox (schema ``nominations``).

- ``nominations.ranking.published``: ``{cluster_code, cluster_name, year, snapshot_id, lead_code,
  members: [codes]}``, once per new cluster snapshot; the notifications service sends it to the
  cluster's members and the ministry. The national view publishes no event of its own.
- ``nominations.covenant.published``: ``{cluster_code, cluster_name, year, version, amended, reason,
  lead_code, members: [codes]}``: version 1 signed, or an amendment (``amended``, with its reason)
- ``nominations.sheet.adjusted``: ``{cluster_code, cluster_name, year, province, province_name, reviewer,
  adjustments: [{criterion, points, reason}]}``: the lead (or deputy) changed the member's points
- ``nominations.sheets.locked``: ``{cluster_code, cluster_name, year, covenant_version, sheets, lead_code,
  members: [codes]}``
"""
from __future__ import annotations

from typing import Any, Mapping

import asyncpg

from shared.events import emit

SCHEMA = "nominations"
RANKING_PUBLISHED = "nominations.ranking.published"
COVENANT_PUBLISHED = "nominations.covenant.published"
SHEET_ADJUSTED = "nominations.sheet.adjusted"
SHEETS_LOCKED = "nominations.sheets.locked"


def ranking_published(cluster_year: Mapping[str, Any], *, snapshot_id: int) -> dict[str, Any]:
    return {"cluster_code": cluster_year["cluster_code"], "cluster_name": cluster_year["cluster_name"],
            "year": cluster_year["year"], "snapshot_id": snapshot_id, "lead_code": cluster_year["lead_code"],
            "members": [m["code"] for m in cluster_year["members"]]}


async def publish_ranking(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *, snapshot_id: int):
    return await emit(conn, schema=SCHEMA, type=RANKING_PUBLISHED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload=ranking_published(cluster_year, snapshot_id=snapshot_id))


async def publish_covenant(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *, version: int,
                           reason: str | None):
    return await emit(conn, schema=SCHEMA, type=COVENANT_PUBLISHED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload={"cluster_code": cluster_year["cluster_code"], "cluster_name": cluster_year["cluster_name"],
                               "year": cluster_year["year"], "version": version, "amended": version > 1,
                               "reason": reason, "lead_code": cluster_year["lead_code"],
                               "members": [m["code"] for m in cluster_year["members"]]})


async def publish_sheet_adjusted(conn: asyncpg.Connection, *, cluster: str, cluster_name: str, year: int,
                                 province: str, province_name: str | None, reviewer: str | None,
                                 adjustments: list[dict[str, Any]]):
    return await emit(conn, schema=SCHEMA, type=SHEET_ADJUSTED, aggregate_id=f"{cluster}/{year}/{province}",
                      payload={"cluster_code": cluster, "cluster_name": cluster_name, "year": year,
                               "province": province, "province_name": province_name, "reviewer": reviewer,
                               "adjustments": adjustments})


async def publish_sheets_locked(conn: asyncpg.Connection, cluster_year: Mapping[str, Any], *, covenant_version: int,
                                sheets: int):
    return await emit(conn, schema=SCHEMA, type=SHEETS_LOCKED,
                      aggregate_id=f"{cluster_year['cluster_code']}/{cluster_year['year']}",
                      payload={"cluster_code": cluster_year["cluster_code"], "cluster_name": cluster_year["cluster_name"],
                               "year": cluster_year["year"], "covenant_version": covenant_version, "sheets": sheets,
                               "lead_code": cluster_year["lead_code"],
                               "members": [m["code"] for m in cluster_year["members"]]})
