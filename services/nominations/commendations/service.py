"""Commendation use cases. Each takes the request's connection (inside its transaction) and the caller.

Who may do what (anything else is 403 and changes nothing):
- a **province** drafts proposals for itself in a cluster-year it belongs to (the registry says),
  names its nominees, attaches files and submits; it edits only while draft or returned;
- the **lead** of the cluster-year (the registry's ``lead``, asked on every lead action) reads the
  cluster's submitted proposals, accepts or returns each nominee with a reason, and sends the list;
- the **ministry** reads everything, approves or rejects each sent nominee (the Government-flag cap
  holds), configures the award forms and drafts, edits and issues decisions.
Nominees' personal data (birth date, gender, summary, files) is read by the proposing province, its
lead and the ministry; the public register shows what an issued decision published.
"""
from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
from fastapi import Request

from services.nominations.commendations import events, export, printing
from services.nominations.commendations.domain import rules
from services.nominations.commendations.domain.files import FileRejected, sniff
from services.nominations.commendations.domain.rules import Form, Limits, RuleError
from services.nominations.commendations.domain.states import (
    EDITABLE,
    STATE_LABELS_VI,
    InvalidTransition,
    State,
    check_transition,
    path,
    proposal_state,
)
from services.nominations.commendations.store import attachments as attachment_store
from services.nominations.commendations.store import awards as award_store
from services.nominations.commendations.store import decisions as decision_store
from services.nominations.commendations.store import forms as form_store
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.commendations.store import proposals as proposal_store
from services.nominations.registry_client import RegistryClient
from services.nominations.settings import NominationsSettings
from services.nominations.voting.domain.rounds import (
    CapExceeded,
    check_government_flag_cap,
)
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "nominations"


@dataclass(frozen=True)
class NomineeData:
    kind: str
    name: str
    position: str | None
    unit: str | None
    birth_date: date | None
    gender: str | None
    fields: dict[str, str]
    summary: str


# ---------------------------------------------------------------- helpers

def _rule(exc: RuleError) -> Unprocessable:
    return Unprocessable(exc.message, field=exc.field, slug=exc.slug)


def _form(r: Mapping[str, Any]) -> Form:
    required = tuple(f["key"] for f in (r["individual_fields"] or []) if f.get("required"))
    return Form(code=r["code"], name=r["name"], recipients=r["recipients"], from_vote_only=r["from_vote_only"],
                capped=r["capped"], required_fields=required, active=r["active"])


def _transition(current: str, target: State, what: str) -> None:
    try:
        check_transition(current, target)
    except InvalidTransition:
        raise Conflict(f"the {what} is {current}: it cannot become {target.value}", slug="invalid-transition",
                       state=current) from None


def _require_ministry(actor: Principal, action: str) -> None:
    if not actor.is_ministry:
        raise Forbidden(f"only ministry staff may {action}")


def nominee_out(n: Mapping[str, Any]) -> dict[str, Any]:
    out = nominee_store.public(n)
    out["state_label"] = STATE_LABELS_VI[State(n["state"])]
    return out


def proposal_out(p: Mapping[str, Any], *, nominees: list[Any] | None = None,
                 attachments: list[Any] | None = None) -> dict[str, Any]:
    out = {k: p[k] for k in ("id", "cluster_code", "cluster_name", "year", "province_code", "province_name",
                             "form_code", "form_name", "origin", "round_id", "state", "lead_code", "created_by",
                             "created_at", "submitted_at", "sent_at")}
    out["state_label"] = STATE_LABELS_VI[State(p["state"])]
    out["nominees"] = None if nominees is None else [nominee_out(n) for n in nominees]
    out["attachments"] = None if attachments is None else [dict(a) for a in attachments]
    return out


