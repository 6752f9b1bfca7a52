"""The minutes of the conference (biên bản hội nghị): attendance and quorum, each vote with its
figures, the election, the motions, the covenant's adoption and signatures, the hand-over; frozen
once the chair and the secretary have both confirmed them (after the adjournment).

The votes are read through ``voting.conference_votes`` (their figures as the rounds publish them:
a vote that missed its quorum shows how many voted, never what) and the signatures through
``scoring.covenant_signatures``: the two reads this context makes of others, for this document.
"""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import asyncpg

from services.nominations.conferences import minutes as document
from services.nominations.conferences.domain.states import ConferenceState
from services.nominations.conferences.service.conferences import (
    SCHEMA,
    attendance,
    conference_for,
    member_names,
    readable_conference,
    require_secretary,
    share_of,
)
from services.nominations.conferences.store import conferences as conference_store
from services.nominations.conferences.store import hand_overs as hand_over_store
from services.nominations.conferences.store import minutes as store
from services.nominations.conferences.store import rounds as round_links
from services.nominations.registry_client import RegistryClient
from services.nominations.settings import NominationsSettings
from services.nominations.settings import Settings as Settings
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Unavailable
from shared.vietnam import VIETNAM

ROLES = ("chair", "secretary")


def render_html(found: dict[str, Any]) -> str:
    return document.html(document.build(found))


def render_pdf(found: dict[str, Any], *, settings: NominationsSettings) -> bytes:
    return document.pdf(document.build(found), fonts=settings.pdf_fonts)


def _jsonable(value: Any) -> Any:
    """The minutes as JSON (what is frozen is what was answered): instants in Vietnam time."""
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            return o.astimezone(VIETNAM).isoformat()
        if isinstance(o, date):
            return o.isoformat()
        if isinstance(o, uuid.UUID):
            return str(o)
        raise TypeError(f"{type(o).__name__} is not JSON")

    return json.loads(json.dumps(value, default=default))


async def minutes(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                  conference_id: uuid.UUID) -> dict[str, Any]:
    row = await readable_conference(conn, actor=actor, conference_id=conference_id)
    stored = await store.get(conn, conference_id)
    if stored is not None and stored["content"] is not None:
        content: dict[str, Any] = stored["content"]
        return content
    return _jsonable(await _build(conn, row, registry=registry, stored=stored))


async def confirm(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, conference_id: uuid.UUID,
                  role: str) -> dict[str, Any]:
    """The chair's or the secretary's confirmation, given at the secretary's desk once the conference is
    adjourned; the second one freezes the minutes. A repeat answers the minutes as they are."""
    row = await conference_for(conn, conference_id, lock=True)
    await require_secretary(actor, row, "confirm the minutes", registry)
    if ConferenceState(row["state"]) is not ConferenceState.adjourned:
        raise Conflict("the minutes are confirmed once the conference is adjourned", slug="minutes-not-ready",
                       state=row["state"])
    stored = await store.get(conn, conference_id, lock=True)
    if stored is not None and stored[f"{role}_confirmed_at"] is not None:
        return await minutes(conn, actor=actor, registry=registry, conference_id=conference_id)
    other = "secretary" if role == "chair" else "chair"
    content = None
    if stored is not None and stored[f"{other}_confirmed_at"] is not None:
        now = await conn.fetchval("SELECT now()")
        confirmed = {**dict(stored), f"{role}_confirmed_at": now, f"{role}_confirmed_by": actor.subject,
                     "frozen_at": now}
        content = _jsonable(await _build(conn, row, registry=registry, stored=confirmed))
    await store.confirm(conn, conference_id, role=role, by=actor.subject, first=stored is None, content=content)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="conference.minutes.confirm",
                       target=f"conference:{conference_id}", details={"as": role, "frozen": content is not None})
    return await minutes(conn, actor=actor, registry=registry, conference_id=conference_id)


