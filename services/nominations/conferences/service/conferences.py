"""A conference of a cluster-year: schedule it (the lead or the ministry), read it with its
attendance and quorum, open and adjourn it (the secretary's desk)."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from fractions import Fraction
from typing import Any

import asyncpg
from fastapi import Request

from services.nominations import organiser_rules
from services.nominations.conferences.domain import policy, quorum
from services.nominations.conferences.domain.states import ConferenceState, InvalidTransition, check
from services.nominations.conferences.store import conferences as store
from services.nominations.conferences.store import hand_overs as hand_over_store
from services.nominations.conferences.store import rounds as round_links
from services.nominations.ratios import exact_fraction
from services.nominations.registry_client import RegistryClient, get_registry
from shared import audit
from shared.auth import Principal, office_of, unit_of
from shared.contracts.conferences import (
    CONFERENCE_ADJOURNED,
    CONFERENCE_OPENED,
    CONFERENCE_SCHEDULED,
    ConferenceAttendanceV1,
    ConferenceScheduledV1,
)
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.events import emit

SCHEMA = "nominations"


def registry_of(request: Request) -> RegistryClient:
    """The process's one registry client (opened by the app's lifespan)."""
    return get_registry(request)


@contextmanager
def refusals() -> Iterator[None]:
    """A move the state does not allow, or a database guard (the last line of defence): 409."""
    try:
        yield
    except InvalidTransition as exc:
        raise Conflict(str(exc), slug="invalid-transition") from exc
    except asyncpg.CheckViolationError as exc:
        raise Conflict(f"refused by the conference's rules ({exc.constraint_name})",
                       slug="invalid-transition") from exc


def share_of(row: asyncpg.Record) -> Fraction:
    return Fraction(row["quorum_numerator"], row["quorum_denominator"])


def member_names(row: asyncpg.Record) -> dict[str, str]:
    return {m["code"]: m["name"] for m in row["members"]}


async def attendance(conn: asyncpg.Connection, row: asyncpg.Record) -> quorum.Attendance:
    members = [m["code"] for m in row["members"]]
    return quorum.attendance(members, await store.voters_checked_in(conn, row["id"]), share_of(row))


async def public(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    seen = await attendance(conn, row)
    names = member_names(row)
    checked_in = await store.checked_in_count(conn, row["id"])
    share = share_of(row)
    handed = await hand_over_store.of(conn, row["id"])
    return {
        "id": row["id"], "cluster_code": row["cluster_code"], "cluster_name": row["cluster_name"],
        "organiser": row["organiser"],
        "year": row["year"], "held_on": row["held_on"], "place": row["place"],
        "host": {"code": row["host_code"], "name": row["host_name"]},
        "chair": {"name": row["chair_name"], "position": row["chair_position"]},
        "secretary": {"name": row["secretary_name"], "position": row["secretary_position"]},
        "agenda": row["agenda"], "state": row["state"], "quorum": f"{share.numerator}/{share.denominator}",
        "member_units": quorum.names(seen.member_units, names),
        "present_units": quorum.names(seen.present_units, names),
        "quorum_needed": seen.needed, "quorum_met": seen.quorum_met, "attendees_checked_in": checked_in,
        "created_by": row["created_by"], "created_at": row["created_at"], "opened_at": row["opened_at"],
        "adjourned_at": row["adjourned_at"], "rounds": await round_links.rounds_of(conn, row["id"]),
        "hand_over": {"from": quorum.names([handed["from_code"]], names)[0],
                      "to": quorum.names([handed["to_code"]], names)[0],
                      "handed_at": handed["handed_at"]} if handed else None,
    }


async def conference_for(conn: asyncpg.Connection, conference_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record:
    row = await store.get(conn, conference_id, lock=lock)
    if row is None:
        raise NotFound(f"no conference {conference_id}")
    return row


async def host_now(actor: Principal, row: asyncpg.Record, registry: RegistryClient | None) -> str | None:
    """The unit whose account holds the host's powers: the cluster-year's lead as the registry says
    now, asked on every use (a ministry's correction of the leadership moves the secretary's desk
    with the next request, as it moves every other lead power). The office's powers do not depend
    on it, so only a unit's account asks; without a registry (a caller inside the service) the
    host recorded when the conference was scheduled stands."""
    if registry is None or not actor.is_unit:
        return str(row["host_code"])
    return await registry.lead_of(row["cluster_code"], row["year"])


async def require_secretary(actor: Principal, row: asyncpg.Record, what: str,
                            registry: RegistryClient | None) -> None:
    host = await host_now(actor, row, registry)
    if not policy.is_secretary(actor, host_code=host, organiser=row["organiser"]):
        raise Forbidden(f"only the host ({host or 'none: the cluster-year has no lead'}) or "
                        f"{row['organiser']}'s office may {what}")


async def attendance_event(conn: asyncpg.Connection, row: asyncpg.Record, type_: str) -> None:
    seen = await attendance(conn, row)
    await emit(conn, schema=SCHEMA, type=type_, aggregate_id=str(row["id"]), payload=ConferenceAttendanceV1(
        conference_id=row["id"], cluster_code=row["cluster_code"], year=row["year"], state=row["state"],
        member_units=len(seen.member_units), present_units=list(seen.present_units), quorum_needed=seen.needed,
        quorum_met=seen.quorum_met, provinces=list(seen.member_units)))


async def schedule(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                   values: dict[str, Any]) -> dict[str, Any]:
    cluster, year = values["cluster_code"], values["year"]
    period = await registry.period(cluster, year)
    if period is None:
        raise Unprocessable(f"cluster {cluster} has no period {year} in the registry", field="cluster_code",
                            slug="period-missing")
    lead = period.get("lead")
    organiser = period.get("organiser") or "BNV"
    if not policy.may_schedule(actor, lead_code=lead["code"] if lead else None, organiser=organiser):
        raise Forbidden(f"only the lead of {cluster} in {year} or {organiser}'s office may schedule its conference")
    if lead is None:
        raise Unprocessable(f"{cluster} has no lead in {year}: the host of its conference", field="cluster_code",
                            slug="lead-missing")
    try:
        share = quorum.check_share(exact_fraction(values["quorum"], name="quorum"))
    except (ValueError, TypeError, ZeroDivisionError) as exc:
        raise Unprocessable(str(exc), field="quorum") from exc
    # In the cluster's rotation order (the order the hall screen lists them), then by code.
    order = {code: i for i, code in enumerate(period.get("rotation_order") or [])}
    members = sorted(({"code": m["code"], "name": m["name"]} for m in period["members"]),
                     key=lambda m: (order.get(m["code"], len(order)), m["code"]))
    if not members:
        raise Unprocessable(f"{cluster} has no members in {year}", field="cluster_code")
    row = await store.insert(conn, created_by=actor.subject, values={
        **values, "cluster_name": period["cluster_name"], "organiser": organiser, "host_code": lead["code"], "host_name": lead["name"],
        "chair_name": values["chair"]["name"], "chair_position": values["chair"]["position"],
        "secretary_name": values["secretary"]["name"], "secretary_position": values["secretary"]["position"],
        "members": members, "quorum_numerator": share.numerator, "quorum_denominator": share.denominator})
    await audit.record(conn, schema=SCHEMA, actor=actor, action="conference.schedule", target=f"conference:{row['id']}",
                       details={"cluster_code": cluster, "year": year, "held_on": row["held_on"].isoformat()})
    await emit(conn, schema=SCHEMA, type=CONFERENCE_SCHEDULED, aggregate_id=str(row["id"]),
               payload=ConferenceScheduledV1(
                   conference_id=row["id"], cluster_code=cluster, cluster_name=row["cluster_name"], year=year,
                   held_on=row["held_on"], place=row["place"], host_code=row["host_code"],
                   provinces=[m["code"] for m in members]))
    return await public(conn, row)


def readable(actor: Principal | None, row: asyncpg.Record) -> bool:
    """Another organiser's conference is its office's, its members' and the ministry's to read; the
    ministry's clusters' anyone's signed in (the hall screen), as before organisers."""
    return actor is None or organiser_rules.reads_cluster_work(actor, row["organiser"], list(member_names(row)))


