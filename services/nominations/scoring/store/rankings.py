"""Ranking snapshots, computed in SQL over a whole year at once.

One statement first compares each scope's count of input changes (``cluster_years.input_changes``,
which triggers keep on every write that can change what a cluster-year ranks on) with the count
the last run digested it at (``ranking_inputs``): a scope whose count and config are unchanged is
not read at all, so an unchanged run reads two small rows per scope and writes nothing. For the
others it reads each counted sheet's effective sums (``sheet_sums``, kept by the score writes, the
cross-checked value winning over the self score; never the score rows themselves), digests the
inputs per scope, compares each digest with the scope's latest snapshot and only then ranks
(window functions) and builds the tables of the scopes that changed, appending a snapshot for each
in the same INSERT.
``domain/ranking.py`` is the reference: the tests compare this statement's tables and digests with
``rank_cluster``, ``rank_national`` and ``inputs_digest`` on the same data.
"""
from __future__ import annotations

import json
from typing import Any

import asyncpg

from services.nominations.scoring.domain.covenant import canonical_decimal
from services.nominations.scoring.domain.ranking import TIE_BREAK_KEYS, RankingConfig

NATIONAL = "*"
"""The ministry's national view; another organiser's organiser-wide view is ``*`` + its code."""
MINISTRY = "BNV"


def national_scope(organiser: str | None) -> str:
    """The scope of an organiser's national (organiser-wide) ranking: ``*`` for the ministry's."""
    return NATIONAL if (organiser or MINISTRY) == MINISTRY else NATIONAL + str(organiser)


def is_national(scope: str) -> bool:
    return scope.startswith(NATIONAL)


def organiser_of_scope(scope: str) -> str:
    """The organiser of a national scope."""
    return scope[len(NATIONAL):] or MINISTRY
# ranking.inputs_digest's prefix: the SQL digest below is byte-for-byte that function's.
DIGEST_PREFIX = "thidua/ranking-inputs/v1\n"
# pg_advisory_xact_lock(namespace, year): one ranking run per year at a time.
_LOCK_NAMESPACE = 0x52414E4B
# work_mem for the run's transaction only. At the default 4MB a year of 40,000 units sorts on disk:
# the digest input (~13 MB), the window sorts and the table sorts (~6 MB each). 64MB keeps them in
# memory up to ~100,000 units a year; the memory is held only while the statement runs, and one run
# per year at a time.
_WORK_MEM = "64MB"

