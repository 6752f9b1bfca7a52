"""Cluster-years (the service's copy of a registry period, and its lock) and covenant versions."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import asyncpg

from services.nominations.scoring.domain.covenant import Criterion

_COLUMNS = """id, cluster_code, year, version, state, digest, reason, created_by, created_at, updated_at,
              published_at, published_by, superseded_at"""
_COVENANT = f"SELECT {_COLUMNS} FROM nominations.covenants"


# ---------------------------------------------------------------- cluster-years

async def refresh_cluster_year(conn: asyncpg.Connection, *, period: Mapping[str, Any]) -> asyncpg.Record:
    """Store what the registry just said about a period and lock that row for this transaction:
    every write to a cluster-year's covenant or sheets goes through here, one at a time."""
    lead, deputy = period.get("lead"), period.get("deputy")
    # Members in rotation order (the registry lists them by code, and gives the order separately).
    position = {code: i for i, code in enumerate(period.get("rotation_order") or [])}
    members = sorted(period["members"], key=lambda m: (position.get(m["code"], len(position)), m["code"]))
    return await conn.fetchrow(
        """INSERT INTO nominations.cluster_years (cluster_code, year, cluster_name, lead_code, deputy_code, members,
                                                 former_members, organiser)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (cluster_code, year) DO UPDATE
              SET cluster_name = EXCLUDED.cluster_name, lead_code = EXCLUDED.lead_code, organiser = EXCLUDED.organiser,
                  deputy_code = EXCLUDED.deputy_code, members = EXCLUDED.members,
                  former_members = EXCLUDED.former_members, refreshed_at = now()
           RETURNING cluster_code, year, cluster_name, lead_code, deputy_code, members, former_members, locked_at,
                     locked_by""",
        period["cluster_code"], period["year"], period["cluster_name"], lead["code"] if lead else None,
        deputy["code"] if deputy else None,
        [{"code": m["code"], "name": m["name"]} for m in members],
        _former(period, members, await conn.fetchrow(
            "SELECT members, former_members FROM nominations.cluster_years WHERE cluster_code = $1 AND year = $2",
            period["cluster_code"], period["year"])), period.get("organiser") or "BNV")


async def organiser_of(conn: asyncpg.Connection, *, cluster: str) -> str | None:
    """The organiser of a cluster the service has seen (its latest year)."""
    return await conn.fetchval("SELECT organiser FROM nominations.cluster_years WHERE cluster_code = $1 "
                               "ORDER BY year DESC LIMIT 1", cluster)


async def readers_of(conn: asyncpg.Connection, *, cluster: str, year: int) -> tuple[str | None, list[str]]:
    """The organiser of a cluster-year the service has seen and its members (former ones included):
    who besides its offices reads its shared work. (None, []) when it has not seen it."""
    row = await conn.fetchrow("SELECT organiser, members, former_members FROM nominations.cluster_years "
                              "WHERE cluster_code = $1 AND year = $2", cluster, year)
    if row is None:
        return None, []
    return row["organiser"], [m["code"] for m in [*row["members"], *row["former_members"]]]


def _former(period: Mapping[str, Any], members: list[dict[str, Any]],
            before: asyncpg.Record | None) -> list[dict[str, Any]]:
    """Units that were members and no longer are: the registry's former members, and any unit this
    service saw as a member before (a member list replaced outright keeps no history there)."""
    current = {m["code"] for m in members}
    former: dict[str, dict[str, Any]] = {}
    seen = [*(before["former_members"] if before else []), *(before["members"] if before else []),
            *(period.get("former_members") or [])]
    for m in seen:
        if m["code"] not in current:
            former[m["code"]] = {"code": m["code"], "name": m["name"], "left_on": m.get("left_on")}
    return sorted(former.values(), key=lambda m: m["code"])


async def cluster_year(conn: asyncpg.Connection, *, cluster: str, year: int,
                       lock: bool = False) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""SELECT cluster_code, year, cluster_name, lead_code, deputy_code, members, former_members, locked_at,
                   locked_by
              FROM nominations.cluster_years WHERE cluster_code = $1 AND year = $2 {'FOR UPDATE' if lock else ''}""",
        cluster, year)


async def cluster_years(conn: asyncpg.Connection, *, year: int, clusters: list[str]) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT cluster_code, year, cluster_name, lead_code, deputy_code, members, former_members, locked_at,
                  locked_by
             FROM nominations.cluster_years WHERE year = $1 AND cluster_code = ANY($2::text[])
            ORDER BY cluster_code""", year, clusters)


async def lock_cluster_year(conn: asyncpg.Connection, *, cluster: str, year: int, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        """UPDATE nominations.cluster_years SET locked_at = now(), locked_by = $3
            WHERE cluster_code = $1 AND year = $2 AND locked_at IS NULL
        RETURNING locked_at, locked_by""", cluster, year, by)


# ---------------------------------------------------------------- covenants

async def versions(conn: asyncpg.Connection, *, cluster: str, year: int) -> list[asyncpg.Record]:
    return await conn.fetch(f"{_COVENANT} WHERE cluster_code = $1 AND year = $2 ORDER BY version", cluster, year)


