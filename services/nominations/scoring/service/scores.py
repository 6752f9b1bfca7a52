"""Covenant and score-sheet use cases: each takes the request's connection (inside its transaction),
the caller, and what the registry said about the cluster period where the rule needs it.

Who may do what (the registry's period decides who leads):

- covenant: the lead province of the cluster-year, or ministry staff;
- a sheet: only that province's own account edits and submits it;
- cross-check (review): the lead, except on the lead's own sheet, which the deputy cross-checks
  (nobody marks their own paper);
- read a sheet: the province itself, the lead, the deputy (the lead's sheet), ministry staff;
- lock: the lead, once every member has submitted.

Rule violations in the submitted data raise the domain's ``CovenantError``/``SheetError`` (every
problem with its field); the API turns them into one 422.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Awaitable, Callable, Mapping, Sequence

import asyncpg

from services.nominations import organiser_rules
from services.nominations.registry_client import RegistryClient
from services.nominations.scoring import events
from services.nominations.scoring.domain import policy
from services.nominations.scoring.domain.covenant import (
    CovenantError,
    Criterion,
    ErrorItem,
    SheetError,
    covenant_digest,
    effective_scores,
    max_total,
    sheet_totals,
    validate_covenant,
    validate_sheet,
)
from services.nominations.scoring.domain.ranking import share_of
from services.nominations.scoring.domain.sheets import sheet_status
from services.nominations.scoring.store import covenants as covenant_store
from services.nominations.scoring.store import scores as score_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.text import nfc

SCHEMA = "nominations"
Period = Mapping[str, Any]  # GET /v1/clusters/{code}/periods/{year} of the registry
# What the use cases raise for invalid data, every problem with its field (the API answers one 422).
RULE_ERRORS = (CovenantError, SheetError)


async def registry_period(registry: RegistryClient, *, cluster: str, year: int) -> dict[str, Any]:
    """The cluster-year as the registry has it (members, lead, deputy); 404 if it has none."""
    period = await registry.period(cluster, year)
    if period is None:
        raise NotFound(f"the registry has no period {year} for cluster {cluster}", field="year")
    return period


# ---------------------------------------------------------------- who is who

def _code(period: Period, role: str) -> str | None:
    person = period.get(role)
    return person["code"] if person else None


def _members(period: Period) -> list[str]:
    return [m["code"] for m in period["members"]]


def _where(period: Period) -> str:
    return f"{period['cluster_code']} {period['year']}"


def require_covenant_role(actor: Principal) -> None:
    """Before the registry is asked: only a province or ministry staff may write a covenant at all."""
    if actor.role not in policy.COVENANT_ROLES:
        raise Forbidden(f"this action needs the role {' or '.join(policy.COVENANT_ROLES)}; the caller is {actor.role}")


def require_province_role(actor: Principal) -> None:
    """Before the registry is asked: the lead's and cross-checker's actions are a province's."""
    if not policy.is_province(actor):
        raise Forbidden(f"this action needs the role province; the caller is {actor.role}")


def require_own_sheet(actor: Principal, province: str) -> None:
    """Only province ``province``'s account edits and submits its sheet."""
    if not policy.acts_as(actor, province):
        raise Forbidden(f"only the account of province {province} may do this")


def _organiser(period: Period) -> str:
    return str(period.get("organiser") or "BNV")


def require_lead(actor: Principal, period: Period, *, or_ministry: bool = False) -> None:
    lead = _code(period, "lead")
    if policy.may_write_covenant(actor, lead_code=lead, organiser=_organiser(period)) if or_ministry \
            else policy.acts_as(actor, lead):
        return
    who = (f"the lead province or the emulation office of {_organiser(period)}" if or_ministry
           else "the lead province")
    raise Forbidden(f"only {who} of {_where(period)} may do this")


def reviewer_of(period: Period, province: str) -> str | None:
    """Who cross-checks ``province``'s sheet: the lead, or the deputy when it is the lead's own."""
    return policy.reviewer_of(lead_code=_code(period, "lead"), deputy_code=_code(period, "deputy"), province=province)