async def _proposal(conn: asyncpg.Connection, proposal_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record:
    p = await proposal_store.get(conn, proposal_id, lock=lock)
    if p is None:
        raise NotFound(f"no proposal {proposal_id}", field="proposal_id")
    return p


async def _nominee(conn: asyncpg.Connection, nominee_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record:
    n = await nominee_store.get(conn, nominee_id, lock=lock)
    if n is None:
        raise NotFound(f"no nominee {nominee_id}", field="nominee_id")
    return n


def _is_lead(actor: Principal, p: Mapping[str, Any]) -> bool:
    return actor.role == "province" and actor.province is not None and actor.province == p["lead_code"]


def can_read(actor: Principal, p: Mapping[str, Any]) -> bool:
    """The proposing province, the cluster-year's lead (once submitted), the ministry and services."""
    if actor.is_ministry or actor.is_service:
        return True
    if actor.role != "province":
        return False
    return actor.province == p["province_code"] or (_is_lead(actor, p) and p["state"] != State.draft)


def _require_read(actor: Principal, p: Mapping[str, Any]) -> None:
    if not can_read(actor, p):
        raise Forbidden("a proposal is visible to its province, the lead of its cluster-year and the ministry")


def _require_owner(actor: Principal, p: Mapping[str, Any], action: str) -> None:
    if actor.role != "province" or actor.province != p["province_code"]:
        raise Forbidden(f"only province {p['province_code']} may {action} its proposal")
    if p["origin"] == "vote":
        raise Conflict("a proposal carried in by a flag vote is the vote's result: it is not edited",
                       slug="from-vote")


def _require_editable(p: Mapping[str, Any]) -> None:
    if State(p["state"]) not in EDITABLE:
        raise Conflict(f"the proposal is {p['state']}: it is edited only while draft or returned",
                       slug="proposal-not-editable", state=p["state"])


async def _refresh_list(conn: asyncpg.Connection, registry: RegistryClient, cluster_code: str,
                        year: int) -> asyncpg.Record:
    period = await registry.period(cluster_code, year)
    if period is None:
        raise Unprocessable(f"cluster {cluster_code} has no period {year} in the registry", field="cluster_code")
    lead = period.get("lead")
    return await proposal_store.upsert_list(
        conn, cluster_code=cluster_code, year=year, cluster_name=period["cluster_name"],
        lead_code=lead["code"] if lead else None,
        unit_names={m["code"]: m["name"] for m in period["members"]})


async def _require_lead(conn: asyncpg.Connection, actor: Principal, registry: RegistryClient, cluster_code: str,
                        year: int, action: str) -> asyncpg.Record:
    """The registry says who leads, now (a lead handed over mid-year reviews from then on)."""
    if actor.role != "province":
        raise Forbidden(f"only the lead of {cluster_code} in {year} may {action}")
    lst = await _refresh_list(conn, registry, cluster_code, year)
    if lst["lead_code"] != actor.province:
        who = f"province {lst['lead_code']}" if lst["lead_code"] else "nobody yet"
        raise Forbidden(f"only the lead of {cluster_code} in {year} ({who}) may {action}")
    return lst


async def _follow(conn: asyncpg.Connection, p: Mapping[str, Any]) -> str:
    """Move the proposal to the state its nominees put it in, through legal steps only."""
    target = proposal_state(p["state"], await nominee_store.states(conn, p["id"]))
    for step in path(p["state"], target):
        await proposal_store.set_state(conn, p["id"], step.value)
    return target.value


# ---------------------------------------------------------------- award forms

async def list_forms(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await form_store.all_forms(conn)]


async def put_form(conn: asyncpg.Connection, *, actor: Principal, code: str, values: dict[str, Any]) -> dict[str, Any]:
    _require_ministry(actor, "configure award forms")
    if values["round_award"] is not None:
        other = await form_store.for_round_award(conn, values["round_award"])
        if other is not None and other["code"] != code:
            raise Conflict(f"votes for {values['round_award']} already carry into {other['code']}",
                           field="round_award", slug="round-award-taken")
    row = await form_store.upsert(conn, code=code, values=values)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="award_form.put", target=f"award_form:{code}",
                       details={k: v for k, v in values.items() if k != "individual_fields"})
    return dict(row)


# ---------------------------------------------------------------- proposals

async def create_proposal(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                          cluster_code: str, year: int, form: str) -> dict[str, Any]:
    if actor.role != "province" or actor.province is None:
        raise Forbidden("a province drafts its own proposals")
    form_row = await form_store.get(conn, form)
    if form_row is None:
        raise Unprocessable(f"no award form {form}", field="form")
    try:
        rules.check_form_open(_form(form_row))
    except RuleError as exc:
        raise _rule(exc) from None
    lst = await _refresh_list(conn, registry, cluster_code, year)
    names: dict[str, str] = lst["unit_names"]
    if actor.province not in names:
        raise Forbidden(f"province {actor.province} is not a member of {cluster_code} in {year}")
    try:
        proposal_id = await proposal_store.insert(
            conn, cluster_code=cluster_code, year=year, province_code=actor.province,
            province_name=names[actor.province], form_code=form, created_by=actor.subject)
    except asyncpg.UniqueViolationError:
        raise Conflict(f"province {actor.province} already has a {form} proposal in {cluster_code} for {year}",
                       field="form", slug="proposal-exists") from None
    await audit.record(conn, schema=SCHEMA, actor=actor, action="proposal.create", target=f"proposal:{proposal_id}",
                       details={"cluster_code": cluster_code, "year": year, "form": form})
    return await get_proposal(conn, actor=actor, proposal_id=proposal_id)


async def get_proposal(conn: asyncpg.Connection, *, actor: Principal, proposal_id: uuid.UUID) -> dict[str, Any]:
    p = await _proposal(conn, proposal_id)
    _require_read(actor, p)
    return proposal_out(p, nominees=list(await nominee_store.of_proposals(conn, [p["id"]])),
                        attachments=list(await attachment_store.of_proposals(conn, [p["id"]])))


async def list_proposals(conn: asyncpg.Connection, *, actor: Principal, cluster: str | None, year: int | None,
                         state: str | None, province: str | None, after: tuple[datetime, uuid.UUID] | None,
                         limit: int) -> list[dict[str, Any]]:
    if actor.is_ministry or actor.is_service:
        visible_to = None
    elif actor.role == "province" and actor.province:
        visible_to = actor.province
    else:
        raise Forbidden("this account may not list proposals")
    rows = await proposal_store.page(conn, cluster=cluster, year=year, state=state, province=province,
                                     visible_to=visible_to, after=after, limit=limit)
    return [proposal_out(r) for r in rows]


def _check_nominee(form_row: Mapping[str, Any], data: NomineeData, today: date) -> None:
    try:
        rules.check_nominee(_form(form_row), kind=data.kind,  # type: ignore[arg-type]
                            birth_date=data.birth_date, fields=data.fields, today=today)
    except RuleError as exc:
        raise _rule(exc) from None
    if data.kind == "individual" and not data.position:
        raise Unprocessable("an individual needs a position (chức vụ)", field="position")


def _identity(p: Mapping[str, Any], data: NomineeData) -> str:
    return rules.identity_key(kind=data.kind, name=data.name, province_code=p["province_code"],  # type: ignore[arg-type]
                              birth_date=data.birth_date)


async def _require_free(conn: asyncpg.Connection, p: Mapping[str, Any], key: str, name: str,
                        other_than: uuid.UUID | None = None) -> None:
    if await nominee_store.taken(conn, year=p["year"], form_code=p["form_code"], identity_key=key,
                                 other_than=other_than):
        raise Conflict(f"{name} is already proposed for {p['form_name']} in {p['year']}: the same nominee "
                       "receives a form once a year", field="name", slug="already-proposed")


async def add_nominee(conn: asyncpg.Connection, *, actor: Principal, proposal_id: uuid.UUID, data: NomineeData,
                      limits: Limits, today: date) -> dict[str, Any]:
    p = await _proposal(conn, proposal_id, lock=True)
    _require_owner(actor, p, "add nominees to")
    _require_editable(p)
    form_row = await form_store.get(conn, p["form_code"])
    assert form_row is not None
    _check_nominee(form_row, data, today)
    try:
        rules.check_room(what="nominees", have=await nominee_store.count(conn, proposal_id), limits=limits)
    except RuleError as exc:
        raise _rule(exc) from None
    key = _identity(p, data)
    await _require_free(conn, p, key, data.name)
    n = await nominee_store.insert(conn, proposal_id=proposal_id, year=p["year"], form_code=p["form_code"],
                                   kind=data.kind, name=data.name, position=data.position, unit=data.unit,
                                   birth_date=data.birth_date, gender=data.gender, fields=data.fields,
                                   summary=data.summary, identity_key=key)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="nominee.add", target=f"nominee:{n['id']}",
                       details={"proposal_id": str(proposal_id), "kind": data.kind})
    return nominee_out(n)