_RECOMPUTE = """
WITH version AS (           -- how many times each scope's inputs changed (kept by the writes, migration 044):
    -- a cluster-year's own count; an organiser's national view's, the total of its cluster-years of the
    -- year (+1 per cluster-year, for any added). The ministry's ('*') is always examined, as before.
    SELECT y.cluster_code AS scope, y.input_changes AS changes
      FROM nominations.cluster_years y WHERE y.year = $1 AND ($2::text IS NULL OR y.cluster_code = $2)
    UNION ALL
    SELECT '*', coalesce(sum(y.input_changes + 1), 0) FROM nominations.cluster_years y
     WHERE y.year = $1 AND y.organiser = 'BNV'
    UNION ALL
    SELECT '*' || y.organiser, sum(y.input_changes + 1) FROM nominations.cluster_years y
     WHERE y.year = $1 AND y.organiser <> 'BNV' GROUP BY y.organiser
), stale AS (               -- the scopes whose inputs may differ from what the last run digested:
    -- only these are read and digested; an unchanged run stops here, having read two rows per scope
    SELECT v.scope, v.changes FROM version v
      LEFT JOIN nominations.ranking_inputs r ON r.year = $1 AND r.scope = v.scope
     WHERE r.scope IS NULL OR r.input_changes <> v.changes OR r.config <> $8
), checked AS (             -- what this run digests; rewritten only for stale scopes
    INSERT INTO nominations.ranking_inputs AS r (scope, year, input_changes, config)
    SELECT scope, $1, changes, $8 FROM stale
    ON CONFLICT (year, scope) DO UPDATE
       SET input_changes = excluded.input_changes, config = excluded.config, checked_at = now()
), covenant AS (            -- the version in force of each cluster to digest (every one of an organiser,
    -- when its national view is stale: it ranks every unit of its clusters), its maximum and its national scope
    SELECT c.id, c.cluster_code, c.version, y.national,
           (SELECT coalesce(sum(k.max_points), 0) FROM nominations.covenant_criteria k
             WHERE k.covenant_id = c.id AND k.kind = 'regular') AS max_total
      FROM nominations.covenants c
      JOIN (SELECT cluster_code, CASE WHEN organiser = 'BNV' THEN '*' ELSE '*' || organiser END AS national
              FROM nominations.cluster_years WHERE year = $1) y USING (cluster_code)
     WHERE c.year = $1 AND c.state = 'published'
       AND (c.cluster_code IN (SELECT scope FROM stale) OR y.national IN (SELECT scope FROM stale))
), member AS (              -- the cluster-year's members: a unit that left keeps its sheet, unranked
    SELECT y.cluster_code, m.code
      FROM nominations.cluster_years y, jsonb_to_recordset(y.members) AS m(code text)
     WHERE y.year = $1
), unit AS (                -- every submitted sheet of a member is one unit: a cluster-year has one covenant
    -- in force (covenants_one_published) and a unit one sheet per covenant (UNIQUE (covenant_id, province_code))
    SELECT cv.cluster_code, cv.national, s.province_code AS province, cv.max_total,
           coalesce(t.regular, 0) AS regular, coalesce(t.bonus, 0) AS bonus, coalesce(t.penalty, 0) AS penalty
      FROM covenant cv
      JOIN nominations.score_sheets s ON s.covenant_id = cv.id AND s.state IN ('submitted', 'locked')
      JOIN member mb ON mb.cluster_code = cv.cluster_code AND mb.code = s.province_code
      LEFT JOIN nominations.sheet_sums t ON t.sheet_id = s.id  -- the effective sums, kept by the score writes
), scope AS (               -- what this run digests: the stale ones of the clusters asked for and the national views
    SELECT cluster_code AS scope, version, max_total FROM covenant
     WHERE ($2::text IS NULL OR cluster_code = $2) AND cluster_code IN (SELECT scope FROM stale)
    UNION ALL
    SELECT scope, NULL, NULL FROM stale WHERE scope LIKE '*%'
), line AS (                -- each unit's row of inputs_digest: (cluster, province, regular, bonus, penalty, max_total)
    SELECT u.cluster_code, u.national,
           '[["s",' || to_json(u.cluster_code)::text || '],["s",' || to_json(u.province)::text
             || '],["n","' || trim_scale(u.regular)::text || '"],["n","' || trim_scale(u.bonus)::text
             || '"],["n","' || trim_scale(u.penalty)::text || '"],["n","' || trim_scale(u.max_total)::text
             || '"]]' AS line
      FROM unit u
), input AS (               -- the ranking config is an input of every scope
    SELECT scope, $5::text AS line, 0 AS units FROM scope
    UNION ALL
    SELECT l.cluster_code, l.line, 1 FROM line l WHERE l.cluster_code IN (SELECT scope FROM scope)
    UNION ALL
    SELECT l.national, l.line, 1 FROM line l WHERE l.national IN (SELECT scope FROM scope)
), digest AS (
    SELECT scope, encode(sha256(convert_to($6::text || string_agg(line, E'\\n' ORDER BY line COLLATE "C"), 'UTF8')),
                         'hex') AS digest, sum(units) AS units
      FROM input GROUP BY scope
), changed AS (             -- the scopes to write: the digest differs from the latest snapshot's
    SELECT sc.scope, sc.version, sc.max_total, d.digest, l.id AS previous_id, l.inputs_digest AS previous_digest
      FROM scope sc
      JOIN digest d USING (scope)
      LEFT JOIN LATERAL (SELECT s.id, s.inputs_digest FROM nominations.ranking_snapshots s
                          WHERE s.year = $1 AND s.scope = sc.scope ORDER BY s.id DESC LIMIT 1) l ON true
     WHERE d.digest IS DISTINCT FROM l.inputs_digest
       AND (l.id IS NOT NULL OR d.units > 0)   -- an empty first table publishes nothing
), ranked AS (              -- from here on only what is written, only for what changed: nothing on an unchanged run
    SELECT u.*, m.name,
           -- competition ranking ("1224") over total and the tie-break keys
           rank() OVER (PARTITION BY u.cluster_code ORDER BY u.total DESC /*tie_break*/) AS cluster_rank,
           -- meaningful only when the organiser's national view changed, and then each of its units is here
           rank() OVER (PARTITION BY u.national ORDER BY u.share DESC) AS national_rank,
           -- the first band (thresholds descending) the rounded share reaches, the last one the floor:
           -- width_bucket counts the thresholds (given ascending) the share reaches, each band once
           ($4::text[])[greatest(width_bucket(u.share, $3::numeric[]), 1)] AS band
      FROM (SELECT u.*, u.regular + u.bonus + u.penalty AS total,
                   -- round() is half away from zero, as share_of; the quotient has ≥ 16 significant
                   -- digits, far more than two-decimal points need for the 4th place to come out exact.
                   CASE WHEN u.max_total = 0 THEN 0 ELSE round((u.regular + u.bonus + u.penalty) / u.max_total, 4) END
                     AS share
              FROM unit u
             WHERE u.cluster_code IN (SELECT scope FROM changed)
                OR u.national IN (SELECT scope FROM changed)) u
      LEFT JOIN (SELECT y.cluster_code, m.code, m.name
                   FROM nominations.cluster_years y, jsonb_to_recordset(y.members) AS m(code text, name text)
                  WHERE y.year = $1) m ON m.cluster_code = u.cluster_code AND m.code = u.province
), tabled AS (
    SELECT r.cluster_code AS scope, count(*) AS units,
           jsonb_agg(jsonb_build_object(
               'province', r.province, 'name', r.name, 'rank', r.cluster_rank, 'total', r.total, 'share', r.share,
               'band', r.band, 'regular', r.regular, 'bonus', r.bonus, 'penalty', r.penalty)
               ORDER BY r.cluster_rank, r.province) AS rows
      FROM ranked r WHERE r.cluster_code IN (SELECT scope FROM changed) GROUP BY r.cluster_code
    UNION ALL
    SELECT r.national, count(*),
           coalesce(jsonb_agg(jsonb_build_object(
               'cluster', r.cluster_code, 'province', r.province, 'name', r.name, 'rank', r.national_rank,
               'cluster_rank', r.cluster_rank, 'total', r.total, 'max_total', r.max_total, 'share', r.share,
               'band', r.band, 'regular', r.regular, 'bonus', r.bonus, 'penalty', r.penalty)
               ORDER BY r.national_rank, r.cluster_code, r.cluster_rank, r.province), '[]'::jsonb)
      FROM ranked r WHERE r.national IN (SELECT scope FROM changed) GROUP BY r.national
)
INSERT INTO nominations.ranking_snapshots (scope, year, inputs_digest, previous_id, previous_digest, config,
                                           covenant_version, max_total, unit_count, rows)
SELECT c.scope, $1, c.digest, c.previous_id, c.previous_digest, $7::jsonb, c.version, c.max_total,
       coalesce(t.units, 0), coalesce(t.rows, '[]'::jsonb)
  FROM changed c
  LEFT JOIN tabled t USING (scope)
RETURNING id, scope
"""


