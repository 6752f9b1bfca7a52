"""A council session on a list of nominees: scheduled by the organiser's office, members check in,
it opens only while its quorum holds (two thirds of ALL members by default), members cast their
secret ballots (``ballots``), and its close counts them: the result decides each nominee through
the commendations' ``apply_council_verdict``."""
from __future__ import annotations

import uuid
from fractions import Fraction
from typing import Any

import asyncpg

from services.nominations import commendations
from services.nominations.councils.domain import policy, thresholds
from services.nominations.councils.domain.result import OUTCOME_LABELS_VI, Candidate, Outcome, decide, quorum_needed
from services.nominations.councils.domain.states import ROLE_LABELS_VI, ROSTER_OPEN, SessionState, check
from services.nominations.councils.service.councils import (
    SCHEMA,
    council_for,
    fraction_text,
    read_share,
    refusals,
    versions,
)
from services.nominations.councils.store import ballots as ballot_store
from services.nominations.councils.store import councils as council_store
from services.nominations.councils.store import sessions as store
from services.nominations.registry_client import RegistryClient
from shared import audit
from shared.auth import Principal
from shared.contracts.councils import (
    COUNCIL_RESULT,
    COUNCIL_SESSION_CLOSED,
    COUNCIL_SESSION_OPENED,
    COUNCIL_SESSION_SCHEDULED,
    CouncilNomineeResultV1,
    CouncilResultV1,
    CouncilSessionV1,
)
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.events import emit

OVER_CAP_LABEL = "Vượt giới hạn Cờ thi đua của Chính phủ"


async def session_for(conn: asyncpg.Connection, council_id: uuid.UUID, session_id: uuid.UUID,
                      *, lock: bool = False) -> asyncpg.Record:
    row = await store.get(conn, session_id, lock=lock)
    if row is None or row["council_id"] != council_id:
        raise NotFound(f"no session {session_id} of council {council_id}", field="session_id")
    return row


def require_secretary(actor: Principal, row: asyncpg.Record, what: str) -> None:
    if not policy.is_secretary(actor, organiser=row["organiser"]):
        raise Forbidden(f"only the emulation office of {row['organiser']} may {what}")


def _share(row: asyncpg.Record) -> Fraction:
    return Fraction(row["quorum_numerator"], row["quorum_denominator"])


async def public(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    present = len(await store.attendance(conn, row["id"]))
    needed = quorum_needed(row["members_total"], _share(row))
    nominees = []
    for n in await store.nominees(conn, row["id"]):
        share = Fraction(n["threshold_numerator"], n["threshold_denominator"])
        nominees.append({**{k: n[k] for k in ("nominee_id", "form_code", "form_name", "kind", "name", "position",
                                              "unit", "province_code", "province_name", "cluster_code")},
                         "threshold": fraction_text(share), "threshold_basis": n["threshold_basis"],
                         "votes_needed": thresholds.votes_needed(share, row["members_total"])})
    return {**{k: row[k] for k in ("id", "council_id", "organiser", "year", "held_on", "place", "title", "state",
                                   "members_total", "quotas", "created_by", "created_at", "opened_at", "closed_at",
                                   "result")},
            "present_members": present, "quorum": fraction_text(_share(row)), "quorum_needed": needed,
            "quorum_met": present >= needed, "voted": len(await ballot_store.voters(conn, row["id"])),
            "nominees": nominees}


async def schedule(conn: asyncpg.Connection, *, actor: Principal, council_id: uuid.UUID,
                   values: dict[str, Any]) -> dict[str, Any]:
    council = await council_for(conn, council_id)
    organiser = council["organiser"]
    if not policy.is_secretary(actor, organiser=organiser):
        raise Forbidden(f"only the emulation office of {organiser} may schedule its council's sessions")
    if values["held_on"] < council["term_from"] or (council["term_to"] and values["held_on"] > council["term_to"]):
        raise Unprocessable("the session is held within the council's term", field="held_on")
    quorum = read_share(values["quorum"], "quorum")
    found = await commendations.council_nominees(conn, nominee_ids=values["nominee_ids"], organiser=organiser)
    for i, n in enumerate(found):
        if n["year"] != values["year"]:
            raise Unprocessable(f"{n['name']} is proposed for {n['year']}, the session is for {values['year']}",
                                field=f"nominee_ids.{i}")
    taken = set(await store.nominees_elsewhere(conn, values["nominee_ids"]))
    if taken:
        raise Conflict("a nominee is put to its council once", field="nominee_ids", slug="nominee-on-a-session")
    unknown = set(values["quotas"]) - {n["form_code"] for n in found}
    if unknown:
        raise Unprocessable(f"no nominee of the session is proposed for {sorted(unknown)[0]}", field="quotas")
    configured = await versions(conn, organiser)
    rows = []
    for n in found:
        t = thresholds.threshold_for(configured, organiser=organiser, form_code=n["form_code"],
                                     form_name=n["form_name"], on=values["held_on"])
        rows.append({**n, "threshold_numerator": t.share.numerator, "threshold_denominator": t.share.denominator,
                     "threshold_basis": t.basis})
    members = await council_store.members(conn, council_id)
    row = await store.insert(conn, council_id=council_id, organiser=organiser, values=values,
                             members_total=len(members), quorum=(quorum.numerator, quorum.denominator),
                             created_by=actor.subject)
    await store.add_nominees(conn, row["id"], rows)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.session.schedule",
                       target=f"council-session:{row['id']}",
                       details={"council_id": str(council_id), "nominees": len(rows), "held_on": str(row["held_on"])})
    await _session_event(conn, row, COUNCIL_SESSION_SCHEDULED)
    return await public(conn, row)