async def update_nominee(conn: asyncpg.Connection, *, actor: Principal, nominee_id: uuid.UUID, data: NomineeData,
                         today: date) -> dict[str, Any]:
    n = await _nominee(conn, nominee_id, lock=True)
    p = await _proposal(conn, n["proposal_id"], lock=True)
    _require_owner(actor, p, "edit nominees of")
    _require_editable(p)
    if State(n["state"]) not in EDITABLE:
        raise Conflict(f"the nominee is {n['state']}: only a draft or returned nominee is edited",
                       slug="nominee-not-editable", state=n["state"])
    if data.kind != n["kind"]:
        raise Unprocessable("a nominee's kind never changes: withdraw it and add a new one", field="kind")
    form_row = await form_store.get(conn, p["form_code"])
    assert form_row is not None
    _check_nominee(form_row, data, today)
    key = _identity(p, data)
    await _require_free(conn, p, key, data.name, other_than=nominee_id)
    row = await nominee_store.update(conn, nominee_id, name=data.name, position=data.position, unit=data.unit,
                                     birth_date=data.birth_date, gender=data.gender, fields=data.fields,
                                     summary=data.summary, identity_key=key)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="nominee.update", target=f"nominee:{nominee_id}")
    return nominee_out(row)


async def withdraw_nominee(conn: asyncpg.Connection, *, actor: Principal, nominee_id: uuid.UUID) -> dict[str, Any]:
    n = await _nominee(conn, nominee_id, lock=True)
    p = await _proposal(conn, n["proposal_id"], lock=True)
    _require_owner(actor, p, "withdraw nominees from")
    _require_editable(p)
    if State(n["state"]) not in EDITABLE:
        raise Conflict(f"the nominee is {n['state']}: only a draft or returned nominee is withdrawn",
                       slug="nominee-not-editable", state=n["state"])
    await nominee_store.delete(conn, nominee_id)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="nominee.withdraw", target=f"nominee:{nominee_id}",
                       details={"proposal_id": str(p["id"]), "name": n["name"]})
    return {"id": str(nominee_id), "withdrawn": True}


