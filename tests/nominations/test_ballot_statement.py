"""An online ballot is one statement (migration 040): everything it writes, and nothing when refused."""
from __future__ import annotations

import uuid

from shared.contracts.nominations import BallotCastV1
from tests.support import problem


async def _counts(vote, rid: str) -> dict[str, int]:
    async with vote.nominations.app.state.db.connection() as conn:
        row = await conn.fetchrow(
            """SELECT (SELECT count(*) FROM nominations.participation WHERE round_id = $1) AS participation,
                      (SELECT count(*) FROM nominations.ballots WHERE round_id = $1) AS ballots,
                      (SELECT count(*) FROM nominations.ballot_idempotency WHERE round_id = $1) AS keys,
                      (SELECT count(*) FROM nominations.outbox
                        WHERE type = 'nominations.round.ballot_cast' AND aggregate_id = $1::text) AS events,
                      (SELECT count(*) FROM nominations.audit_log
                        WHERE action = 'ballot.cast' AND target = 'round:' || $1::text) AS audit""",
            uuid.UUID(rid))
    return dict(row)


async def test_a_ballot_writes_its_rows_event_and_audit_entry_in_one_statement(vote):
    r = await vote.opened(award="ministry_flag")
    rid = r["id"]
    cast = await vote.cast(rid, "33", ["22"], key=str(uuid.uuid4()))
    assert cast.status_code == 201, cast.text
    assert await _counts(vote, rid) == {"participation": 1, "ballots": 1, "keys": 1, "events": 1, "audit": 1}
    # The event is its contract's payload (who voted, never how), as emit() would have written it.
    [event] = await vote.outbox("nominations.round.ballot_cast")
    assert BallotCastV1.model_validate({k: v for k, v in event.items() if k != "type"}).voter_code == "33"
    assert event == {"type": "nominations.round.ballot_cast", "round_id": rid, "cluster_code": r["cluster_code"],
                     "year": r["year"], "voter_code": "33"}
    async with vote.nominations.app.state.db.connection() as conn:
        details = await conn.fetchval("SELECT details FROM nominations.audit_log WHERE action = 'ballot.cast'")
    assert details == {"voter": "33", "channel": "online"}


async def test_a_refused_ballot_writes_nothing_and_keeps_the_answers_order(vote):
    r = await vote.opened(award="ministry_flag", seats=1)
    rid = r["id"]
    key = str(uuid.uuid4())
    # Invalid ballot in an open round: 422, and neither the key nor anything else is kept.
    problem(await vote.cast(rid, "33", ["22", "31"], key=key), 422)
    assert await _counts(vote, rid) == {"participation": 0, "ballots": 0, "keys": 0, "events": 0, "audit": 0}
    # The same key then works for a valid ballot; a second ballot of the province is 409 and
    # leaves no second key behind.
    assert (await vote.cast(rid, "33", ["22"], key=key)).status_code == 201
    assert problem(await vote.cast(rid, "33", ["31"], key=str(uuid.uuid4())), 409)["type"].endswith(":already-voted")
    assert await _counts(vote, rid) == {"participation": 1, "ballots": 1, "keys": 1, "events": 1, "audit": 1}
    # Unknown round: 404, before anything else.
    problem(await vote.cast(str(uuid.uuid4()), "33", ["22"], key=str(uuid.uuid4())), 404)
    # A closed round: 409 round-not-open even for an invalid ballot (the state answers first).
    await vote.close(rid)
    body = problem(await vote.cast(rid, "30", ["22", "31"], key=str(uuid.uuid4())), 409)
    assert body["type"].endswith(":round-not-open")


async def _listening(database_url):
    """A connection LISTENing on the nominations outbox channel, and the notifications it got."""
    import asyncio

    import asyncpg

    got: asyncio.Queue[str] = asyncio.Queue()
    conn = await asyncpg.connect(database_url)
    await conn.add_listener("nominations_outbox", lambda *args: got.put_nowait(args[2]))
    return conn, got


async def test_a_cast_ballot_wakes_the_relays_after_its_commit_and_a_refused_one_does_not(vote, database_url):
    import asyncio

    r = await vote.opened(award="ministry_flag", seats=1)
    rid = r["id"]
    listener, got = await _listening(database_url)
    try:
        # Refused (invalid ballot): nothing committed, no wake.
        problem(await vote.cast(rid, "33", ["22", "31"], key=str(uuid.uuid4())), 422)
        await asyncio.sleep(0.3)
        assert got.empty()
        # Cast: the statement commits without a NOTIFY (migration 045), the service then wakes the
        # relays; by the time the NOTIFY arrives the event row is there to be found.
        assert (await vote.cast(rid, "33", ["22"], key=str(uuid.uuid4()))).status_code == 201
        await asyncio.wait_for(got.get(), timeout=5)
        count = await listener.fetchval(
            "SELECT count(*) FROM nominations.outbox WHERE type = 'nominations.round.ballot_cast' "
            "AND aggregate_id = $1", rid)
        assert count == 1
    finally:
        await listener.close()


async def test_the_ballot_statement_itself_notifies_nobody(vote, database_url):
    import asyncio

    from services.nominations.voting import service
    from shared.auth import Principal

    r = await vote.opened(award="ministry_flag", seats=1)
    listener, got = await _listening(database_url)
    try:
        async with vote.nominations.app.state.db.connection() as conn:
            answer = await service.cast_ballot(conn, actor=Principal(subject="province-33", role="province",
                                                                     province="33"),
                                               round_id=uuid.UUID(r["id"]), choices=["22"], idempotency_key=None,
                                               body={"choices": ["22"]})
        assert answer.status_code == 201 and answer.wrote_event
        await asyncio.sleep(0.3)
        assert got.empty()  # the caller's wake (above: the route's) is what reaches the relays
    finally:
        await listener.close()