async def _build(conn: asyncpg.Connection, row: asyncpg.Record, *, registry: RegistryClient,
                 stored: Any) -> dict[str, Any]:
    from services.nominations import scoring, voting  # the minutes' two reads of other contexts

    names = member_names(row)
    seen = await attendance(conn, row)
    share = share_of(row)
    people = await conference_store.attendees(conn, row["id"])
    voters = {p["unit_code"]: p for p in people if p["kind"] == "delegate" and p["votes"]}
    units = []
    for code, name in names.items():
        delegate = voters.get(code)
        units.append({"code": code, "name": name, "present": code in seen.present_units,
                      "delegate": None if delegate is None else {
                          "name": delegate["name"], "position": delegate["position"],
                          "checked_in_at": delegate["checked_in_at"], "check_in_method": delegate["check_in_method"]}})
    others = [{"kind": p["kind"], "unit": p["unit_name"], "organisation": p["organisation"], "name": p["name"],
               "position": p["position"], "checked_in_at": p["checked_in_at"]}
              for p in people if not (p["kind"] == "delegate" and p["votes"])]
    votes = await voting.conference_votes(conn, await round_links.rounds_of(conn, row["id"]))
    election: dict[str, Any] = {"year": row["year"] + 1, "lead": None, "deputy": None}
    for vote in votes:
        if vote["kind"] == "election" and vote["state"] == "certified" and vote["elected"] is not None:
            election[vote["post"]] = {**vote["elected"], "round_id": vote["round_id"]}
    motions = [v for v in votes if v["kind"] == "motion"]
    covenant_motion = next((m for m in reversed(motions) if m["subject"] == "covenant"), None)
    try:
        period = await registry.period(row["cluster_code"], row["year"] + 1)
    except Unavailable:
        period = None
    signed = await scoring.covenant_signatures(conn, period=period) if period is not None else None
    handed = await hand_over_store.of(conn, row["id"])
    confirmation = {f"{r}_{k}": (stored[f"{r}_{k}"] if stored is not None else None)
                    for r in ROLES for k in ("confirmed_at", "confirmed_by")}
    frozen_at = stored["frozen_at"] if stored is not None else None
    return {
        "conference_id": row["id"], "cluster": {"code": row["cluster_code"], "name": row["cluster_name"]},
        "organiser": row["organiser"], "year": row["year"], "held_on": row["held_on"], "place": row["place"],
        "host": {"code": row["host_code"], "name": row["host_name"]},
        "chair": {"name": row["chair_name"], "position": row["chair_position"]},
        "secretary": {"name": row["secretary_name"], "position": row["secretary_position"]},
        "agenda": row["agenda"], "state": row["state"], "opened_at": row["opened_at"],
        "adjourned_at": row["adjourned_at"],
        "attendance": {"member_units": units, "members": len(names), "present": len(seen.present_units),
                       "quorum": f"{share.numerator}/{share.denominator}", "quorum_needed": seen.needed,
                       "quorum_met": seen.quorum_met, "others": others},
        "votes": votes, "election": election,
        "motions": [{"round_id": m["round_id"], "title": m["title"], "subject": m["subject"], "state": m["state"],
                     "rule": m["rule"], "yes": m["yes"], "no": m["no"], "abstain": m["abstain"],
                     "adopted": m["adopted"]} for m in motions],
        "covenant": {"year": row["year"] + 1,
                     "adopted_by": None if covenant_motion is None else {
                         "round_id": covenant_motion["round_id"], "title": covenant_motion["title"],
                         "adopted": covenant_motion["adopted"], "state": covenant_motion["state"]},
                     "version": signed["version"] if signed else None,
                     "signatures": signed["signatures"] if signed else [],
                     "not_signed": signed["not_signed"] if signed else [],
                     "in_force": signed["in_force"] if signed else False},
        "hand_over": None if handed is None else {
            "from": {"code": handed["from_code"], "name": names.get(handed["from_code"], handed["from_code"])},
            "to": {"code": handed["to_code"], "name": names.get(handed["to_code"], handed["to_code"])},
            "handed_at": handed["handed_at"]},
        "confirmation": {**confirmation, "frozen_at": frozen_at}, "frozen": frozen_at is not None,
        "timezone": "Asia/Ho_Chi_Minh",
    }