async def submit_proposal(conn: asyncpg.Connection, *, actor: Principal, proposal_id: uuid.UUID) -> dict[str, Any]:
    p = await _proposal(conn, proposal_id, lock=True)
    _require_owner(actor, p, "submit")
    _transition(p["state"], State.submitted, "proposal")
    if await nominee_store.count(conn, proposal_id) == 0:
        raise Unprocessable("a proposal names at least one nominee", field="nominees")
    await nominee_store.move_all(conn, proposal_id, from_states=["draft", "returned"], to="submitted")
    await proposal_store.set_state(conn, proposal_id, State.submitted.value)
    # Nominees the lead already accepted stay accepted: with nothing left to review it is accepted.
    await _follow(conn, await _proposal(conn, proposal_id))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="proposal.submit", target=f"proposal:{proposal_id}")
    return await get_proposal(conn, actor=actor, proposal_id=proposal_id)


# ---------------------------------------------------------------- attachments

async def add_attachment(conn: asyncpg.Connection, *, actor: Principal, proposal_id: uuid.UUID,
                         nominee_id: uuid.UUID | None, filename: str, content: bytes,
                         limits: Limits) -> dict[str, Any]:
    p = await _proposal(conn, proposal_id, lock=True)
    _require_owner(actor, p, "attach files to")
    _require_editable(p)
    if nominee_id is not None:
        n = await nominee_store.get(conn, nominee_id)
        if n is None or n["proposal_id"] != proposal_id:
            raise Unprocessable(f"nominee {nominee_id} is not in this proposal", field="nominee_id")
    try:
        rules.check_size(len(content), limits)
        rules.check_room(what="attachments", have=await attachment_store.count(conn, proposal_id), limits=limits)
        kind = sniff(content, filename)
    except RuleError as exc:
        raise _rule(exc) from None
    except FileRejected as exc:
        raise Unprocessable(str(exc), field="body", slug="file-type-refused") from None
    digest = hashlib.sha256(content).hexdigest()
    row = await attachment_store.insert(conn, proposal_id=proposal_id, nominee_id=nominee_id, filename=filename,
                                        content_type=kind.content_type, sha256=digest, content=content,
                                        created_by=actor.subject)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="attachment.add", target=f"attachment:{row['id']}",
                       details={"proposal_id": str(proposal_id), "filename": filename, "sha256": digest,
                                "size_bytes": len(content)})
    return dict(row)


