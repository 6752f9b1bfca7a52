"""Provinces and their history: the units in force on a day, mergers (ministry) and their undoing."""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain.provinces import check_merger, check_merger_window, check_undo, eve_of
from services.registry.service.access import require_keeper
from services.registry.store import provinces as province_store
from shared import audit
from shared.auth import Principal
from shared.errors import NotFound, Unprocessable

SCHEMA = "registry"


async def province_on(conn: asyncpg.Connection, *, code: str, on: date) -> dict[str, Any]:
    row = await province_store.by_code(conn, code=code, on=on)
    if row is None:
        if await province_store.code_exists(conn, code):
            raise NotFound(f"code {code} named no provincial unit on {on.isoformat()}", field="on")
        raise NotFound(f"no provincial unit has code {code}", field="code")
    result = province_store.public(row)
    if row["successor_code"]:
        result["successor"] = {"code": row["successor_code"], "name": row["successor_name"],
                               "valid_from": row["successor_valid_from"]}
    result["predecessors"] = [
        {"code": p["code"], "name": p["name"], "valid_from": p["valid_from"], "valid_to": p["valid_to"]}
        for p in await province_store.predecessors(conn, unit_id=row["id"])
    ]
    return result


async def provinces_in_force(conn: asyncpg.Connection, *, on: date) -> list[dict[str, Any]]:
    return [province_store.public(r) for r in await province_store.in_force(conn, on=on)]


async def province_history(conn: asyncpg.Connection, *, code: str) -> list[dict[str, Any]]:
    """Every unit that has carried ``code``."""
    return [province_store.public(r) for r in await province_store.history(conn, code=code)]


async def merge_provinces(conn: asyncpg.Connection, *, actor: Principal, source_codes: list[str],
                          successor_code: str, successor_name: str, successor_kind: str,
                          effective_date: date, today: date, window_days: int) -> dict[str, Any]:
    require_keeper(actor)
    if len(set(source_codes)) != len(source_codes):
        raise Unprocessable("a source appears twice", field="sources")
    eve = eve_of(effective_date)
    sources = []
    for code in source_codes:
        row = await province_store.by_code(conn, code=code, on=eve, lock=True)
        if row is None:
            raise Unprocessable(f"no unit with code {code} is in force on {eve}", field="sources")
        sources.append(row)
    check_merger(
        sources=[province_store.to_unit(r) for r in sources],
        successor_code=successor_code,
        effective_date=effective_date,
        same_code_units=[province_store.to_unit(r) for r in await province_store.history(conn, code=successor_code)],
    )
    check_merger_window(effective_date=effective_date, today=today, window_days=window_days)
    source_ids = [r["id"] for r in sources]
    await province_store.close(conn, unit_ids=source_ids, valid_to=eve)
    successor_id = await province_store.insert(conn, code=successor_code, name=successor_name,
                                               kind=successor_kind, valid_from=effective_date)
    await province_store.link_successor(conn, unit_ids=source_ids, successor_id=successor_id)
    merger_id = await province_store.record_merger(
        conn, successor_id=successor_id, effective_date=effective_date, by=actor.subject,
        sources=[{"id": r["id"], "code": r["code"], "name": r["name"],
                  "valid_to": r["valid_to"].isoformat() if r["valid_to"] else None} for r in sources])
    payload = {
        "successor": {"code": successor_code, "name": successor_name},
        "sources": [{"code": r["code"], "name": r["name"]} for r in sources],
        "effective_date": effective_date.isoformat(),
    }
    await events.publish(conn, events.PROVINCE_MERGED, aggregate_id=f"{successor_code}@{effective_date}",
                         payload=payload)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="province.merge",
                       target=f"province:{successor_code}", details=payload)
    return {**await province_on(conn, code=successor_code, on=effective_date), "merger_id": merger_id}


async def undo_merger(conn: asyncpg.Connection, *, actor: Principal, merger_id: int) -> dict[str, Any]:
    """Undo a merger made through the API (ministry), while nothing refers to the unit it created:
    the sources are in force again as before, the successor is gone."""
    require_keeper(actor)
    merger = await province_store.merger(conn, merger_id=merger_id, lock=True)
    if merger is None:
        raise NotFound(f"no merger {merger_id} (only mergers made through the API can be undone)", field="merger_id")
    successor = (await province_store.by_ids(conn, [merger["successor_id"]]))[merger["successor_id"]]
    check_undo(successor=province_store.to_unit(successor),
               later_references=await province_store.references(conn, unit_id=merger["successor_id"]))
    await province_store.unlink_merger(conn, merger_id=merger_id, successor_id=merger["successor_id"],
                                       sources=merger["sources"])
    payload = {
        "successor": {"code": successor["code"], "name": successor["name"]},
        "sources": [{"code": src["code"], "name": src["name"]} for src in merger["sources"]],
        "effective_date": merger["effective_date"].isoformat(),
    }
    await events.publish(conn, events.MERGER_UNDONE, aggregate_id=f"{successor['code']}@{merger['effective_date']}",
                         payload=payload)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="province.merge.undo",
                       target=f"province:{successor['code']}", details={"merger_id": merger_id, **payload})
    return {"merger_id": merger_id, "undone": True, **payload}