def require_reviewer(actor: Principal, period: Period, province: str) -> None:
    reviewer = reviewer_of(period, province)
    if reviewer is None:
        raise Conflict(f"{_where(period)} has no lead yet: nobody can cross-check", slug="no-lead")
    if not policy.acts_as(actor, reviewer):
        raise Forbidden(f"only province {reviewer} cross-checks the sheet of {province} in {_where(period)}")


def require_member(period: Period, province: str) -> None:
    if province not in _members(period):
        raise Forbidden(f"{province} is not a member of {_where(period)}", field="province")


async def _open_cluster_year(conn: asyncpg.Connection, period: Period) -> asyncpg.Record:
    cluster_year = await covenant_store.refresh_cluster_year(conn, period=period)
    _require_unlocked(cluster_year)
    return cluster_year


def _require_unlocked(cluster_year: asyncpg.Record) -> None:
    if cluster_year["locked_at"] is not None:
        raise Conflict(f"the score sheets of {cluster_year['cluster_code']} {cluster_year['year']} were locked on "
                       f"{cluster_year['locked_at']:%Y-%m-%d %H:%M} UTC; nothing can change any more",
                       slug="scores-locked")


async def _in_force(conn: asyncpg.Connection, *, cluster: str, year: int) -> asyncpg.Record:
    covenant = await covenant_store.in_state(conn, cluster=cluster, year=year, state="published")
    if covenant is None:
        raise Conflict(f"{cluster} {year} has no published covenant yet", slug="no-covenant")
    return covenant


# ---------------------------------------------------------------- covenants

def number(value: Decimal | None) -> float | None:
    """Points in answers are JSON numbers (two decimals at most, so a float shows them exactly)."""
    return None if value is None else float(value)


def _criterion_view(c: Criterion) -> dict[str, Any]:
    return {"code": c.code, "title": c.title, "group": c.group, "max_points": number(c.max_points),
            "kind": c.kind.value}


async def covenant_view(conn: asyncpg.Connection, covenant: asyncpg.Record) -> dict[str, Any]:
    criteria = await covenant_store.criteria(conn, covenant_id=covenant["id"])
    versions = await covenant_store.versions(conn, cluster=covenant["cluster_code"], year=covenant["year"])
    return {
        **{k: covenant[k] for k in ("cluster_code", "year", "version", "state", "digest", "reason", "created_by",
                                    "created_at", "published_at", "published_by", "superseded_at")},
        "max_total": number(max_total(criteria)),
        "criteria": [_criterion_view(c) for c in criteria],
        "versions": [{k: v[k] for k in ("version", "state", "digest", "reason", "published_at", "superseded_at")}
                     for v in versions],
    }


async def put_covenant(conn: asyncpg.Connection, *, actor: Principal, period: Period,
                       criteria: Sequence[Mapping[str, Any]], publish: bool, reason: str | None) -> dict[str, Any]:
    """Write the draft (creating the next version when the one in force is published) and optionally
    publish it. Publishing an amendment supersedes the version in force and reopens the sheets.
    The answer has ``reopened``/``drafts`` (provinces whose sheets were carried over) when that happened."""
    require_lead(actor, period, or_ministry=True)
    parsed = validate_covenant(criteria)
    reason = nfc(reason) if reason and reason.strip() else None
    digest = covenant_digest(parsed)
    cluster, year = period["cluster_code"], period["year"]
    cluster_year = await _open_cluster_year(conn, period)
    in_force = await covenant_store.in_state(conn, cluster=cluster, year=year, state="published")
    draft = await covenant_store.in_state(conn, cluster=cluster, year=year, state="draft")

    if draft is None and in_force is not None and in_force["digest"] == digest:
        return await covenant_view(conn, in_force)  # what is in force, unchanged: nothing to do
    if in_force is not None and reason is None and (draft is None or draft["reason"] is None):
        raise Unprocessable(f"version {in_force['version']} is published: an amendment needs a reason",
                            field="reason")
    if draft is None:
        version = in_force["version"] + 1 if in_force is not None else 1
        draft = await covenant_store.insert(conn, cluster=cluster, year=year, version=version, digest=digest,
                                            reason=reason, by=actor.subject)
        await covenant_store.replace_criteria(conn, covenant_id=draft["id"], criteria=parsed)
    elif draft["digest"] != digest or (reason is not None and reason != draft["reason"]):
        await covenant_store.update_draft(conn, covenant_id=draft["id"], digest=digest, reason=reason)
        if draft["digest"] != digest:
            await covenant_store.replace_criteria(conn, covenant_id=draft["id"], criteria=parsed)
    elif not publish:
        return await covenant_view(conn, draft)  # the same draft again: nothing to do
    details: dict[str, Any] = {"version": draft["version"], "digest": digest, "publish": publish}
    carried: dict[str, Any] = {}
    if publish:
        if in_force is not None:
            if digest == in_force["digest"]:
                raise Unprocessable(f"these criteria are version {in_force['version']}, already in force",
                                    field="criteria")
            await covenant_store.supersede(conn, covenant_id=in_force["id"])
        await covenant_store.publish(conn, covenant_id=draft["id"], by=actor.subject)
        await events.publish_covenant(conn, cluster_year, version=draft["version"], reason=reason or draft["reason"])
        if in_force is not None:
            carried = await score_store.carry_over(conn, old_covenant_id=in_force["id"], new_covenant_id=draft["id"],
                                                   by=actor.subject)
            details.update(superseded=in_force["version"], **carried)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="covenant.publish" if publish else "covenant.draft",
                       target=f"covenant:{cluster}/{year}", details=details)
    view = await covenant_view(conn, await covenant_store.by_version(conn, cluster=cluster, year=year,
                                                                     version=draft["version"]))
    return {**view, **carried}