async def attachment_meta(conn: asyncpg.Connection, *, actor: Principal, attachment_id: uuid.UUID) -> asyncpg.Record:
    a = await attachment_store.meta(conn, attachment_id)
    if a is None:
        raise NotFound(f"no attachment {attachment_id}", field="attachment_id")
    _require_read(actor, await _proposal(conn, a["proposal_id"]))
    return a


async def delete_attachment(conn: asyncpg.Connection, *, actor: Principal, attachment_id: uuid.UUID) -> dict[str, Any]:
    a = await attachment_store.meta(conn, attachment_id)
    if a is None:
        raise NotFound(f"no attachment {attachment_id}", field="attachment_id")
    p = await _proposal(conn, a["proposal_id"], lock=True)
    _require_owner(actor, p, "remove files from")
    _require_editable(p)
    await attachment_store.delete(conn, attachment_id)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="attachment.delete",
                       target=f"attachment:{attachment_id}", details={"sha256": a["sha256"]})
    return {"id": str(attachment_id), "deleted": True}


# ---------------------------------------------------------------- the lead's review

async def cluster_list(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient, cluster_code: str,
                       year: int) -> dict[str, Any]:
    if actor.is_ministry or actor.is_service:
        lst = await proposal_store.get_list(conn, cluster_code, year)
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
            "lead_code": lst["lead_code"], "sent_count": lst["sent_count"], "last_sent_at": lst["last_sent_at"],
            "proposals": [proposal_out(p, nominees=nominees[p["id"]], attachments=files[p["id"]]) for p in proposals]}


