"""The votes of a conference, as voting asks about them: a round is attached to a conference of its
cluster-year when it is created (its runoff follows it), and opens only while the conference is in
session with its quorum. These three functions are all voting may use of this context."""
from __future__ import annotations

import uuid

import asyncpg

from services.nominations.conferences.domain.states import ROSTER_OPEN, ConferenceState
from services.nominations.conferences.service.conferences import attendance, conference_for
from services.nominations.conferences.store import conferences as store
from services.nominations.conferences.store import rounds as round_links
from shared.errors import Conflict, Unprocessable


async def attach_round(conn: asyncpg.Connection, *, conference_id: uuid.UUID, round_id: uuid.UUID,
                       cluster_code: str, year: int) -> None:
    row = await store.get(conn, conference_id)
    if row is None:
        raise Unprocessable(f"no conference {conference_id}", field="conference_id")
    if (row["cluster_code"], row["year"]) != (cluster_code, year):
        raise Unprocessable(f"the conference is {row['cluster_code']}'s of {row['year']}, not this round's",
                            field="conference_id")
    if ConferenceState(row["state"]) not in ROSTER_OPEN:
        raise Conflict("the conference is adjourned: it holds no more votes", field="conference_id",
                       slug="conference-adjourned")
    await round_links.link(conn, conference_id=conference_id, round_id=round_id)


async def inherit_round(conn: asyncpg.Connection, *, parent_round_id: uuid.UUID, round_id: uuid.UUID) -> None:
    """A runoff belongs to its tied round's conference, if that one had one."""
    conference_id = await round_links.conference_of(conn, parent_round_id)
    if conference_id is not None:
        await round_links.link(conn, conference_id=conference_id, round_id=round_id)


async def require_quorum(conn: asyncpg.Connection, *, round_id: uuid.UUID) -> int | None:
    """409 unless the round's conference (if it has one) is in session and its quorum holds; the
    number of its member units present (None for a round without a conference)."""
    conference_id = await round_links.conference_of(conn, round_id)
    if conference_id is None:
        return None
    row = await conference_for(conn, conference_id, lock=True)  # no check-in or adjournment meanwhile
    if ConferenceState(row["state"]) is not ConferenceState.in_session:
        raise Conflict(f"the round's conference is {row['state']}: its votes open while it is in session",
                       slug="conference-not-in-session")
    seen = await attendance(conn, row)
    if not seen.quorum_met:
        raise Conflict(f"the conference has no quorum: {len(seen.present_units)} of {len(seen.member_units)} "
                       f"member units present, {seen.needed} needed", slug="quorum-not-met")
    return len(seen.present_units)
