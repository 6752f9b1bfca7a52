"""Award forms, proposals and their nominees (the proposing province's side)."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import asyncpg

from services.nominations import organisers
from services.nominations.commendations import events
from services.nominations.commendations.domain import policy, rules
from services.nominations.commendations.domain.rules import Limits, RuleError
from services.nominations.commendations.domain.states import (
    EDITABLE,
    State,
)
from services.nominations.commendations.service.access import (
    SCHEMA,
    NomineeData,
    _follow,
    _form,
    _nominee,
    _proposal,
    _refresh_list,
    _require_editable,
    _require_ministry,
    _require_owner,
    _require_read,
    _rule,
    _transition,
    nominee_out,
    proposal_out,
    reads_personal,
)
from services.nominations.commendations.store import attachments as attachment_store
from services.nominations.commendations.store import form_versions as version_store
from services.nominations.commendations.store import forms as form_store
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.commendations.store import proposals as proposal_store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unavailable, Unprocessable

# ---------------------------------------------------------------- award forms

async def list_forms(conn: asyncpg.Connection, *, registry: RegistryClient | None = None,
                     organiser: str = "BNV", year: int | None = None) -> list[dict[str, Any]]:
    """An organiser's award forms (the ministry's by default) as configured now, or with ``year`` each
    as its version in force that year; a province's are provisioned from its level's defaults the
    first time they are asked for."""
    if registry is not None:
        await organisers.ensure_forms(conn, registry, organiser)
    if year is not None:
        await version_store.carry_current(conn, organiser=organiser, actor="system")
        rows = await version_store.in_force(conn, organiser=organiser, year=year)
        return sorted((dict(r) for r in rows), key=lambda f: (f["position"], f["code"]))
    return [dict(r) for r in await form_store.all_forms(conn, organiser)]


async def form_versions(conn: asyncpg.Connection, *, code: str) -> list[dict[str, Any]]:
    """Every version of a form, oldest first (404: no such form)."""
    if await form_store.get(conn, code) is None:
        raise NotFound(f"no award form {code}", field="code")
    await version_store.carry_current(conn, organiser=await form_store.organiser_of(conn, code) or "BNV",
                                      actor="system")
    return [dict(r) for r in await version_store.history(conn, code)]


async def put_form(conn: asyncpg.Connection, *, actor: Principal, code: str, values: dict[str, Any]) -> dict[str, Any]:
    """Add or change a form of the caller's organiser (its office; a form of another organiser: 403)."""
    if actor.staff_of is None:
        _require_ministry(actor, "configure award forms")
    existing = await form_store.organiser_of(conn, code)
    organiser = existing or actor.staff_of or "BNV"
    _require_ministry(actor, "configure award forms", organiser)
    values = dict(values)
    valid_from = values.pop("valid_from_year", None)
    values.pop("version", None)
    await version_store.carry_current(conn, organiser=organiser, actor=actor.subject)
    latest = await version_store.latest(conn, code)
    if latest is not None and valid_from is not None and valid_from < latest["valid_from_year"]:
        raise Conflict(f"{code} has a version from {latest['valid_from_year']}: a new one starts then or later",
                       field="valid_from_year")
    if values["round_award"] is not None:
        other = await form_store.for_round_award(conn, values["round_award"], organiser)
        if other is not None and other["code"] != code:
            raise Conflict(f"votes for {values['round_award']} already carry into {other['code']}",
                           field="round_award", slug="round-award-taken")
    row = await form_store.upsert(conn, code=code, values=values, organiser=organiser)
    if latest is None:  # a new form: from the year named, else for every year
        version = await version_store.insert(conn, code=code, version=1, valid_from_year=valid_from or 2000,
                                             organiser=organiser, values=values, actor=actor.subject)
    elif valid_from is None or valid_from == latest["valid_from_year"]:  # the latest version amended
        version = await version_store.amend(conn, code=code, version=latest["version"], values=values)
    else:  # a new version from its year; the years before keep theirs
        version = await version_store.insert(conn, code=code, version=latest["version"] + 1,
                                             valid_from_year=valid_from, organiser=organiser, values=values,
                                             actor=actor.subject)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="award_form.put", target=f"award_form:{code}",
                       details={**{k: v for k, v in values.items() if k != "individual_fields"},
                                "version": version["version"], "valid_from_year": version["valid_from_year"]})
    return {**dict(row), "version": version["version"], "valid_from_year": version["valid_from_year"]}


# ---------------------------------------------------------------- proposals