async def require_read(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int) -> None:
    """Another organiser's cluster-year is read by its office, the ministry, services and its members
    only (``organiser_rules.reads_cluster_work``); the ministry's by anyone signed in, as before."""
    organiser, members = await covenant_store.readers_of(conn, cluster=cluster, year=year)
    if not organiser_rules.reads_cluster_work(actor, organiser, members):
        raise Forbidden(f"{cluster} {year} is {organiser}'s: its office, its members and the ministry read it",
                        slug="other-organiser")


async def get_covenant(conn: asyncpg.Connection, *, cluster: str, year: int, version: int | None,
                       actor: Principal | None = None) -> dict[str, Any]:
    """A given version, else the one in force, else the draft."""
    if actor is not None:
        await require_read(conn, actor=actor, cluster=cluster, year=year)
    if version is not None:
        covenant = await covenant_store.by_version(conn, cluster=cluster, year=year, version=version)
    else:
        covenant = (await covenant_store.in_state(conn, cluster=cluster, year=year, state="published")
                    or await covenant_store.in_state(conn, cluster=cluster, year=year, state="draft"))
    if covenant is None:
        raise NotFound(f"{cluster} {year} has no covenant" + (f" version {version}" if version else ""),
                       field="version" if version else "year")
    return await covenant_view(conn, covenant)


# ---------------------------------------------------------------- score sheets

async def sheet_view(conn: asyncpg.Connection, *, cluster_year: asyncpg.Record, covenant: asyncpg.Record,
                     sheet: asyncpg.Record) -> dict[str, Any]:
    criteria = await covenant_store.criteria(conn, covenant_id=covenant["id"])
    rows = {r["criterion_code"]: r for r in await score_store.scores(conn, sheet_id=sheet["id"])}
    checked = {c: r["checked_points"] for c, r in rows.items() if r["checked_points"] is not None}
    effective = effective_scores({c: r["self_points"] for c, r in rows.items()}, checked)
    totals = sheet_totals(criteria, effective)
    maximum = max_total(criteria)
    names = _names(cluster_year)
    return {
        "cluster_code": sheet["cluster_code"], "year": sheet["year"], "province": sheet["province_code"],
        "province_name": names.get(sheet["province_code"]), "covenant_version": covenant["version"],
        "state": sheet["state"], "locked": cluster_year["locked_at"] is not None,
        # A unit that left the cluster-year during the year: its sheet is kept, never ranked.
        "member": sheet["province_code"] in {m["code"] for m in cluster_year["members"]},
        "reviewed_at": sheet["reviewed_at"], "reviewed_by": sheet["reviewed_by"],
        **{k: sheet[k] for k in ("updated_at", "updated_by", "submitted_at", "submitted_by")},
        "scores": {c.code: {"self": number(rows[c.code]["self_points"]) if c.code in rows else None,
                            "checked": number(checked.get(c.code)), "points": number(effective.get(c.code))}
                   for c in criteria},
        "missing": [c.code for c in criteria if c.code not in rows],
        "notes": sheet["notes"],
        "totals": {k: number(v) for k, v in (("regular", totals.regular), ("bonus", totals.bonus),
                                             ("penalty", totals.penalty), ("total", totals.total),
                                             ("max_total", maximum), ("share", share_of(totals.total, maximum)))},
        # Every cross-check, oldest first, with who made it: the member sees all of them.
        "adjustments": [{"criterion": a["criterion_code"], "points": number(a["points"]),
                         "previous": number(a["previous_points"]),
                         "reason": a["reason"], "adjusted_by": a["adjusted_by"], "adjusted_for": a["adjusted_for"],
                         "adjusted_for_name": names.get(a["adjusted_for"]), "adjusted_at": a["adjusted_at"]}
                        for a in await score_store.adjustments(conn, sheet_id=sheet["id"])],
    }