def config_row(config: RankingConfig) -> tuple[str, str, str]:
    """The ranking config as one row of the inputs digest: a new tie-break or band changes every table."""
    bands = "|".join(f"{canonical_decimal(threshold)}={label}" for threshold, label in config.bands)
    return ("config", ",".join(config.tie_break), bands)


def config_json(config: RankingConfig) -> dict[str, Any]:
    return {"tie_break": list(config.tie_break),
            "bands": [{"threshold": canonical_decimal(t), "label": label} for t, label in config.bands]}


def _digest_line(row: tuple[str, ...]) -> str:
    # inputs_digest's encoding of a row of strings
    return json.dumps([["s", value] for value in row], separators=(",", ":"), ensure_ascii=False)


async def recompute(conn: asyncpg.Connection, *, year: int, cluster: str | None,
                    config: RankingConfig) -> list[asyncpg.Record]:
    """Append a snapshot for every scope (the cluster asked for, or every cluster of the year; and the
    national view) whose inputs changed; return the new snapshots' (id, scope). Runs on the caller's
    transaction, serialised per year so two runs never race to append to the same chain."""
    # One round trip: the lock, and work_mem for this transaction only (set_config(..., true) = SET LOCAL).
    await conn.execute("SELECT pg_advisory_xact_lock($1, $2), set_config('work_mem', $3, true)",
                       _LOCK_NAMESPACE, year, _WORK_MEM)
    sql, args = recompute_statement(year=year, cluster=cluster, config=config)
    return await conn.fetch(sql, *args)