async def in_state(conn: asyncpg.Connection, *, cluster: str, year: int, state: str) -> asyncpg.Record | None:
    """The published (in force) or the draft version; at most one of each exists."""
    return await conn.fetchrow(f"{_COVENANT} WHERE cluster_code = $1 AND year = $2 AND state = $3",
                               cluster, year, state)


async def by_version(conn: asyncpg.Connection, *, cluster: str, year: int, version: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_COVENANT} WHERE cluster_code = $1 AND year = $2 AND version = $3",
                               cluster, year, version)


async def insert(conn: asyncpg.Connection, *, cluster: str, year: int, version: int, digest: str,
                 reason: str | None, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""INSERT INTO nominations.covenants (cluster_code, year, version, state, digest, reason, created_by)
            VALUES ($1, $2, $3, 'draft', $4, $5, $6)
            RETURNING {_COLUMNS}""",
        cluster, year, version, digest, reason, by)


async def update_draft(conn: asyncpg.Connection, *, covenant_id: int, digest: str, reason: str | None) -> None:
    await conn.execute(
        """UPDATE nominations.covenants SET digest = $2, reason = coalesce($3, reason), updated_at = now()
            WHERE id = $1 AND state = 'draft'""", covenant_id, digest, reason)


async def replace_criteria(conn: asyncpg.Connection, *, covenant_id: int, criteria: Sequence[Criterion]) -> None:
    await conn.execute("DELETE FROM nominations.covenant_criteria WHERE covenant_id = $1", covenant_id)
    await conn.execute(
        """INSERT INTO nominations.covenant_criteria (covenant_id, position, code, title, group_name, max_points, kind)
           SELECT $1, c.position, c.code, c.title, c.group_name, c.max_points, c.kind
             FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[])
                  WITH ORDINALITY AS c(code, title, group_name, max_points, kind, position)""",
        covenant_id, [c.code for c in criteria], [c.title for c in criteria], [c.group for c in criteria],
        [c.max_points for c in criteria], [c.kind.value for c in criteria])


async def criteria(conn: asyncpg.Connection, *, covenant_id: int) -> list[Criterion]:
    rows = await conn.fetch(
        """SELECT code, title, group_name, max_points, kind FROM nominations.covenant_criteria
            WHERE covenant_id = $1 ORDER BY position""", covenant_id)
    return [Criterion(code=r["code"], title=r["title"], group=r["group_name"], max_points=r["max_points"],
                      kind=r["kind"]) for r in rows]


async def publish(conn: asyncpg.Connection, *, covenant_id: int, by: str) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""UPDATE nominations.covenants SET state = 'published', published_at = now(), published_by = $2,
                   updated_at = now()
             WHERE id = $1 AND state = 'draft'
         RETURNING {_COLUMNS}""", covenant_id, by)


async def supersede(conn: asyncpg.Connection, *, covenant_id: int) -> None:
    await conn.execute(
        """UPDATE nominations.covenants SET state = 'superseded', superseded_at = now(), updated_at = now()
            WHERE id = $1 AND state = 'published'""", covenant_id)


async def year_summary(conn: asyncpg.Connection, *, year: int,
                       organiser: str | None = None) -> dict[str, dict[str, Any]]:
    """Per cluster-year: the covenant (in force, else the draft) and its members' sheets counted by
    where they stand (units that left are not counted)."""
    rows = await conn.fetch(
        """SELECT y.cluster_code, y.cluster_name, y.lead_code, jsonb_array_length(y.members) AS members, y.organiser,
                  y.locked_at, c.version, c.state, c.published_at,
                  count(s.id) FILTER (WHERE s.state IN ('submitted', 'locked')) AS submitted,
                  count(s.id) FILTER (WHERE s.reviewed_at IS NOT NULL) AS reviewed,
                  count(s.id) FILTER (WHERE EXISTS (SELECT 1 FROM nominations.score_adjustments a
                                                     WHERE a.sheet_id = s.id)) AS adjusted,
                  count(s.id) FILTER (WHERE s.state = 'locked') AS locked
             FROM nominations.cluster_years y
             LEFT JOIN LATERAL (SELECT id, version, state, published_at FROM nominations.covenants k
                                 WHERE k.cluster_code = y.cluster_code AND k.year = y.year AND k.state <> 'superseded'
                                 ORDER BY (k.state = 'published') DESC LIMIT 1) c ON true
             LEFT JOIN nominations.score_sheets s
               ON s.covenant_id = c.id AND c.state = 'published'
              AND s.province_code IN (SELECT m ->> 'code' FROM jsonb_array_elements(y.members) m)
            WHERE y.year = $1 AND ($2::text IS NULL OR y.organiser = $2)
            GROUP BY y.cluster_code, y.cluster_name, y.lead_code, y.members, y.locked_at, c.version, c.state,
                     c.published_at, y.organiser
            ORDER BY y.cluster_code""", year, organiser)
    return {r["cluster_code"]: {
        "cluster_name": r["cluster_name"], "lead_code": r["lead_code"], "organiser": r["organiser"],
        "covenant": {"state": r["state"], "version": r["version"], "published_at": r["published_at"]}
        if r["state"] else None,
        "sheets": {"members": r["members"], "submitted": r["submitted"], "reviewed": r["reviewed"],
                   "adjusted": r["adjusted"], "locked": r["locked"]},
        "locked_at": r["locked_at"],
    } for r in rows}