async def readable_conference(conn: asyncpg.Connection, *, actor: Principal | None,
                              conference_id: uuid.UUID) -> asyncpg.Record:
    row = await conference_for(conn, conference_id)
    if not readable(actor, row):
        raise Forbidden(f"this conference is {row['organiser']}'s: its office, its members and the ministry read it",
                        slug="other-organiser")
    return row


async def get(conn: asyncpg.Connection, *, conference_id: uuid.UUID, actor: Principal | None = None) -> dict[str, Any]:
    return await public(conn, await readable_conference(conn, actor=actor, conference_id=conference_id))


async def listing(conn: asyncpg.Connection, *, cluster: str | None, year: int | None,
                  after: tuple[datetime, uuid.UUID] | None, limit: int,
                  actor: Principal | None = None) -> list[dict[str, Any]]:
    """Newest first; another organiser's conferences only where ``actor`` reads them (``readable``)."""
    every = actor is None or organiser_rules.reads_nationally(actor)
    rows = await store.listing(conn, cluster=cluster, year=year, after=after, limit=limit, every_organiser=every,
                               office=office_of(actor) if actor else None, unit=unit_of(actor) if actor else None)
    return [await public(conn, r) for r in rows]


_MOVES = {ConferenceState.in_session: ("open", CONFERENCE_OPENED),
          ConferenceState.adjourned: ("adjourn", CONFERENCE_ADJOURNED)}


async def move(conn: asyncpg.Connection, *, actor: Principal, conference_id: uuid.UUID,
               to: str, registry: RegistryClient | None = None) -> dict[str, Any]:
    verb, event = _MOVES[ConferenceState(to)]
    row = await conference_for(conn, conference_id, lock=True)
    await require_secretary(actor, row, f"{verb} the conference", registry)
    with refusals():
        check(row["state"], to)
        row = await store.move(conn, conference_id, state=to)
    await audit.record(conn, schema=SCHEMA, actor=actor, action=f"conference.{verb}",
                       target=f"conference:{conference_id}")
    await attendance_event(conn, row, event)
    return await public(conn, row)
