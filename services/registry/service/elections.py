"""The leadership elected at the conference, as the nominations service reports it: its event
``nominations.leadership.elected`` records the year's lead and deputy (method ``election``, the round
that completed the election as its ``source``), once.

Consumed at least once: each event id is recorded with what it did (``consumed_events``), in the
transaction of its effects, so a repeat does nothing. A year already decided is never overwritten:
the same lead and deputy again is ``unchanged``, another pair a ``conflict`` (audited; the
organiser's office corrects the leadership if it must). A period that does not exist yet raises
:class:`PeriodMissing` and records nothing: the event is not confirmed and comes again later.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg

from services.registry import events
from services.registry.domain import rotation
from services.registry.domain.periods import membership_day
from services.registry.store import clusters as cluster_store
from shared import audit
from shared.auth import Principal
from shared.contracts.envelope import EventEnvelope
from shared.contracts.nominations import LEADERSHIP_ELECTED, LeadershipElectedV1
from shared.errors import Unprocessable

SCHEMA = "registry"
CONSUMED_TYPES = frozenset({LEADERSHIP_ELECTED})


class PeriodMissing(LookupError):
    """The elected year has no period (or cluster) yet: try again later."""


async def consume(conn: asyncpg.Connection, envelope: Mapping[str, Any], *, today: date) -> str:
    """Handle one envelope inside the caller's transaction; returns its outcome (``duplicate`` for an
    event seen before, ``ignored`` for a type the registry does not consume)."""
    env = EventEnvelope.model_validate(envelope)
    if env.type not in CONSUMED_TYPES:
        return "ignored"
    claimed = await conn.fetchval(
        """INSERT INTO registry.consumed_events (event_id, type, outcome) VALUES ($1, $2, 'ignored')
           ON CONFLICT DO NOTHING RETURNING true""", env.id, env.type)
    if not claimed:
        return "duplicate"
    outcome = await _record(conn, LeadershipElectedV1.model_validate(env.payload), today=today)
    await conn.execute("UPDATE registry.consumed_events SET outcome = $2 WHERE event_id = $1", env.id, outcome)
    return outcome


async def _record(conn: asyncpg.Connection, elected: LeadershipElectedV1, *, today: date) -> str:
    cluster, year = elected.cluster_code, elected.year
    cluster_row = await cluster_store.get(conn, cluster)
    period = await cluster_store.lock_period(conn, cluster=cluster, year=year) if cluster_row else None
    if cluster_row is None or period is None:
        raise PeriodMissing(f"cluster {cluster} has no period {year} yet")
    actor = Principal(subject=elected.certified_by, role="service")
    source = f"round:{elected.source_round_id}"
    target = f"cluster:{cluster}/{year}"
    current = await cluster_store.leadership(conn, cluster=cluster, year=year)
    if current is not None:
        same = (current["lead_code"], current["deputy_code"]) == (elected.lead, elected.deputy)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="leadership.election_received", target=target,
                           details={"lead": elected.lead, "deputy": elected.deputy, "source": source,
                                    "outcome": "unchanged" if same else "conflict",
                                    "decided_lead": current["lead_code"], "decided_deputy": current["deputy_code"]})
        return "unchanged" if same else "conflict"
    members = await cluster_store.members(conn, cluster=cluster, year=year, on=membership_day(year, today))
    by_code = {m["code"]: m["id"] for m in members}
    try:
        rotation.check_election(lead=elected.lead, deputy=elected.deputy, members=by_code)
    except Unprocessable as exc:  # not members of the elected year: nothing to record, said in the audit
        await audit.record(conn, schema=SCHEMA, actor=actor, action="leadership.election_received", target=target,
                           details={"lead": elected.lead, "deputy": elected.deputy, "source": source,
                                    "outcome": "conflict", "reason": exc.detail})
        return "conflict"
    await cluster_store.insert_leadership(conn, cluster=cluster, year=year, lead_id=by_code[elected.lead],
                                          deputy_id=by_code[elected.deputy], method="election",
                                          decided_by=elected.certified_by, source=source)
    row = await cluster_store.leadership(conn, cluster=cluster, year=year)
    result = cluster_store.public_leadership(row)
    await events.publish(conn, events.LEADERSHIP_ROTATED, aggregate_id=f"{cluster}/{year}", payload={
        "cluster_code": cluster, "cluster_name": cluster_row["name"], "organiser": cluster_row["organiser_code"],
        "year": year, "method": "election", "lead": result["lead"], "deputy": result["deputy"],
        "members": [{"code": m["code"], "name": m["name"]} for m in members],
    })
    await audit.record(conn, schema=SCHEMA, actor=actor, action="leadership.elected", target=target,
                       details={"lead": elected.lead, "deputy": elected.deputy, "source": source,
                                "lead_round_id": str(elected.lead_round_id),
                                "deputy_round_id": str(elected.deputy_round_id)})
    return "recorded"
