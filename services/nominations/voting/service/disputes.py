"""Paper-ballot disputes: the member disputes, the ministry rules, certification waits."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

import asyncpg

from services.nominations.registry_client import RegistryClient
from services.nominations.voting import events
from services.nominations.voting.domain import policy

# Retried ballots are answered from a sealed store (its module says why): part of this service's interface.
from services.nominations.voting.sealed_idempotency import (
    sealed_idempotent as sealed_idempotent,
)
from services.nominations.voting.service.access import (
    SCHEMA,
    _load,
    as_led_now,
    lead_for_reading,
)
from services.nominations.voting.store import disputes as dispute_store
from shared import audit
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound

# ---------------------------------------------------------------- paper ballot disputes
# The member is told when the lead enters a paper ballot for it (event paper_ballot_recorded), may
# dispute it until the round is certified, and the ministry rules. A round with a pending dispute, or
# a paper ballot ruled void, cannot be certified (a trigger enforces it too): ballots cannot be traced
# to voters, so a void paper ballot voids the count and the lead holds a new vote. Nor can a round be
# certified before the member had its window: ``dispute_window`` after its notice left the service,
# unless it confirmed the paper ballot.

RULINGS = ("ballot_stands", "ballot_void")


def dispute_public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"round_id": str(row["round_id"]), "province_code": row["province_code"], "reason": row["reason"],
            "disputed_by": row["disputed_by"], "disputed_at": row["disputed_at"],
            "ruling": row["ruling"], "ruling_note": row["ruling_note"], "ruled_by": row["ruled_by"],
            "ruled_at": row["ruled_at"]}


async def dispute_paper_ballot(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, reason: str,
                               registry: RegistryClient | None = None) -> dict[str, Any]:
    """The member disputes the paper ballot the lead entered for it (until the round is certified)."""
    r = await _load(conn, round_id, lock="share")
    if not actor.is_unit or actor.unit not in (r["electorate"] or []):
        raise Forbidden("only a member of this round's electorate may dispute the paper ballot entered for it")
    if not policy.accepts_disputes(r["state"]):
        raise Conflict(f"the round is {r['state']}: disputes are taken until it is certified",
                       slug="round-not-disputable", state=r["state"])
    paper = await dispute_store.paper_participation(conn, round_id, actor.unit)  # type: ignore[arg-type]
    if paper is None:
        raise Conflict(f"no paper ballot was entered for province {actor.unit} in this round",
                       slug="no-paper-ballot")
    row = await dispute_store.insert(conn, round_id=round_id, province=actor.unit, reason=reason,  # type: ignore[arg-type]
                                     by=actor.subject)
    if row is None:
        raise Conflict("this paper ballot is already disputed", slug="already-disputed")
    await events.publish(conn, events.PAPER_BALLOT_DISPUTED, round_id=round_id,
                         payload=events.paper_ballot_disputed(await as_led_now(r, registry),
                                                              voter=actor.unit,  # type: ignore[arg-type]
                                                              document_ref=paper["document_ref"], reason=reason))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="ballot.paper_disputed", target=f"round:{round_id}",
                       details={"voter": actor.unit, "document_ref": paper["document_ref"]})
    return dispute_public(row)


async def rule_on_dispute(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID, province: str, ruling: str,
                          note: str, registry: RegistryClient | None = None) -> dict[str, Any]:
    """The ministry's ruling, final: the ballot stands, or it is void (the round cannot be certified)."""
    r = await _load(conn, round_id, lock="share")
    if not policy.may_decide(actor, organiser=r["organiser"]):
        raise Forbidden("only the emulation office of the round's organiser (ministry staff for the ministry's "
                        "clusters) may rule on a disputed paper ballot")
    row = await dispute_store.get(conn, round_id, province, lock=True)
    if row is None:
        raise NotFound(f"province {province} has not disputed a paper ballot in this round", field="province")
    if row["ruling"] is not None:
        raise Conflict(f"already ruled: {row['ruling']}", slug="already-ruled")
    ruled = await dispute_store.rule(conn, round_id=round_id, province=province, ruling=ruling, note=note,
                                     by=actor.subject)
    paper = await dispute_store.paper_participation(conn, round_id, province)
    await events.publish(conn, events.PAPER_BALLOT_RULED, round_id=round_id,
                         payload=events.paper_ballot_ruled(await as_led_now(r, registry), voter=province,
                                                           document_ref=paper["document_ref"],  # type: ignore[index]
                                                           ruling=ruling, note=note))
    await audit.record(conn, schema=SCHEMA, actor=actor, action="ballot.paper_dispute_ruled",
                       target=f"round:{round_id}", details={"voter": province, "ruling": ruling})
    return dispute_public(ruled)


