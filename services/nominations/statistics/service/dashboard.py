"""The national picture (or an organiser's): awards by form and year, Government flags against the
cap of cluster leaders, movements and models by field, participation (registered vs expected)."""
from __future__ import annotations

from typing import Any

import asyncpg

from services.nominations import government_flag_cap, organisers
from services.nominations.movements.domain.rules import FIELDS
from services.nominations.registry_client import RegistryClient
from services.nominations.statistics.service.forms import _authorise
from services.nominations.statistics.store import dashboard as store
from shared.auth import Principal
from shared.errors import Unavailable

YEARS = 5  # how many years the charts go back


async def _flags(conn: asyncpg.Connection, registry: RegistryClient, *, organiser: str, year: int,
                 default_share: Any) -> dict[str, Any]:
    share = await organisers.cap_share(conn, organiser, year, default=default_share)
    try:
        leaders: int | None = await registry.active_cluster_count(year, organiser)
    except Unavailable:
        leaders = None  # the registry is away: the flags still show, the cap does not
    cap = None if leaders is None else government_flag_cap.government_flag_cap(active_clusters=leaders, share=share)
    flags = await government_flag_cap.flags_counted(conn, government_flag_cap.CapScope(year=year,
                                                                                       organiser=organiser))
    return {"cluster_leaders": leaders, "cap": cap, "government_flags": flags}


async def dashboard(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, organiser: str | None,
                    year: int, default_share: Any) -> dict[str, Any]:
    organiser = _authorise(actor, organiser)
    first = year - YEARS + 1
    awards = [dict(r) for r in await store.awards_by_year(conn, organiser=organiser, first=first, last=year)]
    scope = [organiser] if organiser is not None else await store.organisers(conn)
    flags = []
    for y in range(first, year + 1):
        per = [await _flags(conn, registry, organiser=o, year=y, default_share=default_share) for o in scope]
        leaders = [p["cluster_leaders"] for p in per]
        flags.append({"year": y, "government_flags": sum(p["government_flags"] for p in per),
                      "cluster_leaders": None if None in leaders else sum(leaders),
                      "cap": None if any(p["cap"] is None for p in per) else sum(p["cap"] for p in per)})
    movements = [dict(m) for m in await store.movements_of_year(conn, organiser=organiser, year=year)]
    fields = await store.models_by_field(conn, movement_ids=[m["id"] for m in movements])
    return {
        "organiser": organiser, "year": year, "years": list(range(first, year + 1)),
        "awards_by_year": awards,
        "flags": flags,
        "movements": {"total": len(movements), "regular": sum(m["kind"] == "regular" for m in movements),
                      "thematic": sum(m["kind"] == "thematic" for m in movements)},
        "models_by_field": [{"field": f["field"], "field_name": FIELDS.get(f["field"], f["field"]),
                             "registered": f["registered"], "recognised": f["recognised"]} for f in fields],
        "participation": [{"movement_id": m["id"], "name": m["name"], "organiser_code": m["organiser_code"],
                           "expected": m["expected"], "registered": m["registered"]} for m in movements],
    }