def _names(cluster_year: Mapping[str, Any]) -> dict[str, str]:
    """Every unit's name, members and former members alike."""
    return {m["code"]: m["name"] for m in [*(cluster_year.get("former_members") or []), *cluster_year["members"]]}


def _check_notes(criteria: list[Criterion], notes: Mapping[str, str]) -> dict[str, str]:
    codes = {c.code for c in criteria}
    unknown = [(f"notes.{code}", "unknown criterion") for code in notes if code not in codes]
    if unknown:
        raise SheetError(unknown)
    return {code: nfc(text) for code, text in notes.items() if text.strip()}


async def save_sheet(conn: asyncpg.Connection, *, actor: Principal, period: Period, province: str,
                     scores: Mapping[str, Decimal], notes: Mapping[str, str]) -> dict[str, Any]:
    """The member's whole sheet replaces what it saved before; partial sheets are fine until submit."""
    require_own_sheet(actor, province)
    require_member(period, province)
    cluster, year = period["cluster_code"], period["year"]
    cluster_year = await _open_cluster_year(conn, period)
    covenant = await _in_force(conn, cluster=cluster, year=year)
    criteria = await covenant_store.criteria(conn, covenant_id=covenant["id"])
    points = validate_sheet(criteria=criteria, scores=scores, require_complete=False)
    notes = _check_notes(criteria, notes)
    sheet = await score_store.sheet(conn, covenant_id=covenant["id"], province=province, lock=True)
    if sheet is None:
        sheet = await score_store.insert_sheet(conn, cluster=cluster, year=year, covenant_id=covenant["id"],
                                               province=province, by=actor.subject)
    elif sheet["state"] not in ("draft", "reopened"):
        raise Conflict(f"the sheet of {province} was submitted on {sheet['submitted_at']:%Y-%m-%d %H:%M} UTC "
                       f"and can no longer be edited", slug="sheet-submitted")
    await score_store.replace_scores(conn, sheet_id=sheet["id"], covenant_id=covenant["id"], scores=points,
                                     notes=notes, by=actor.subject)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="scores.save",
                       target=f"sheet:{cluster}/{year}/{province}",
                       details={"version": covenant["version"], "scores": points})
    sheet = await score_store.sheet(conn, covenant_id=covenant["id"], province=province)
    return await sheet_view(conn, cluster_year=cluster_year, covenant=covenant, sheet=sheet)


async def _sheet_in_force(conn: asyncpg.Connection, *, cluster: str, year: int, province: str,
                          lock: bool) -> tuple[asyncpg.Record, asyncpg.Record, asyncpg.Record]:
    cluster_year = await covenant_store.cluster_year(conn, cluster=cluster, year=year, lock=lock)
    if cluster_year is None:
        raise NotFound(f"{cluster} {year} has no covenant", field="year")
    covenant = await _in_force(conn, cluster=cluster, year=year)
    sheet = await score_store.sheet(conn, covenant_id=covenant["id"], province=province, lock=lock)
    if sheet is None:
        raise NotFound(f"{province} has no score sheet for {cluster} {year} (version {covenant['version']}) yet",
                       field="province")
    return cluster_year, covenant, sheet