async def list_disputes(conn: asyncpg.Connection, *, actor: Principal, round_id: uuid.UUID,
                        registry: RegistryClient | None = None) -> list[dict[str, Any]]:
    r = await _load(conn, round_id)
    rows = [dispute_public(row) for row in await dispute_store.for_round(conn, round_id)]
    if actor.is_ministry or policy.is_office(actor, organiser=r["organiser"]) \
            or policy.is_lead(actor, lead_code=await lead_for_reading(actor, r, registry)):
        return rows
    if actor.is_unit and actor.unit in (r["electorate"] or []):
        return [row for row in rows if row["province_code"] == actor.unit]
    raise Forbidden("this round is visible to the ministry, its lead and its electorate only")


async def confirm_paper_ballot(conn: asyncpg.Connection, *, actor: Principal,
                               round_id: uuid.UUID) -> dict[str, Any]:
    """The member confirms the paper ballot the lead entered for it: certification need not wait
    for its dispute window any more."""
    r = await _load(conn, round_id, lock="share")
    if not actor.is_unit or actor.unit not in (r["electorate"] or []):
        raise Forbidden("only a member of this round's electorate may confirm the paper ballot entered for it")
    if not policy.accepts_disputes(r["state"]):
        raise Conflict(f"the round is {r['state']}: paper ballots are confirmed until it is certified",
                       slug="round-not-disputable", state=r["state"])
    paper = await dispute_store.paper_participation(conn, round_id, actor.unit)  # type: ignore[arg-type]
    if paper is None:
        raise Conflict(f"no paper ballot was entered for province {actor.unit} in this round",
                       slug="no-paper-ballot")
    row = await dispute_store.confirm(conn, round_id=round_id, province=actor.unit,  # type: ignore[arg-type]
                                      by=actor.subject)
    if row is None:
        raise Conflict("this paper ballot is already confirmed (or predates confirmations)", slug="already-confirmed")
    await audit.record(conn, schema=SCHEMA, actor=actor, action="ballot.paper_confirmed", target=f"round:{round_id}",
                       details={"voter": actor.unit, "document_ref": paper["document_ref"]})
    return {"round_id": str(round_id), "province_code": row["province_code"], "confirmed_at": row["confirmed_at"],
            "confirmed_by": row["confirmed_by"]}


def _window_ends(row: Mapping[str, Any], dispute_window: timedelta) -> datetime | None:
    """When the member's window to dispute closes: ``dispute_window`` after its notice left the
    service (None: not sent yet). A notice whose outbox row is gone left long ago."""
    if row["notice_gone"]:
        return datetime.min.replace(tzinfo=timezone.utc)
    sent: datetime | None = row["notice_sent_at"]
    return None if sent is None else sent + dispute_window


async def paper_ballot_windows(conn: asyncpg.Connection, round_id: uuid.UUID, *,
                               dispute_window: timedelta) -> list[dict[str, Any]]:
    """Each paper ballot's dispute window, as the minutes record it."""
    out = []
    for row in await dispute_store.paper_ballots(conn, round_id):
        ends = None if row["notice_event_id"] is None or row["notice_gone"] else _window_ends(row, dispute_window)
        out.append({"code": row["province_code"], "document_ref": row["document_ref"],
                    "notice_sent_at": row["notice_sent_at"], "disputes_until": ends,
                    "confirmed_at": row["confirmed_at"], "disputed": row["disputed"]})
    return out


async def require_certifiable(conn: asyncpg.Connection, round_id: uuid.UUID, *, dispute_window: timedelta) -> None:
    """409 while a dispute waits for the ministry, when a paper ballot was ruled void, or while a
    member's window to dispute the paper ballot entered for it is still open."""
    for row in await dispute_store.for_round(conn, round_id):
        if row["ruling"] is None:
            raise Conflict(f"the paper ballot entered for province {row['province_code']} is disputed; the ministry "
                           "must rule before the round is certified", slug="dispute-pending")
        if row["ruling"] == "ballot_void":
            raise Conflict(f"the ministry ruled the paper ballot entered for province {row['province_code']} void: "
                           "this count cannot be certified; hold a new vote", slug="paper-ballot-void")
    now: datetime = await conn.fetchval("SELECT clock_timestamp()")
    for row in await dispute_store.paper_ballots(conn, round_id):
        if row["disputed"] or row["confirmed_at"] is not None or row["notice_event_id"] is None:
            continue  # ruled on (above), confirmed by the member, or entered before the window existed
        ends = _window_ends(row, dispute_window)
        if ends is None:
            raise Conflict(f"province {row['province_code']} has not been told of the paper ballot entered for it "
                           "yet: it may dispute it once told", slug="paper-ballot-notice-pending",
                           province=row["province_code"])
        if now < ends:
            raise Conflict(f"province {row['province_code']} may dispute the paper ballot entered for it until "
                           f"{ends.isoformat()} (or confirm it): the round is certified after that",
                           slug="paper-ballot-dispute-window", province=row["province_code"],
                           until=ends.isoformat())