async def create_proposal(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                          cluster_code: str, year: int, form: str) -> dict[str, Any]:
    if not policy.may_draft(actor) or actor.unit is None:
        raise Forbidden("a province drafts its own proposals")
    form_row = await form_store.get(conn, form)
    if form_row is None:
        raise Unprocessable(f"no award form {form}", field="form")
    try:
        rules.check_form_open(_form(form_row))
    except RuleError as exc:
        raise _rule(exc) from None
    lst = await _refresh_list(conn, registry, cluster_code, year)
    if form_row["organiser"] != lst["organiser"]:
        raise Unprocessable(f"{form} is an award of {form_row['organiser']}; {cluster_code} proposes for the awards "
                            f"of {lst['organiser']}", field="form", slug="other-organiser")
    names: dict[str, str] = lst["unit_names"]
    if actor.unit not in names:
        raise Forbidden(f"province {actor.unit} is not a member of {cluster_code} in {year}")
    try:
        proposal_id = await proposal_store.insert(
            conn, cluster_code=cluster_code, year=year, province_code=actor.unit,
            province_name=names[actor.unit], form_code=form, created_by=actor.subject)
    except asyncpg.UniqueViolationError:
        raise Conflict(f"province {actor.unit} already has a {form} proposal in {cluster_code} for {year}",
                       field="form", slug="proposal-exists") from None
    await audit.record(conn, schema=SCHEMA, actor=actor, action="proposal.create", target=f"proposal:{proposal_id}",
                       details={"cluster_code": cluster_code, "year": year, "form": form})
    return await get_proposal(conn, actor=actor, proposal_id=proposal_id)


async def get_proposal(conn: asyncpg.Connection, *, actor: Principal, proposal_id: uuid.UUID,
                       registry: RegistryClient | None = None) -> dict[str, Any]:
    p = await _proposal(conn, proposal_id)
    await _require_read(actor, p, registry)
    return proposal_out(p, nominees=list(await nominee_store.of_proposals(conn, [p["id"]])),
                        attachments=list(await attachment_store.of_proposals(conn, [p["id"]])),
                        personal=reads_personal(actor, p))


async def list_proposals(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                         cluster: str | None, year: int | None, state: str | None, province: str | None,
                         after: tuple[datetime, uuid.UUID] | None, limit: int) -> list[dict[str, Any]]:
    led: list[tuple[str, int]] = []
    organiser = None
    if policy.may_list_all(actor):
        visible_to = None
    elif actor.staff_of is not None:  # an organiser's office: its own organiser's proposals
        visible_to, organiser = None, actor.staff_of
    elif policy.may_list_own(actor) and actor.unit:
        visible_to = actor.unit
        # Those it leads now: of the cluster-years it belongs to (or led), as the registry says today.
        near = [(c, y) for c, y in await proposal_store.lists_near(conn, actor.unit)
                if (cluster is None or c == cluster) and (year is None or y == year)]
        try:
            leads: list[str | None] = list(await asyncio.gather(*(registry.lead_of(c, y) for c, y in near)))
        except Unavailable:
            leads = [None] * len(near)  # the registry is away: its own proposals only, until it is back
        led = [cluster_year for cluster_year, lead in zip(near, leads) if lead == actor.unit]
    else:
        raise Forbidden("this account may not list proposals")
    rows = await proposal_store.page(conn, cluster=cluster, year=year, state=state, province=province,
                                     visible_to=visible_to, led=led, after=after, limit=limit, organiser=organiser)
    return [proposal_out(r) for r in rows]


def _check_nominee(form_row: Mapping[str, Any], data: NomineeData, today: date) -> None:
    try:
        rules.check_nominee(_form(form_row), kind=data.kind,  # type: ignore[arg-type]
                            birth_date=data.birth_date, fields=data.fields, today=today)
        rules.check_personal(kind=data.kind, leader_level=data.leader_level,  # type: ignore[arg-type]
                             direct_worker=data.direct_worker, ethnic_minority=data.ethnic_minority)
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
                                   summary=data.summary, identity_key=key, leader_level=data.leader_level,
                                   direct_worker=data.direct_worker, ethnic_minority=data.ethnic_minority)
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
                                     summary=data.summary, identity_key=key, leader_level=data.leader_level,
                                     direct_worker=data.direct_worker, ethnic_minority=data.ethnic_minority)
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
    lead = p["lead_code"] if p["lead_code"] != p["province_code"] else None
    # The lead learns a member's proposal waits for its review (its inbox links to the list).
    await events.publish(conn, events.SUBMITTED, aggregate_id=f"{p['cluster_code']}:{p['year']}", payload={
        "proposal_id": str(proposal_id), "cluster_code": p["cluster_code"], "cluster_name": p["cluster_name"],
        "year": p["year"], "form_code": p["form_code"], "form_name": p["form_name"],
        "province_code": p["province_code"], "province_name": p["province_name"], "lead_code": lead,
        "nominees": await nominee_store.count(conn, proposal_id)})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="proposal.submit", target=f"proposal:{proposal_id}")
    return await get_proposal(conn, actor=actor, proposal_id=proposal_id)
