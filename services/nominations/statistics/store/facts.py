"""What the forms count, read from the register (awards joined to their nominees), the award forms
and the movements: one ``GROUP BY`` per subject, and the records behind one cell. Read-only: the
statistics own no table; the tables are the commendations' and the movements' (one schema)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

# The proposing unit's kind from its code (statistics.domain.classify.proposer_kind, in SQL).
_PROPOSER = ("CASE WHEN a.province_code ~ '^[0-9]{2}$' THEN 'province' "
             "WHEN a.province_code ~ '^[0-9]{5}$' THEN 'commune' ELSE 'agency' END")

# Dimension → column, for the records behind a cell.
_AWARD_COLUMNS = {"kind": "a.kind", "gender": "n.gender", "leader_level": "n.leader_level",
                  "direct_worker": "n.direct_worker", "ethnic_minority": "n.ethnic_minority", "proposer": _PROPOSER}


async def award_forms(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT code, name, round_award, organiser FROM nominations.award_forms")


async def award_groups(conn: asyncpg.Connection, *, organiser: str | None, year: int) -> list[asyncpg.Record]:
    """The year's register of an organiser (every organiser's: None), grouped by what the forms count."""
    return await conn.fetch(
        f"""SELECT a.form_code, a.kind, {_PROPOSER} AS proposer, n.gender, n.leader_level, n.direct_worker,
                   n.ethnic_minority, count(*) AS n
              FROM nominations.awards a JOIN nominations.nominees n ON n.id = a.nominee_id
             WHERE a.year = $1 AND ($2::text IS NULL OR a.organiser = $2)
             GROUP BY 1, 2, 3, 4, 5, 6, 7""", year, organiser)


def _condition(condition: Mapping[str, frozenset[Any]], columns: Mapping[str, str],
               args: list[Any]) -> list[str]:
    """SQL for ``dimension in allowed`` (NULL allowed when None is), parameters appended to ``args``."""
    clauses = []
    for dim, allowed in sorted(condition.items()):
        column = columns[dim]
        values = sorted((v for v in allowed if v is not None), key=str)
        parts = []
        if values:
            args.append([str(v).lower() if isinstance(v, bool) else v for v in values])
            cast = "::text" if any(isinstance(v, bool) for v in values) else ""
            parts.append(f"{column}{cast} = ANY(${len(args)}::text[])")
        if None in allowed:
            parts.append(f"{column} IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    return clauses


async def award_records(conn: asyncpg.Connection, *, organiser: str | None, year: int, form_codes: list[str],
                        condition: Mapping[str, frozenset[Any]], after: int | None, limit: int) -> list[asyncpg.Record]:
    """The awards behind a cell (with the personal fields it counted), in register order."""
    args: list[Any] = [year, organiser, form_codes, after, limit]
    clauses = _condition({k: v for k, v in condition.items() if k != "form_class"}, _AWARD_COLUMNS, args)
    extra = "".join(f" AND {c}" for c in clauses)
    return await conn.fetch(
        f"""SELECT a.id, a.year, a.form_code, a.form_name, a.kind, a.name, a.position, a.unit, a.province_code,
                   a.province_name, a.cluster_code, a.decision_number, a.decision_date, a.organiser,
                   n.gender, n.leader_level, n.direct_worker, n.ethnic_minority
              FROM nominations.awards a JOIN nominations.nominees n ON n.id = a.nominee_id
             WHERE a.year = $1 AND ($2::text IS NULL OR a.organiser = $2) AND a.form_code = ANY($3::text[])
               AND ($4::bigint IS NULL OR a.id > $4){extra}
             ORDER BY a.id LIMIT $5""", *args)


async def movements(conn: asyncpg.Connection, *, organiser: str | None, year: int) -> list[asyncpg.Record]:
    """The movements launched in ``year`` (by their launch document's date) of an organiser, each with
    the kinds of its units and whether those are exactly a cluster-year's members."""
    return await conn.fetch(
        """SELECT m.id, m.name, m.kind, m.organiser_code, m.organiser_name, m.starts_on, m.ends_on, m.state,
                  m.document_number, m.document_date,
                  coalesce((SELECT array_agg(DISTINCT u.unit_kind) FROM nominations.movement_units u
                             WHERE u.movement_id = m.id), '{}') AS unit_kinds,
                  EXISTS (SELECT 1 FROM nominations.cluster_years cy
                           WHERE cy.year = extract(year FROM m.starts_on)::int
                             AND jsonb_array_length(cy.members) > 0
                             AND (SELECT array_agg(x->>'code' ORDER BY x->>'code')
                                    FROM jsonb_array_elements(cy.members) x)
                               = (SELECT array_agg(u.unit_code ORDER BY u.unit_code)
                                    FROM nominations.movement_units u WHERE u.movement_id = m.id)) AS is_cluster
             FROM nominations.movements m
            WHERE m.state <> 'draft' AND extract(year FROM coalesce(m.document_date, m.starts_on))::int = $1
              AND ($2::text IS NULL OR m.organiser_code = $2)
            ORDER BY coalesce(m.document_date, m.starts_on), m.id""", year, organiser)
