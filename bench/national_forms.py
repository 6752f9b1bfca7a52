"""A year's national statistics forms from the generated register (``statistics_forms_ms``).

The value: every form of the year for every organiser together (the ministry's national forms),
computed by ``statistics.service.forms.compute_form`` (what the API answers after its authorisation
check: the statements, the classification of every group and the cells with their links), one
form after another on one connection. The baseline: the bare statements the forms are computed
from, sent straight to PostgreSQL on the same connection (``statistics.store.facts``: the
movements of the year for 0601 and, for each of 0602 and 0603, the ``GROUP BY`` of the year's
awards joined to their nominees by what the forms count). Interleaved, ``ROUNDS`` each, medians.
"""
from __future__ import annotations

import statistics as stats
import time
from typing import Any

import asyncpg

from services.nominations.statistics.domain import forms as form_defs
from services.nominations.statistics.service.forms import compute_form
from services.nominations.statistics.store import facts

ROUNDS = 7


async def bare(conn: asyncpg.Connection, year: int) -> tuple[float, int]:
    started = time.perf_counter()
    groups = 0
    for form in form_defs.forms_for(year):
        if form.subject == "movements":
            groups += len(await facts.movements(conn, organiser=None, year=year))
        else:
            groups += len(await facts.award_groups(conn, organiser=None, year=year))
    return time.perf_counter() - started, groups


async def computed(conn: asyncpg.Connection, year: int) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    out = {f.code: await compute_form(conn, organiser=None, year=year, form=f.code) for f in form_defs.forms_for(year)}
    return time.perf_counter() - started, out


def _total(form: dict[str, Any]) -> Any:
    """The form's first figure (its total row, first column), to show it counted the rows."""
    first = form["rows"][0]
    cells = first.get("cells") or []
    return cells[0].get("value") if cells and isinstance(cells[0], dict) else None


async def statistics_forms(conn: asyncpg.Connection, year: int) -> dict[str, Any]:
    for _ in range(2):  # untimed: page cache, plans
        await bare(conn, year)
        await computed(conn, year)
    api, sql = [], []
    groups = 0
    result: dict[str, Any] = {}
    for _ in range(ROUNDS):
        seconds, groups = await bare(conn, year)
        sql.append(seconds)
        seconds, result = await computed(conn, year)
        api.append(seconds)
    awards = await conn.fetchval("SELECT count(*) FROM nominations.awards WHERE year = $1", year)
    return {"year": year, "rounds": ROUNDS, "forms": list(result), "awards_in_year": awards,
            "groups_read": groups, "form_totals": {code: _total(form) for code, form in result.items()},
            "computed_ms_median": round(stats.median(api) * 1000, 2),
            "bare_ms_median": round(stats.median(sql) * 1000, 2),
            "computed_ms": [round(s * 1000, 2) for s in api], "bare_ms": [round(s * 1000, 2) for s in sql]}
