"""The organiser's council votes on the nominees it received: the two use cases the councils context
calls. ``council_nominees`` reads the nominees a session will vote on (sent to the organiser, of its
own forms); ``apply_council_verdict`` writes the session's result: those that reached their
threshold (and fit the Government-flag cap) are approved, the others rejected with the figures as
the reason. A decision lists approved nominees only (``decisions._check_entries``), so a nominee
that fell short can never be put in one.

While a nominee waits for its council (on a session not closed), the organiser's click cannot
approve or reject it: the schema refuses (``nominees_await_council``, migration 120) unless the
change comes from here, which names the session for its own statements.
"""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.nominations import government_flag_cap, organisers
from services.nominations.commendations.domain.states import State
from services.nominations.commendations.service.access import SCHEMA, _follow, _proposal
from services.nominations.commendations.service.decisions import get_decision
from services.nominations.commendations.store import forms as form_store
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Unprocessable


async def council_nominees(conn: asyncpg.Connection, *, nominee_ids: list[uuid.UUID],
                           organiser: str) -> list[dict[str, Any]]:
    """The nominees, in the order given, with what a session prints of each: each must be sent to
    ``organiser`` (the cluster lists it received) for one of its own award forms."""
    if not nominee_ids:
        raise Unprocessable("a session votes on at least one nominee", field="nominee_ids")
    if len(set(nominee_ids)) != len(nominee_ids):
        raise Unprocessable("a nominee is listed once", field="nominee_ids")
    found = []
    for i, nominee_id in enumerate(nominee_ids):
        n = await nominee_store.get(conn, nominee_id, lock=True)
        if n is None:
            raise Unprocessable(f"no nominee {nominee_id}", field=f"nominee_ids.{i}")
        if n["state"] != State.sent:
            raise Unprocessable(f"{n['name']} is {n['state']}: the council votes on nominees sent to {organiser}",
                                field=f"nominee_ids.{i}", slug="nominee-not-sent")
        form = await form_store.get(conn, n["form_code"])
        if form is None or form["organiser"] != organiser:
            raise Unprocessable(f"{n['name']} is proposed for an award of another organiser",
                                field=f"nominee_ids.{i}", slug="other-organiser")
        p = await _proposal(conn, n["proposal_id"])
        found.append({"nominee_id": n["id"], "year": n["year"], "form_code": n["form_code"], "form_name": form["name"],
                      "kind": n["kind"], "name": n["name"], "position": n["position"], "unit": n["unit"],
                      "province_code": p["province_code"], "province_name": p["province_name"],
                      "cluster_code": p["cluster_code"]})
    return found


async def apply_council_verdict(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                                session_id: uuid.UUID, organiser: str, approved: list[uuid.UUID],
                                refused: dict[uuid.UUID, str], cap_share: Any) -> dict[uuid.UUID, str]:
    """Approve ``approved`` and reject ``refused`` (nominee → reason), in the session's close. A nominee
    of a capped form that no longer fits the Government-flag cap is rejected instead; the answer names
    them (``over_cap``). Nominees no longer sent (withdrawn meanwhile) are left as they are."""
    outcome: dict[uuid.UUID, str] = {}
    await conn.execute("SELECT set_config('nominations.council_verdict', $1, true)", str(session_id))
    try:
        for nominee_id in approved:
            n = await nominee_store.get(conn, nominee_id, lock=True)
            if n is None or n["state"] != State.sent:
                continue
            form = await form_store.get(conn, n["form_code"])
            if form is not None and form["capped"]:
                share = await organisers.cap_share(conn, organiser, n["year"], default=cap_share)
                try:
                    async with conn.transaction():
                        await government_flag_cap.hold_nominee(conn, registry=registry, year=n["year"],
                                                               nominee_id=nominee_id, share=share, organiser=organiser)
                except Conflict as exc:
                    refused[nominee_id] = f"Đạt tỷ lệ phiếu của Hội đồng nhưng vượt giới hạn số lượng: {exc}"
                    outcome[nominee_id] = "over_cap"
                    continue
            await _decide(conn, actor, n, State.approved, None, session_id)
            outcome[nominee_id] = "approved"
        for nominee_id, reason in refused.items():
            n = await nominee_store.get(conn, nominee_id, lock=True)
            if n is None or n["state"] != State.sent:
                continue
            await _decide(conn, actor, n, State.rejected, reason, session_id)
            outcome.setdefault(nominee_id, "rejected")
    finally:
        await conn.execute("SELECT set_config('nominations.council_verdict', '', true)")
    return outcome


async def _decide(conn: asyncpg.Connection, actor: Principal, n: asyncpg.Record, target: State, reason: str | None,
                  session_id: uuid.UUID) -> None:
    p = await _proposal(conn, n["proposal_id"], lock=True)
    await nominee_store.set_state(conn, n["id"], target.value, by=actor.subject, reject_reason=reason)
    await _follow(conn, p)
    verb = "approve" if target == State.approved else "reject"
    await audit.record(conn, schema=SCHEMA, actor=actor, action=f"nominee.{verb}", target=f"nominee:{n['id']}",
                       details={"council_session": str(session_id), **({"reason": reason} if reason else {})})



async def decision_nominees(conn: asyncpg.Connection, *, actor: Principal | None,
                            decision_id: uuid.UUID) -> list[uuid.UUID]:
    """The nominees a decision lists, as its reader may see it (an issued one is public, a draft its
    office's): the council's minutes that decided them belong to the decision's file."""
    decision = await get_decision(conn, actor=actor, decision_id=decision_id)
    return [e["nominee_id"] for e in decision["entries"]]