async def submit_sheet(conn: asyncpg.Connection, *, actor: Principal, period: Period,
                       province: str) -> dict[str, Any]:
    """Submit a complete sheet for cross-checking; a sheet missing any criterion is refused whole.
    Only a member of the period on the day submits."""
    require_own_sheet(actor, province)
    require_member(period, province)
    cluster, year = period["cluster_code"], period["year"]
    await covenant_store.refresh_cluster_year(conn, period=period)
    cluster_year, covenant, sheet = await _sheet_in_force(conn, cluster=cluster, year=year, province=province,
                                                          lock=True)
    _require_unlocked(cluster_year)
    if sheet["state"] not in ("draft", "reopened"):
        raise Conflict(f"the sheet of {province} is already {sheet['state']}", slug="sheet-submitted")
    criteria = await covenant_store.criteria(conn, covenant_id=covenant["id"])
    saved = {r["criterion_code"]: r["self_points"] for r in await score_store.scores(conn, sheet_id=sheet["id"])}
    validate_sheet(criteria=criteria, scores=saved, require_complete=True)
    await score_store.submit(conn, sheet_id=sheet["id"], by=actor.subject)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="scores.submit",
                       target=f"sheet:{cluster}/{year}/{province}", details={"version": covenant["version"]})
    sheet = await score_store.sheet(conn, covenant_id=covenant["id"], province=province)
    return await sheet_view(conn, cluster_year=cluster_year, covenant=covenant, sheet=sheet)


async def review_sheet(conn: asyncpg.Connection, *, actor: Principal, period: Period, province: str,
                       adjustments: Mapping[str, tuple[Decimal, str]]) -> dict[str, Any]:
    """Cross-check a submitted sheet: each adjustment (points, reason) replaces the value in force for
    its criterion; every one is kept, with who made it."""
    require_reviewer(actor, period, province)
    require_member(period, province)
    cluster, year = period["cluster_code"], period["year"]
    await _open_cluster_year(conn, period)
    cluster_year, covenant, sheet = await _sheet_in_force(conn, cluster=cluster, year=year, province=province,
                                                          lock=True)
    if sheet["state"] != "submitted":
        raise Conflict(f"only a submitted sheet is cross-checked; the sheet of {province} is {sheet['state']}",
                       slug="sheet-not-submitted")
    criteria = await covenant_store.criteria(conn, covenant_id=covenant["id"])
    known = {c.code for c in criteria}
    # Every problem at once, named as the request names it: adjustments.<code>[.points|.reason].
    errors: list[ErrorItem] = [(f"adjustments.{code}", "unknown criterion", "unknown-criterion", {"code": code})
                               for code in adjustments if code not in known]
    errors += [(f"adjustments.{code}.reason", "must not be blank", "missing", {})
               for code, (_, reason) in adjustments.items() if not reason or not reason.strip()]
    try:
        points = validate_sheet(criteria=criteria, require_complete=False,
                                scores={code: p for code, (p, _) in adjustments.items() if code in known})
    except SheetError as exc:
        points_errors: list[ErrorItem] = [(f"adjustments.{f.removeprefix('scores.')}.points", m, c, p)
                                          for f, m, c, p in exc.items]
        errors = points_errors + errors
    if errors:
        raise SheetError(errors)
    adjusted = {code: (points[code], nfc(adjustments[code][1])) for code in points}
    if adjusted:
        await score_store.adjust(conn, sheet_id=sheet["id"], adjustments=adjusted, by=actor.subject,
                                 acting_for=actor.unit)
        await events.publish_sheet_adjusted(
            conn, cluster=cluster, cluster_name=cluster_year["cluster_name"], year=year, province=province,
            province_name=_names(cluster_year).get(province), reviewer=actor.unit,
            adjustments=[{"criterion": c, "points": number(p), "reason": r} for c, (p, r) in adjusted.items()])
    # An empty cross-check says "checked, nothing to adjust": the sheet reads reviewed.
    await score_store.mark_reviewed(conn, sheet_id=sheet["id"], by=actor.subject)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="scores.review",
                       target=f"sheet:{cluster}/{year}/{province}",
                       details={"version": covenant["version"],
                                "adjustments": {c: {"points": p, "reason": r} for c, (p, r) in adjusted.items()}})
    sheet = await score_store.sheet(conn, covenant_id=covenant["id"], province=province)
    return await sheet_view(conn, cluster_year=cluster_year, covenant=covenant, sheet=sheet)