async def _lead_review(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                       nominee_id: uuid.UUID, target: State, reason: str | None) -> dict[str, Any]:
    n = await _nominee(conn, nominee_id, lock=True)
    p = await _proposal(conn, n["proposal_id"], lock=True)
    verb = "accept" if target == State.accepted else "return"
    await _require_lead(conn, actor, registry, p["cluster_code"], p["year"], f"{verb} nominees")
    _transition(n["state"], target, "nominee")
    row = await nominee_store.set_state(conn, nominee_id, target.value, by=actor.subject, return_reason=reason)
    proposal_state_now = await _follow(conn, await _proposal(conn, p["id"]))
    if target == State.returned:
        await events.publish(conn, events.RETURNED, aggregate_id=p["id"], payload={
            "proposal_id": str(p["id"]), "nominee_id": str(nominee_id), "nominee_name": n["name"],
            "cluster_code": p["cluster_code"], "cluster_name": p["cluster_name"], "year": p["year"],
            "form_code": p["form_code"], "form_name": p["form_name"], "province_code": p["province_code"],
            "lead_code": actor.province, "reason": reason})
    await audit.record(conn, schema=SCHEMA, actor=actor, action=f"nominee.{verb}", target=f"nominee:{nominee_id}",
                       details={"reason": reason, "proposal_state": proposal_state_now})
    return nominee_out(row)


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
        "cluster_code": cluster_code, "cluster_name": lst["cluster_name"], "year": year, "lead_code": actor.province,
        "provinces": provinces, "proposals": [str(i) for i in ids], "nominees": count})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="list.send", target=f"list:{cluster_code}:{year}",
                       details={"proposals": [str(i) for i in ids], "nominees": count})
    return {"cluster_code": cluster_code, "year": year, "proposals": ids, "nominees": count, "provinces": provinces}


# ---------------------------------------------------------------- a flag vote carries its units in

async def carry_approved_round(conn: asyncpg.Connection, *, actor: Principal,
                               round_row: Mapping[str, Any]) -> list[uuid.UUID]:
    """Called in the transaction that approves a vote round: each unit it proposed enters the
    cluster-year's list as an accepted proposal of the form configured for the round's award (the
    vote was the cluster's acceptance), ready for the lead to send. Nothing happens when no form
    takes that award; a unit already proposed for that form and year is left as it is."""
    form_row = await form_store.for_round_award(conn, round_row["award"])
    if form_row is None:
        return []
    cluster, year = round_row["cluster_code"], round_row["year"]
    names: dict[str, str] = dict(round_row["unit_names"] or {})
    lst = await proposal_store.get_list(conn, cluster, year)
    if lst is None:
        await proposal_store.upsert_list(conn, cluster_code=cluster, year=year,
                                         cluster_name=round_row["cluster_name"], lead_code=round_row["lead_code"],
                                         unit_names=names)
    carried: list[uuid.UUID] = []
    for code in round_row["result"]["proposed"]:
        province_name = names.get(code, code)
        name = rules.collective_name_of_province(province_name)
        key = rules.identity_key(kind="collective", name=name, province_code=code, birth_date=None)
        if await nominee_store.taken(conn, year=year, form_code=form_row["code"], identity_key=key):
            continue
        if await proposal_store.find_by_round(conn, round_row["id"], code) is not None:
            continue
        proposal_id = await proposal_store.insert(
            conn, cluster_code=cluster, year=year, province_code=code, province_name=province_name,
            form_code=form_row["code"], created_by=actor.subject, origin="vote", round_id=round_row["id"],
            state="accepted")
        summary = (f"Được {round_row['cluster_name']} suy tôn {form_row['name']} năm {year} "
                   f"(vòng bỏ phiếu {round_row['id']}, Bộ Nội vụ đã phê duyệt).")
        await nominee_store.insert(conn, proposal_id=proposal_id, year=year, form_code=form_row["code"],
                                   kind="collective", name=name, position=None, unit=None, birth_date=None,
                                   gender=None, fields={}, summary=summary, identity_key=key, state="accepted")
        carried.append(proposal_id)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="proposal.carry_from_vote",
                           target=f"proposal:{proposal_id}",
                           details={"round_id": str(round_row["id"]), "province_code": code,
                                    "form": form_row["code"]})
    return carried


# ---------------------------------------------------------------- the ministry's review