async def get(conn: asyncpg.Connection, *, council_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any]:
    return await public(conn, await session_for(conn, council_id, session_id))


async def listing(conn: asyncpg.Connection, *, council_id: uuid.UUID) -> list[dict[str, Any]]:
    await council_for(conn, council_id)
    return [await public(conn, r) for r in await store.of_council(conn, council_id)]


async def roster(conn: asyncpg.Connection, *, council_id: uuid.UUID, session_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every member with its check-in and whether (and how) it voted: never what."""
    await session_for(conn, council_id, session_id)
    seen = {a["member_id"]: a for a in await store.attendance(conn, session_id)}
    voted = {v["member_id"]: v["channel"] for v in await ballot_store.voters(conn, session_id)}
    return [{"member_id": m["id"], "name": m["name"], "position": m["position"], "role": m["role"],
             "role_label": ROLE_LABELS_VI[m["role"]],
             "checked_in_at": seen[m["id"]]["checked_in_at"] if m["id"] in seen else None,
             "check_in_method": seen[m["id"]]["method"] if m["id"] in seen else None,
             "voted": voted.get(m["id"])} for m in await council_store.members(conn, council_id)]


async def check_in(conn: asyncpg.Connection, *, actor: Principal, council_id: uuid.UUID, session_id: uuid.UUID,
                   member_id: uuid.UUID) -> dict[str, Any]:
    """A member checks itself in (its own account) or the secretary's desk checks it in; once."""
    row = await session_for(conn, council_id, session_id, lock=True)
    member = await council_store.member(conn, council_id, member_id)
    if member is None:
        raise NotFound(f"no member {member_id} of this council", field="member_id")
    method = policy.check_in_method(actor, organiser=row["organiser"], account=member["account"])
    if method is None:
        raise Forbidden("a member checks itself in with its own account, or the secretary's desk checks it in")
    if SessionState(row["state"]) not in ROSTER_OPEN:
        raise Conflict("the session is closed: its attendance is final", slug="council-session-closed")
    if await store.check_in(conn, session_id=session_id, member_id=member_id, by=actor.subject, method=method):
        await audit.record(conn, schema=SCHEMA, actor=actor, action="council.check_in",
                           target=f"council-session:{session_id}", details={"member": str(member_id),
                                                                            "method": method})
    return await public(conn, row)


async def _member_accounts(conn: asyncpg.Connection, council_id: uuid.UUID) -> list[str]:
    """The registry accounts of the council's members, in the founding record's order: each is told personally."""
    return [m["account"] for m in await council_store.members(conn, council_id)]


async def _session_event(conn: asyncpg.Connection, row: asyncpg.Record, type_: str) -> None:
    out = await public(conn, row)
    await emit(conn, schema=SCHEMA, type=type_, aggregate_id=str(row["id"]), payload=CouncilSessionV1(
        session_id=row["id"], council_id=row["council_id"], organiser=row["organiser"], year=row["year"],
        title=row["title"], held_on=row["held_on"], members_total=row["members_total"],
        present_members=out["present_members"], quorum_needed=out["quorum_needed"], nominees=len(out["nominees"]),
        ballots=out["voted"], place=row["place"], members=await _member_accounts(conn, row["council_id"])))


async def open_session(conn: asyncpg.Connection, *, actor: Principal, council_id: uuid.UUID,
                       session_id: uuid.UUID) -> dict[str, Any]:
    row = await session_for(conn, council_id, session_id, lock=True)
    require_secretary(actor, row, "open the session's vote")
    if SessionState(row["state"]) is SessionState.open:
        return await public(conn, row)
    present = len(await store.attendance(conn, session_id))
    needed = quorum_needed(row["members_total"], _share(row))
    with refusals():
        check(row["state"], SessionState.open)
    if present < needed:
        raise Conflict(f"the council has no quorum: {present} of {row['members_total']} members present, "
                       f"{needed} needed", slug="council-quorum-not-met")
    row = await store.move(conn, session_id, state=SessionState.open)
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.session.open",
                       target=f"council-session:{session_id}", details={"present": present})
    await _session_event(conn, row, COUNCIL_SESSION_OPENED)
    return await public(conn, row)


