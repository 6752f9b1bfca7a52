"""The lead's review of the cluster's list and the ministry's review (the Government-flag cap holds)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from services.nominations import government_flag_cap, organisers
from services.nominations.commendations import events
from services.nominations.commendations.domain import policy
from services.nominations.commendations.domain.states import (
    State,
)
from services.nominations.commendations.service.access import (
    SCHEMA,
    _follow,
    _nominee,
    _proposal,
    _require_lead,
    _require_ministry,
    _require_reviewer,
    _transition,
    nominee_out,
    proposal_out,
    reads_personal,
)
from services.nominations.commendations.store import attachments as attachment_store
from services.nominations.commendations.store import forms as form_store
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.commendations.store import proposals as proposal_store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, NotFound

# ---------------------------------------------------------------- the lead's review

async def cluster_list(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, cluster_code: str,
                       year: int) -> dict[str, Any]:
    stored = await proposal_store.get_list(conn, cluster_code, year)
    if policy.is_staff(actor, stored["organiser"] if stored else None):
        lst = stored
        if lst is None:
            raise NotFound(f"no commendation list for {cluster_code} in {year}", field="cluster_code")
    else:
        lst = await _require_lead(conn, actor, registry, cluster_code, year, "read the cluster's list")
    proposals = await proposal_store.of_list(conn, cluster_code=cluster_code, year=year)
    ids = [p["id"] for p in proposals]
    nominees: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
    for n in await nominee_store.of_proposals(conn, ids):
        nominees[n["proposal_id"]].append(n)
    files: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
    for a in await attachment_store.of_proposals(conn, ids):
        files[a["proposal_id"]].append(a)
    return {"cluster_code": cluster_code, "cluster_name": lst["cluster_name"], "year": year,
            "organiser": lst["organiser"], "lead_code": lst["lead_code"], "sent_count": lst["sent_count"], "last_sent_at": lst["last_sent_at"],
            "proposals": [proposal_out(p, nominees=nominees[p["id"]], attachments=files[p["id"]],
                                       personal=reads_personal(actor, p)) for p in proposals]}


async def _lead_review(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                       nominee_id: uuid.UUID, target: State, reason: str | None) -> dict[str, Any]:
    n = await _nominee(conn, nominee_id, lock=True)
    p = await _proposal(conn, n["proposal_id"], lock=True)
    verb = "accept" if target == State.accepted else "return"
    lst = await _require_reviewer(conn, actor, registry, p, verb)
    _transition(n["state"], target, "nominee")
    row = await nominee_store.set_state(conn, nominee_id, target.value, by=actor.subject, return_reason=reason)
    proposal_state_now = await _follow(conn, await _proposal(conn, p["id"]))
    if target == State.returned:
        await events.publish(conn, events.RETURNED, aggregate_id=p["id"], payload={
            "proposal_id": str(p["id"]), "nominee_id": str(nominee_id), "nominee_name": n["name"],
            "cluster_code": p["cluster_code"], "cluster_name": p["cluster_name"], "year": p["year"],
            "form_code": p["form_code"], "form_name": p["form_name"], "province_code": p["province_code"],
            "lead_code": lst["lead_code"], "reason": reason})
    await audit.record(conn, schema=SCHEMA, actor=actor, action=f"nominee.{verb}", target=f"nominee:{nominee_id}",
                       details={"reason": reason, "proposal_state": proposal_state_now})
    return nominee_out(row, personal=reads_personal(actor, p))


async def accept_nominee(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                         nominee_id: uuid.UUID) -> dict[str, Any]:
    return await _lead_review(conn, actor=actor, registry=registry, nominee_id=nominee_id, target=State.accepted,
                              reason=None)


async def return_nominee(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                         nominee_id: uuid.UUID, reason: str) -> dict[str, Any]:
    return await _lead_review(conn, actor=actor, registry=registry, nominee_id=nominee_id, target=State.returned,
                              reason=reason)


async def send_list(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, cluster_code: str,
                    year: int) -> dict[str, Any]:
    """Send every accepted proposal of the cluster-year to the ministry (those still under review or
    returned wait for a later sending)."""
    lst = await _require_lead(conn, actor, registry, cluster_code, year, "send the cluster's list")
    await proposal_store.get_list(conn, cluster_code, year, lock=True)  # one sending at a time
    ready = await proposal_store.of_list(conn, cluster_code=cluster_code, year=year, states=["accepted"])
    if not ready:
        raise Conflict("no accepted proposal to send: accept nominees first", slug="nothing-to-send")
    count = 0
    for p in ready:
        count += await nominee_store.move_all(conn, p["id"], from_states=["accepted"], to="sent")
        await proposal_store.set_state(conn, p["id"], State.sent.value)
    await proposal_store.mark_sent(conn, cluster_code=cluster_code, year=year, by=actor.subject)
    ids = [p["id"] for p in ready]
    provinces = sorted({p["province_code"] for p in ready})
    await events.publish(conn, events.SENT, aggregate_id=f"{cluster_code}:{year}", payload={
        "cluster_code": cluster_code, "cluster_name": lst["cluster_name"], "year": year, "lead_code": actor.unit,
        "provinces": provinces, "proposals": [str(i) for i in ids], "nominees": count})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="list.send", target=f"list:{cluster_code}:{year}",
                       details={"proposals": [str(i) for i in ids], "nominees": count})
    return {"cluster_code": cluster_code, "year": year, "proposals": ids, "nominees": count, "provinces": provinces}



# ---------------------------------------------------------------- the ministry's review

async def review_queue(conn: asyncpg.Connection, *, actor: Principal, year: int | None, state: str,
                       cluster: str | None, after: tuple[datetime, uuid.UUID] | None,
                       limit: int) -> list[dict[str, Any]]:
    # An organiser's office reviews its own organiser's nominees; the ministry reads every organiser's.
    if actor.staff_of is None:
        _require_ministry(actor, "read the review queue")
    organiser = None if actor.is_ministry else actor.staff_of
    rows = await nominee_store.review_queue(conn, year=year, state=state, cluster=cluster, after=after, limit=limit,
                                            organiser=organiser)
    return [{**nominee_out(r), **{k: r[k] for k in ("cluster_code", "province_code", "province_name", "form_name",
                                                    "origin", "sent_at")}} for r in rows]


async def _ministry_review(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                           nominee_id: uuid.UUID, target: State, reason: str | None,
                           cap_share: Any) -> dict[str, Any]:
    if actor.staff_of is None:
        _require_ministry(actor, "review nominees")
    n = await _nominee(conn, nominee_id, lock=True)
    p = await _proposal(conn, n["proposal_id"], lock=True)
    _require_ministry(actor, "review nominees", p["organiser"])
    _transition(n["state"], target, "nominee")
    if target == State.approved:
        form_row = await form_store.get(conn, n["form_code"])
        if form_row is not None and form_row["capped"]:
            share = await organisers.cap_share(conn, p["organiser"], n["year"], default=cap_share)
            await government_flag_cap.hold_nominee(conn, registry=registry, year=n["year"], nominee_id=nominee_id,
                                                   share=share, organiser=p["organiser"])
    try:
        async with conn.transaction():
            row = await nominee_store.set_state(conn, nominee_id, target.value, by=actor.subject,
                                                reject_reason=reason)
    except asyncpg.CheckViolationError as exc:
        if exc.constraint_name != "nominees_await_council":
            raise
        raise Conflict(f"{n['name']} is on a session of {p['organiser']}'s council: its vote decides it",
                       field="nominee_id", slug="nominee-awaits-council") from exc
    await _follow(conn, p)
    verb = "approve" if target == State.approved else "reject"
    await audit.record(conn, schema=SCHEMA, actor=actor, action=f"nominee.{verb}", target=f"nominee:{nominee_id}",
                       details={"reason": reason} if reason else None)
    return nominee_out(row)


async def approve_nominee(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                          nominee_id: uuid.UUID, cap_share: Any) -> dict[str, Any]:
    return await _ministry_review(conn, actor=actor, registry=registry, nominee_id=nominee_id,
                                  target=State.approved, reason=None, cap_share=cap_share)


async def reject_nominee(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                         nominee_id: uuid.UUID, reason: str, cap_share: Any) -> dict[str, Any]:
    return await _ministry_review(conn, actor=actor, registry=registry, nominee_id=nominee_id,
                                  target=State.rejected, reason=reason, cap_share=cap_share)