async def review_queue(conn: asyncpg.Connection, *, actor: Principal, year: int | None, state: str,
                       cluster: str | None, after: tuple[datetime, uuid.UUID] | None,
                       limit: int) -> list[dict[str, Any]]:
    _require_ministry(actor, "read the review queue")
    rows = await nominee_store.review_queue(conn, year=year, state=state, cluster=cluster, after=after, limit=limit)
    return [{**nominee_out(r), **{k: r[k] for k in ("cluster_code", "province_code", "province_name", "form_name",
                                                    "origin", "sent_at")}} for r in rows]


def _cap_lock_key(year: int) -> int:
    return int.from_bytes(hashlib.sha256(f"thidua-commendation-cap:{year}".encode()).digest()[:8], "big",
                          signed=True)


async def _ministry_review(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                           nominee_id: uuid.UUID, target: State, reason: str | None,
                           cap_share: Any) -> dict[str, Any]:
    _require_ministry(actor, "review nominees")
    n = await _nominee(conn, nominee_id, lock=True)
    _transition(n["state"], target, "nominee")
    p = await _proposal(conn, n["proposal_id"], lock=True)
    if target == State.approved:
        form_row = await form_store.get(conn, n["form_code"])
        if form_row is not None and form_row["capped"]:
            active = await registry.active_cluster_count(n["year"])
            # Serialised per year, counted after the lock: two approvals cannot both slip under the cap.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _cap_lock_key(n["year"]))
            so_far = await nominee_store.counted_for_cap(conn, year=n["year"])
            try:
                check_government_flag_cap(approved_so_far=so_far, proposing=1, active_clusters=active,
                                          share=cap_share)
            except CapExceeded as exc:
                raise Conflict(str(exc), slug="government-flag-cap", cap=exc.cap,
                               approved_so_far=exc.approved_so_far, proposing=exc.proposing,
                               active_clusters=active) from None
    row = await nominee_store.set_state(conn, nominee_id, target.value, by=actor.subject, reject_reason=reason)
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
                         nominee_ids: list[uuid.UUID]) -> None:
    if len(set(nominee_ids)) != len(nominee_ids):
        raise Unprocessable("a nominee is listed once", field="nominee_ids")
    for i, nominee_id in enumerate(nominee_ids):
        n = await nominee_store.get(conn, nominee_id)
        if n is None:
            raise Unprocessable(f"no nominee {nominee_id}", field=f"nominee_ids.{i}")
        if n["state"] != State.approved:
            raise Unprocessable(f"{n['name']} is {n['state']}: a decision lists nominees the ministry approved",
                                field=f"nominee_ids.{i}", slug="nominee-not-approved")
        if n["year"] != year:
            raise Unprocessable(f"{n['name']} is proposed for {n['year']}, the decision is for {year}",
                                field=f"nominee_ids.{i}")
    clashes = await decision_store.entry_conflicts(conn, decision_id, nominee_ids)
    if clashes:
        raise Conflict(f"already listed by decision {clashes[0]['number']}", field="nominee_ids",
                       slug="already-in-a-decision")


def _number(number: str) -> str:
    try:
        return rules.check_decision_number(number)
    except RuleError as exc:
        raise _rule(exc) from None


async def create_decision(conn: asyncpg.Connection, *, actor: Principal, values: dict[str, Any],
                          default_bases: list[str]) -> dict[str, Any]:
    _require_ministry(actor, "draft decisions")
    number = _number(values["number"])
    if await decision_store.number_taken(conn, number, None):
        raise Conflict(f"decision {number} already exists", field="number", slug="number-taken")
    d = await decision_store.insert(conn, number=number, year=values["year"], summary=values["summary"],
                                    signed_on=values["signed_on"], signer_name=values["signer_name"],
                                    signer_title=values["signer_title"],
                                    bases=values["bases"] if values["bases"] is not None else default_bases,
                                    created_by=actor.subject)
    await _check_entries(conn, d["id"], values["year"], values["nominee_ids"])
    await decision_store.set_entries(conn, d["id"], values["nominee_ids"])
    await audit.record(conn, schema=SCHEMA, actor=actor, action="decision.create", target=f"decision:{d['id']}",
                       details={"number": number, "nominees": len(values["nominee_ids"])})
    return await decision_out(conn, d)