def _reason(f: Any, label: str) -> str:
    return (f"Hội đồng thi đua, khen thưởng: {f.yes}/{f.members} thành viên đồng ý, cần {f.needed} "
            f"({fraction_text(f.share)} tổng số thành viên): {label}")


async def close_session(conn: asyncpg.Connection, *, actor: Principal, registry: RegistryClient,
                        council_id: uuid.UUID, session_id: uuid.UUID, cap_share: Any) -> dict[str, Any]:
    """Count the ballots (rewritten in random order first), decide each nominee, and write it."""
    row = await session_for(conn, council_id, session_id, lock=True)
    require_secretary(actor, row, "close the session's vote")
    if SessionState(row["state"]) is SessionState.closed:
        return await public(conn, row)
    with refusals():
        check(row["state"], SessionState.closed)
    await ballot_store.shuffle(conn, session_id)
    yes, ballots = await ballot_store.counts(conn, session_id)
    channels = [v["channel"] for v in await ballot_store.voters(conn, session_id)]
    nominees = await store.nominees(conn, session_id)
    figures = decide([Candidate(n["nominee_id"], n["form_code"],
                                Fraction(n["threshold_numerator"], n["threshold_denominator"])) for n in nominees],
                     yes={n["nominee_id"]: yes.get(str(n["nominee_id"]), 0) for n in nominees}, ballots=ballots,
                     members=row["members_total"], quotas=row["quotas"])
    approved = [f.nominee_id for f in figures if f.outcome is Outcome.approved]
    refused = {f.nominee_id: _reason(f, OUTCOME_LABELS_VI[f.outcome]) for f in figures
               if f.outcome is not Outcome.approved}
    verdict = await commendations.apply_council_verdict(
        conn, actor=actor, registry=registry, session_id=session_id, organiser=row["organiser"], approved=approved,
        refused=refused, cap_share=cap_share)
    names = {n["nominee_id"]: n for n in nominees}
    lines = []
    for f in figures:
        outcome = "over_cap" if verdict.get(f.nominee_id) == "over_cap" else f.outcome.value
        label = OVER_CAP_LABEL if outcome == "over_cap" else OUTCOME_LABELS_VI[f.outcome]
        lines.append({"nominee_id": str(f.nominee_id), "name": names[f.nominee_id]["name"], "form_code": f.form_code,
                      "province_code": names[f.nominee_id]["province_code"], "yes": f.yes, "no": f.no,
                      "ballots": f.ballots, "members": f.members, "needed": f.needed,
                      "threshold": fraction_text(f.share), "rank": f.rank, "outcome": outcome,
                      "outcome_label": label})
    result = {"members": row["members_total"], "ballots": ballots, "in_person": channels.count("in_person"),
              "written": channels.count("written"), "nominees": lines}
    with refusals():
        row = await store.move(conn, session_id, state=SessionState.closed, result=result)
    approved_count = sum(1 for line in lines if line["outcome"] == "approved")
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.session.close",
                       target=f"council-session:{session_id}",
                       details={"ballots": ballots, "approved": approved_count, "refused": len(lines) - approved_count})
    await _session_event(conn, row, COUNCIL_SESSION_CLOSED)
    await emit(conn, schema=SCHEMA, type=COUNCIL_RESULT, aggregate_id=str(session_id), payload=CouncilResultV1(
        session_id=session_id, council_id=council_id, organiser=row["organiser"], year=row["year"], title=row["title"],
        members_total=row["members_total"], ballots=ballots, approved=approved_count,
        refused=len(lines) - approved_count,
        nominees=[CouncilNomineeResultV1(**{k: line[k] for k in ("nominee_id", "form_code", "province_code", "yes",
                                                                  "needed", "outcome")}) for line in lines],
        provinces=sorted({line["province_code"] for line in lines}),
        members=await _member_accounts(conn, council_id)))
    return await public(conn, row)
