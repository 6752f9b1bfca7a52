"""What the commendation use cases share: loading proposals and nominees, asking the policy,
and the answers' shape."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from services.nominations.commendations.domain import policy
from services.nominations.commendations.domain.rules import Form, RuleError
from services.nominations.commendations.domain.states import (
    EDITABLE,
    STATE_LABELS_VI,
    InvalidTransition,
    State,
    check_transition,
    path,
    proposal_state,
)
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.commendations.store import proposals as proposal_store
from services.nominations.registry_client import RegistryClient
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unavailable, Unprocessable

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
    # What the statistics forms count (migration 130); None: not stated.
    leader_level: str | None = None
    direct_worker: bool | None = None
    ethnic_minority: bool | None = None


# What the statistics forms count of a person: the proposing unit's, its organiser's and the ministry's.
PERSONAL = ("gender", "leader_level", "direct_worker", "ethnic_minority")


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


def _require_ministry(actor: Principal, action: str, organiser: str = "BNV") -> None:
    """The organiser's emulation office (ministry staff for the ministry's), never another's."""
    if not policy.may_manage(actor, organiser):
        who = "ministry staff" if organiser == "BNV" else f"the emulation office of {organiser}"
        raise Forbidden(f"only {who} may {action}", slug="other-organiser" if actor.staff_of else None)


def nominee_out(n: Mapping[str, Any], *, personal: bool = True) -> dict[str, Any]:
    """A nominee as the API answers it; without ``personal`` (a reader who is not the proposing unit,
    its organiser's office or the ministry: the cluster's lead) the statistics fields are null."""
    out = nominee_store.public(n)
    if not personal:
        out.update(dict.fromkeys(PERSONAL))
    out["state_label"] = STATE_LABELS_VI[State(n["state"])]
    return out


def reads_personal(actor: Principal, p: Mapping[str, Any]) -> bool:
    return policy.may_read_personal(actor, province_code=p["province_code"], organiser=p.get("organiser"))


def proposal_out(p: Mapping[str, Any], *, nominees: list[Any] | None = None,
                 attachments: list[Any] | None = None, personal: bool = True) -> dict[str, Any]:
    out = {k: p[k] for k in ("id", "cluster_code", "cluster_name", "year", "province_code", "province_name",
                             "form_code", "form_name", "origin", "round_id", "state", "lead_code", "created_by",
                             "created_at", "submitted_at", "sent_at", "organiser")}
    out["state_label"] = STATE_LABELS_VI[State(p["state"])]
    out["nominees"] = None if nominees is None else [nominee_out(n, personal=personal) for n in nominees]
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


async def lead_now(actor: Principal, p: Mapping[str, Any], registry: RegistryClient | None) -> str | None:
    """Who leads the proposal's cluster-year now, asked of the registry for a province (a ministry's
    correction of the leadership takes effect with the next request; the list's ``lead_code`` is
    only what was last seen). Without a registry (a caller inside the service) the list's stands."""
    if registry is None or not actor.is_unit:
        lead: str | None = p["lead_code"]
        return lead
    return await registry.lead_of(p["cluster_code"], p["year"])


async def can_read(actor: Principal, p: Mapping[str, Any], registry: RegistryClient | None) -> bool:
    """The proposing province, the cluster-year's current lead (once submitted), the ministry and services."""
    if policy.may_read_proposal(actor, province_code=p["province_code"], lead_code=None,
                                draft=p["state"] == State.draft, organiser=p["organiser"]):
        return True  # no need to ask who leads
    if not actor.is_unit or p["state"] == State.draft:
        return False
    try:
        lead = await lead_now(actor, p, registry)
    except Unavailable:
        lead = p["lead_code"]  # the registry is away: reads go on with the list's last-seen lead
    return policy.may_read_proposal(actor, province_code=p["province_code"], lead_code=lead, draft=False,
                                    organiser=p["organiser"])


async def _require_read(actor: Principal, p: Mapping[str, Any], registry: RegistryClient | None) -> None:
    if not await can_read(actor, p, registry):
        raise Forbidden("a proposal is visible to its province, the lead of its cluster-year and the ministry")


def _require_owner(actor: Principal, p: Mapping[str, Any], action: str) -> None:
    if not policy.owns(actor, province_code=p["province_code"]):
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
        raise Unprocessable(f"cluster {cluster_code} has no period {year} in the registry", field="cluster_code",
                            slug="period-missing", cluster=cluster_code, year=year)
    lead = period.get("lead")
    return await proposal_store.upsert_list(
        conn, cluster_code=cluster_code, year=year, cluster_name=period["cluster_name"],
        lead_code=lead["code"] if lead else None,
        unit_names={m["code"]: m["name"] for m in period["members"]}, organiser=period.get("organiser") or "BNV")


async def _require_lead(conn: asyncpg.Connection, actor: Principal, registry: RegistryClient, cluster_code: str,
                        year: int, action: str) -> asyncpg.Record:
    """The registry says who leads, now (a lead handed over mid-year reviews from then on)."""
    if not actor.is_unit:
        raise Forbidden(f"only the lead of {cluster_code} in {year} may {action}")
    lst = await _refresh_list(conn, registry, cluster_code, year)
    if not policy.is_lead(actor, lead_code=lst["lead_code"]):
        who = f"province {lst['lead_code']}" if lst["lead_code"] else "nobody yet"
        raise Forbidden(f"only the lead of {cluster_code} in {year} ({who}) may {action}")
    return lst


async def _require_reviewer(conn: asyncpg.Connection, actor: Principal, registry: RegistryClient,
                            p: Mapping[str, Any], action: str) -> asyncpg.Record:
    """Who reviews this proposal's nominees, asked of the registry now: the lead, or for the lead's
    own province the organiser's emulation office (ministry staff for the ministry's clusters)."""
    lst = await _refresh_list(conn, registry, p["cluster_code"], p["year"])
    if policy.may_review_nominee(actor, province_code=p["province_code"], lead_code=lst["lead_code"],
                                 organiser=lst["organiser"]):
        return lst
    if p["province_code"] == lst["lead_code"]:
        office = "ministry staff" if (lst["organiser"] or "BNV") == "BNV" else f"the emulation office of {lst['organiser']}"
        raise Forbidden(f"province {p['province_code']} leads {p['cluster_code']} in {p['year']}: a lead does not "
                        f"review its own nominees, {office} {action} them")
    who = f"province {lst['lead_code']}" if lst["lead_code"] else "nobody yet"
    raise Forbidden(f"only the lead of {p['cluster_code']} in {p['year']} ({who}) may {action} nominees")


async def _follow(conn: asyncpg.Connection, p: Mapping[str, Any]) -> str:
    """Move the proposal to the state its nominees put it in, through legal steps only."""
    target = proposal_state(p["state"], await nominee_store.states(conn, p["id"]))
    for step in path(p["state"], target):
        await proposal_store.set_state(conn, p["id"], step.value)
    return target.value
