"""Decisions: drafted, edited and issued by the ministry."""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg

from services.nominations import organiser_rules, organisers
from services.nominations.commendations import events
from services.nominations.commendations.domain import policy, rules
from services.nominations.commendations.domain.rules import RuleError
from services.nominations.commendations.domain.states import (
    State,
)
from services.nominations.commendations.service.access import (
    SCHEMA,
    _follow,
    _proposal,
    _require_ministry,
    _rule,
)
from services.nominations.commendations.store import awards as award_store
from services.nominations.commendations.store import decisions as decision_store
from services.nominations.commendations.store import forms as form_store
from services.nominations.commendations.store import nominees as nominee_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

# ---------------------------------------------------------------- decisions

async def _decision(conn: asyncpg.Connection, decision_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record:
    d = await decision_store.get(conn, decision_id, lock=lock)
    if d is None:
        raise NotFound(f"no decision {decision_id}", field="decision_id")
    return d


async def decision_out(conn: asyncpg.Connection, d: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(d)
    out["bases"] = list(d["bases"])
    out["entries"] = [{"nominee_id": e["id"], **{k: e[k] for k in (
        "kind", "name", "position", "unit", "form_code", "form_name", "province_code", "province_name",
        "cluster_code")}} for e in await decision_store.entries(conn, d["id"])]
    return out


async def _check_entries(conn: asyncpg.Connection, decision_id: uuid.UUID, year: int,
                         nominee_ids: list[uuid.UUID], organiser: str = "BNV") -> None:
    if len(set(nominee_ids)) != len(nominee_ids):
        raise Unprocessable("a nominee is listed once", field="nominee_ids")
    for i, nominee_id in enumerate(nominee_ids):
        n = await nominee_store.get(conn, nominee_id)
        if n is None:
            raise Unprocessable(f"no nominee {nominee_id}", field=f"nominee_ids.{i}")
        if n["state"] != State.approved:
            # A nominee its council's vote refused is rejected, with the figures as the reason.
            why = f" ({n['reject_reason']})" if n["state"] == State.rejected and n["reject_reason"] else ""
            raise Unprocessable(f"{n['name']} is {n['state']}{why}: a decision lists nominees the ministry approved",
                                field=f"nominee_ids.{i}", slug="nominee-not-approved")
        if n["year"] != year:
            raise Unprocessable(f"{n['name']} is proposed for {n['year']}, the decision is for {year}",
                                field=f"nominee_ids.{i}")
        form_organiser = await form_store.organiser_of(conn, n["form_code"])
        if form_organiser != organiser:
            raise Unprocessable(f"{n['name']} is proposed for an award of {form_organiser}: {organiser}'s decision "
                                "lists its own awards", field=f"nominee_ids.{i}", slug="other-organiser")
    clashes = await decision_store.entry_conflicts(conn, decision_id, nominee_ids)
    if clashes:
        raise Conflict(f"already listed by decision {clashes[0]['number']}", field="nominee_ids",
                       slug="already-in-a-decision")


async def _number(conn: asyncpg.Connection, number: str, *, organiser: str, year: int) -> str:
    """The number's shape (Decree 30/2020), and the organiser's own suffix (…/QĐ-UBND for a
    province's office) once it has stored its rules; the ministry's numbers are checked as before."""
    try:
        number = rules.check_decision_number(number)
    except RuleError as exc:
        raise _rule(exc) from None
    if organiser != organiser_rules.MINISTRY:
        suffix = await organisers.decision_suffix(conn, organiser, year)
        problem = organiser_rules.check_number_suffix(number, suffix=suffix)
        if problem:
            raise Unprocessable(problem, field="number", slug="number-suffix")
    return number


async def create_decision(conn: asyncpg.Connection, *, actor: Principal, values: dict[str, Any],
                          default_bases: list[str]) -> dict[str, Any]:
    """A draft decision of the caller's organiser (its emulation office: the ministry's staff for BNV's)."""
    organiser = actor.staff_of or organiser_rules.MINISTRY
    _require_ministry(actor, "draft decisions", organiser)
    number = await _number(conn, values["number"], organiser=organiser, year=values["year"])
    if await decision_store.number_taken(conn, number, None, organiser):
        raise Conflict(f"decision {number} already exists", field="number", slug="number-taken")
    d = await decision_store.insert(conn, number=number, year=values["year"], summary=values["summary"],
                                    signed_on=values["signed_on"], signer_name=values["signer_name"],
                                    signer_title=values["signer_title"],
                                    bases=values["bases"] if values["bases"] is not None else default_bases,
                                    created_by=actor.subject, organiser=organiser)
    await _check_entries(conn, d["id"], values["year"], values["nominee_ids"], organiser)
    await decision_store.set_entries(conn, d["id"], values["nominee_ids"])
    await audit.record(conn, schema=SCHEMA, actor=actor, action="decision.create", target=f"decision:{d['id']}",
                       details={"number": number, "nominees": len(values["nominee_ids"])})
    return await decision_out(conn, d)


async def update_decision(conn: asyncpg.Connection, *, actor: Principal, decision_id: uuid.UUID,
                          values: dict[str, Any], default_bases: list[str]) -> dict[str, Any]:
    if actor.staff_of is None:
        _require_ministry(actor, "edit decisions")
    d = await _decision(conn, decision_id, lock=True)
    _require_ministry(actor, "edit decisions", d["organiser"])
    if d["state"] != "draft":
        raise Conflict(f"decision {d['number']} is issued: it is frozen", slug="decision-issued")
    number = await _number(conn, values["number"], organiser=d["organiser"], year=values["year"])
    if await decision_store.number_taken(conn, number, decision_id, d["organiser"]):
        raise Conflict(f"decision {number} already exists", field="number", slug="number-taken")
    await _check_entries(conn, decision_id, values["year"], values["nominee_ids"], d["organiser"])
    d = await decision_store.update(conn, decision_id, number=number, year=values["year"], summary=values["summary"],
                                    signed_on=values["signed_on"], signer_name=values["signer_name"],
                                    signer_title=values["signer_title"],
                                    bases=values["bases"] if values["bases"] is not None else default_bases)
    await decision_store.set_entries(conn, decision_id, values["nominee_ids"])
    await audit.record(conn, schema=SCHEMA, actor=actor, action="decision.update", target=f"decision:{decision_id}",
                       details={"number": number, "nominees": len(values["nominee_ids"])})
    return await decision_out(conn, d)


async def issue_decision(conn: asyncpg.Connection, *, actor: Principal, decision_id: uuid.UUID) -> dict[str, Any]:
    """Issue: the decision and its list freeze, every nominee it lists is awarded, the register
    gains their published lines, and every awarded province (and each lead concerned) is told."""
    if actor.staff_of is None:
        _require_ministry(actor, "issue decisions")
    d = await _decision(conn, decision_id, lock=True)
    _require_ministry(actor, "issue decisions", d["organiser"])
    if d["state"] != "draft":
        raise Conflict(f"decision {d['number']} is already issued", slug="decision-issued")
    entries = await decision_store.entries(conn, decision_id)
    if not entries:
        raise Unprocessable("a decision lists at least one nominee", field="nominee_ids")
    d = await decision_store.issue(conn, decision_id, by=actor.subject)
    rows: list[dict[str, Any]] = []
    proposals: set[uuid.UUID] = set()
    for e in entries:
        holder = await award_store.holder(conn, e["identity_key"])
        if await award_store.held(conn, year=e["year"], form_code=e["form_code"], holder_id=holder):
            raise Conflict(f"{e['name']} already holds {e['form_name']} for {e['year']}", field="nominee_ids",
                           slug="already-awarded")
        n = await nominee_store.set_state(conn, e["id"], State.awarded.value)
        proposals.add(n["proposal_id"])
        rows.append({"decision_id": decision_id, "nominee_id": e["id"], "holder_id": holder, "year": e["year"],
                     "form_code": e["form_code"], "form_name": e["form_name"], "kind": e["kind"], "name": e["name"],
                     "name_search": rules.search_text(e["name"]), "position": e["position"], "unit": e["unit"],
                     "province_code": e["province_code"], "province_name": e["province_name"],
                     "cluster_code": e["cluster_code"], "decision_number": d["number"],
                     "decision_date": d["signed_on"], "organiser": d["organiser"]})
    await award_store.insert(conn, rows)
    leads: set[str] = set()
    for proposal_id in proposals:
        p = await _proposal(conn, proposal_id, lock=True)
        await _follow(conn, p)
        if p["lead_code"]:
            leads.add(p["lead_code"])
    awarded = Counter(e["province_code"] for e in entries)
    kinds = Counter(e["kind"] for e in entries)
    await events.publish(conn, events.DECIDED, aggregate_id=decision_id, payload={
        "decision_id": str(decision_id), "number": d["number"], "signed_on": d["signed_on"].isoformat(),
        "year": d["year"], "summary": d["summary"], "provinces": sorted(awarded), "leads": sorted(leads),
        "clusters": sorted({e["cluster_code"] for e in entries}),
        "awarded": dict(sorted(awarded.items())), "collectives": kinds["collective"],
        "individuals": kinds["individual"]})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="decision.issue", target=f"decision:{decision_id}",
                       details={"number": d["number"], "awards": len(entries)})
    return await decision_out(conn, d)


async def get_decision(conn: asyncpg.Connection, *, actor: Principal | None, decision_id: uuid.UUID) -> dict[str, Any]:
    """An issued decision is public (it is what the register cites); a draft is read by its
    organiser's office and the ministry. Anyone else signed in gets 403, as on every other route of
    another organiser's; the public, which may not even learn that a draft exists, 404."""
    d = await _decision(conn, decision_id)
    if d["state"] != "issued" and (actor is None or not policy.is_staff(actor, d["organiser"])):
        if actor is None:
            raise NotFound(f"no decision {decision_id}", field="decision_id")
        raise Forbidden(f"decision {decision_id} is a draft of {d['organiser']}: its office and the ministry read it",
                        field="decision_id", slug="other-organiser")
    return await decision_out(conn, d)


async def list_decisions(conn: asyncpg.Connection, *, actor: Principal | None, year: int | None, state: str | None,
                         after: tuple[datetime, uuid.UUID] | None, limit: int,
                         organiser: str | None = None) -> list[dict[str, Any]]:
    """Issued decisions are public; drafts are read by the ministry (every organiser's), services and
    their own organiser's office."""
    every_draft = actor is not None and policy.is_staff(actor)
    drafts_of = actor.staff_of if actor is not None else None
    if not every_draft and drafts_of is None:
        if state == "draft":
            return []
        state = "issued"
    return [{**dict(d), "bases": list(d["bases"]), "entries": None}
            for d in await decision_store.page(conn, year=year, state=state, after=after, limit=limit,
                                               organiser=organiser, drafts_of=drafts_of, every_draft=every_draft)]