async def get_sheet(conn: asyncpg.Connection, *, actor: Principal, cluster: str, year: int, province: str,
                    load_period: Callable[[], Awaitable[Period]]) -> dict[str, Any]:
    """The registry is asked only when the caller is neither the province itself nor ministry staff."""
    if not (actor.role == "ministry" or policy.acts_as(actor, province)):
        period = await load_period()
        if not policy.may_read_sheet(actor, province=province, lead_code=_code(period, "lead"),
                                     reviewer=reviewer_of(period, province), organiser=_organiser(period)):
            raise Forbidden(f"the sheet of {province} is read by that province, its cross-checker and ministry staff")
    cluster_year, covenant, sheet = await _sheet_in_force(conn, cluster=cluster, year=year, province=province,
                                                          lock=False)
    return await sheet_view(conn, cluster_year=cluster_year, covenant=covenant, sheet=sheet)


async def lock_sheets(conn: asyncpg.Connection, *, actor: Principal, period: Period) -> dict[str, Any]:
    """Freeze every sheet of the cluster-year for the conference; every member must have submitted."""
    require_lead(actor, period)
    cluster, year = period["cluster_code"], period["year"]
    await _open_cluster_year(conn, period)
    covenant = await _in_force(conn, cluster=cluster, year=year)
    states = await score_store.states(conn, covenant_id=covenant["id"])
    waiting = [code for code in _members(period) if states.get(code) != "submitted"]
    if waiting:
        raise Conflict(f"every member must submit before the lock; still waiting for {', '.join(waiting)}",
                       slug="sheets-not-submitted", waiting=waiting)
    count = await score_store.lock_all(conn, covenant_id=covenant["id"], provinces=_members(period))
    locked = await covenant_store.lock_cluster_year(conn, cluster=cluster, year=year, by=actor.subject)
    cluster_year = await covenant_store.cluster_year(conn, cluster=cluster, year=year)
    assert cluster_year is not None  # refreshed above, in this transaction
    await events.publish_sheets_locked(conn, cluster_year, covenant_version=covenant["version"], sheets=count)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="scores.lock", target=f"sheets:{cluster}/{year}",
                       details={"version": covenant["version"], "sheets": count})
    return {"cluster_code": cluster, "year": year, "covenant_version": covenant["version"], "sheets": count,
            "locked_at": locked["locked_at"], "locked_by": locked["locked_by"]}



async def list_sheets(conn: asyncpg.Connection, *, actor: Principal, period: Period) -> dict[str, Any]:
    """Every member's sheet and where it stands, for the lead and the ministry; a member sees its own
    row only. Units that left during the year keep their sheets, listed with ``member: false``."""
    cluster, year = period["cluster_code"], period["year"]
    if not policy.may_list_sheets(actor, lead_code=_code(period, "lead"), members=_members(period),
                                  organiser=_organiser(period)):
        raise Forbidden(f"the score sheets of {_where(period)} are read by its lead, its members and ministry staff")
    cluster_year = await covenant_store.refresh_cluster_year(conn, period=period)
    covenant = await covenant_store.in_state(conn, cluster=cluster, year=year, state="published")
    rows = {r["province_code"]: r for r in await score_store.listing(conn, covenant_id=covenant["id"])} \
        if covenant is not None else {}
    names = _names(cluster_year)
    members = _members(period)
    codes = members + sorted(code for code in rows if code not in members)
    if not policy.sees_every_sheet(actor, lead_code=_code(period, "lead"), organiser=_organiser(period)):
        codes = [code for code in codes if code == actor.unit]
    items = []
    for code in codes:
        row = rows.get(code)
        items.append({
            "province": code, "province_name": names.get(code), "member": code in members,
            "state": row["state"] if row else None,
            "status": sheet_status(row["state"] if row else None, reviewed=bool(row and row["reviewed_at"]),
                                   adjustments=row["adjustments"] if row else 0),
            "locked": bool(row and row["state"] == "locked"),
            "adjustments": row["adjustments"] if row else 0,
            **{k: (row[k] if row else None) for k in ("updated_at", "submitted_at", "reviewed_at", "reviewed_by")},
        })
    return {"cluster_code": cluster, "year": year, "covenant_version": covenant["version"] if covenant else None,
            "locked_at": cluster_year["locked_at"], "items": items, "next": None}