async def update_decision(conn: asyncpg.Connection, *, actor: Principal, decision_id: uuid.UUID,
                          values: dict[str, Any], default_bases: list[str]) -> dict[str, Any]:
    _require_ministry(actor, "edit decisions")
    d = await _decision(conn, decision_id, lock=True)
    if d["state"] != "draft":
        raise Conflict(f"decision {d['number']} is issued: it is frozen", slug="decision-issued")
    number = _number(values["number"])
    if await decision_store.number_taken(conn, number, decision_id):
        raise Conflict(f"decision {number} already exists", field="number", slug="number-taken")
    await _check_entries(conn, decision_id, values["year"], values["nominee_ids"])
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
    _require_ministry(actor, "issue decisions")
    d = await _decision(conn, decision_id, lock=True)
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
                     "decision_date": d["signed_on"]})
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
    """An issued decision is public (it is what the register cites); a draft is the ministry's."""
    d = await _decision(conn, decision_id)
    if d["state"] != "issued" and (actor is None or not (actor.is_ministry or actor.is_service)):
        raise NotFound(f"no decision {decision_id}", field="decision_id")
    return await decision_out(conn, d)


async def list_decisions(conn: asyncpg.Connection, *, actor: Principal | None, year: int | None, state: str | None,
                         after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[dict[str, Any]]:
    if actor is None or not (actor.is_ministry or actor.is_service):
        if state == "draft":
            return []
        state = "issued"
    return [{**dict(d), "bases": list(d["bases"]), "entries": None}
            for d in await decision_store.page(conn, year=year, state=state, after=after, limit=limit)]


# ---------------------------------------------------------------- the register

async def search_awards(conn: asyncpg.Connection, *, q: str | None, year: int | None, province: str | None,
                        form: str | None, kind: str | None, after: int | None, limit: int) -> list[dict[str, Any]]:
    text = rules.search_text(q) if q else None
    return [dict(r) for r in await award_store.search(conn, q=text or None, year=year, province=province, form=form,
                                                      kind=kind, after=after, limit=limit)]


async def holder_awards(conn: asyncpg.Connection, *, holder_id: uuid.UUID) -> dict[str, Any]:
    rows = await award_store.of_holder(conn, holder_id)
    if not rows:
        raise NotFound(f"no awards for {holder_id}", field="holder_id")
    latest = rows[-1]
    return {"holder_id": holder_id, "name": latest["name"], "kind": latest["kind"], "awards": [dict(r) for r in rows]}


# ---------------------------------------------------------------- what the routes need around the use cases

XLSX = export.XLSX


def settings_of(request: Request) -> NominationsSettings:
    settings: NominationsSettings = request.app.state.settings
    return settings


def registry_of(request: Request) -> RegistryClient:
    return RegistryClient.from_settings(settings_of(request))


def attachment_chunks(*, pool: asyncpg.Pool, attachment_id: uuid.UUID, size: int) -> AsyncIterator[bytes]:
    """A file's bytes in slices, each read on a short connection (a slow download holds none)."""
    return attachment_store.chunks(pool, attachment_id, size)


def decision_html(*, decision: dict[str, Any], settings: NominationsSettings) -> str:
    return printing.html(printing.document(decision, settings=settings))


def decision_pdf(*, decision: dict[str, Any], settings: NominationsSettings) -> bytes:
    return printing.pdf(printing.document(decision, settings=settings), fonts=settings.pdf_fonts)


def awards_workbook(*, items: list[dict[str, Any]]) -> bytes:
    return export.workbook(items)