def recompute_statement(*, year: int, cluster: str | None, config: RankingConfig) -> tuple[str, tuple[Any, ...]]:
    """The statement ``recompute`` runs and its arguments (the tests EXPLAIN it)."""
    tie_break = "".join(f", u.{TIE_BREAK_KEYS[key]} DESC" for key in config.tie_break)
    return (_RECOMPUTE.replace("/*tie_break*/", tie_break),
            (year, cluster, [t for t, _ in reversed(config.bands)], [label for _, label in reversed(config.bands)],
             _digest_line(config_row(config)), DIGEST_PREFIX, config_json(config),
             # what a scope was digested under: a new config, or a new digest format, digests it again
             DIGEST_PREFIX + _digest_line(config_row(config))))


async def scopes(conn: asyncpg.Connection, *, year: int, cluster: str | None) -> list[str]:
    """The cluster scopes a run of ``recompute`` examines (plus the national ones: the ministry's,
    then every other organiser's with a cluster-year)."""
    rows = await conn.fetch(
        """SELECT cluster_code FROM nominations.covenants
            WHERE year = $1 AND state = 'published' AND ($2::text IS NULL OR cluster_code = $2)
            ORDER BY cluster_code""", year, cluster)
    others = await conn.fetch(
        """SELECT DISTINCT organiser FROM nominations.cluster_years WHERE year = $1 AND organiser <> $2
            ORDER BY organiser""", year, MINISTRY)
    return [r["cluster_code"] for r in rows] + [NATIONAL] + [national_scope(r["organiser"]) for r in others]


async def open_years(conn: asyncpg.Connection) -> list[int]:
    """Years with a covenant in force whose sheets are not locked yet: where scores can still change."""
    rows = await conn.fetch(
        """SELECT DISTINCT c.year FROM nominations.covenants c
             JOIN nominations.cluster_years y USING (cluster_code, year)
            WHERE c.state = 'published' AND y.locked_at IS NULL ORDER BY c.year""")
    return [r["year"] for r in rows]


_SNAPSHOT = """SELECT id, scope, year, computed_at, inputs_digest, previous_id, config, covenant_version, max_total,
                      unit_count {rows} FROM nominations.ranking_snapshots"""


async def latest(conn: asyncpg.Connection, *, scope: str, year: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        _SNAPSHOT.format(rows=", rows") + " WHERE year = $1 AND scope = $2 ORDER BY id DESC LIMIT 1", year, scope)


async def by_id(conn: asyncpg.Connection, *, year: int, snapshot_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(_SNAPSHOT.format(rows=", rows") + " WHERE year = $1 AND id = $2", year, snapshot_id)


async def page(conn: asyncpg.Connection, *, year: int, scopes: list[str], before: int | None,
               limit: int) -> list[asyncpg.Record]:
    """Snapshots of the given scopes without their tables, newest first."""
    return await conn.fetch(
        _SNAPSHOT.format(rows="") + """ WHERE year = $1 AND scope = ANY($2::text[])
                                          AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4""",
        year, scopes, before, limit)


async def organiser_clusters(conn: asyncpg.Connection, *, year: int,
                             organiser: str) -> list[tuple[str, list[str]]]:
    """An organiser's cluster-years of the year: (cluster, members, former ones included)."""
    rows = await conn.fetch("SELECT cluster_code, members, former_members FROM nominations.cluster_years "
                            "WHERE year = $1 AND organiser = $2 ORDER BY cluster_code", year, organiser)
    return [(r["cluster_code"], [m["code"] for m in [*r["members"], *r["former_members"]]]) for r in rows]


async def latest_ranks(conn: asyncpg.Connection, *, cluster_code: str, year: int) -> dict[str, dict[str, Any]]:
    """Each unit's place in the latest ranking of a cluster-year: code → {rank, total, share, band}
    ({} before the first snapshot). Shown beside the candidates of a flag vote."""
    rows = await conn.fetchval(
        """SELECT rows FROM nominations.ranking_snapshots WHERE scope = $1 AND year = $2
            ORDER BY id DESC LIMIT 1""", cluster_code, year)
    return {r["province"]: {"rank": r["rank"], "total": r["total"], "share": r["share"], "band": r["band"]}
            for r in rows or []}
