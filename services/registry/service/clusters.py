"""Clusters (cụm/khối thi đua): created and changed by their organiser's emulation office (the
ministry for its own), read by anyone."""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain.organisers import MINISTRY
from services.registry.service.access import require_cluster_keeper
from services.registry.store import clusters as cluster_store
from services.registry.store import organisers as organiser_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable

SCHEMA = "registry"


def _cluster_public(row: asyncpg.Record) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"], "organizer": row["organizer"],
            "organiser": row["organiser_code"], "kind": row["kind"], "allow_shared_members": row["allow_shared_members"]}


def _cluster_year(row: asyncpg.Record, year: int) -> dict[str, Any]:
    """A cluster with its lead, deputy and member count in ``year`` (``?year=`` of the list)."""
    return {**_cluster_public(row), "year": year, "member_count": row["member_count"],
            "lead": {"code": row["lead_code"], "name": row["lead_name"]} if row["lead_code"] else None,
            "deputy": {"code": row["deputy_code"], "name": row["deputy_name"]} if row["deputy_code"] else None,
            "leadership_method": row["leadership_method"]}


async def create_cluster(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str, organizer: str | None,
                         kind: str, allow_shared_members: bool = False, organiser: str = MINISTRY) -> dict[str, Any]:
    """A cluster of ``organiser`` (default: the ministry), by its emulation office; ``organizer``, the
    name its documents show, defaults to the organiser's name."""
    org = await organiser_store.get(conn, organiser)
    if org is None:
        raise Unprocessable(f"no organiser {organiser}", field="organiser")
    require_cluster_keeper(actor, {"organiser_code": organiser}, what="create its clusters")
    if await cluster_store.get(conn, code) is not None:
        raise Conflict(f"cluster {code} already exists", field="code")
    row = await cluster_store.insert(conn, code=code, name=name, organizer=organizer or org["name"], kind=kind,
                                     allow_shared_members=allow_shared_members, organiser=organiser)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="cluster.create", target=f"cluster:{code}",
                       details=_cluster_public(row))
    return {**_cluster_public(row), "years": []}


async def get_cluster(conn: asyncpg.Connection, *, code: str) -> dict[str, Any]:
    row = await cluster_store.get(conn, code)
    if row is None:
        raise NotFound(f"no cluster {code}", field="code")
    return {**_cluster_public(row), "years": await cluster_store.years(conn, code)}


async def list_clusters(conn: asyncpg.Connection, *, after: str | None, limit: int, year: int | None,
                        today: date, organiser: str | None = None) -> list[dict[str, Any]]:
    rows = await cluster_store.page(conn, after=after, limit=limit, year=year, today=today, organiser=organiser)
    return [_cluster_year(r, year) if year is not None else _cluster_public(r) for r in rows]


async def update_cluster(conn: asyncpg.Connection, *, actor: Principal, code: str, name: str | None,
                         organizer: str | None, allow_shared_members: bool | None) -> dict[str, Any]:
    """Rename a cluster, change its organizer, or allow its members to sit in another cluster of the
    same kind in one year (its organiser's office). The members of its current and later periods are told."""
    before = await require_cluster(conn, code)
    require_cluster_keeper(actor, before, what="change its clusters")
    after = await cluster_store.update(conn, code=code, name=name, organizer=organizer,
                                       allow_shared_members=allow_shared_members)
    changed = {k: {"from": before[k], "to": after[k]} for k in ("name", "organizer", "allow_shared_members")
               if before[k] != after[k]}
    result = {**_cluster_public(after), "years": await cluster_store.years(conn, code)}
    if not changed:
        return result
    years = result["years"]
    latest = max(years) if years else None
    members = await cluster_store.members(conn, cluster=code, year=latest) if latest is not None else []
    await events.publish(conn, events.CLUSTER_UPDATED, aggregate_id=code, payload={
        "cluster_code": code, "cluster_name": after["name"], "organiser": after["organiser_code"],
        "organizer": after["organizer"],
        "changes": changed, "year": latest,
        "members": [{"code": m["code"], "name": m["name"]} for m in members],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="cluster.update", target=f"cluster:{code}",
                       details={"changes": changed})
    return result


async def require_cluster(conn: asyncpg.Connection, code: str) -> asyncpg.Record:
    row = await cluster_store.get(conn, code)
    if row is None:
        raise NotFound(f"no cluster {code}", field="code")
    return row
