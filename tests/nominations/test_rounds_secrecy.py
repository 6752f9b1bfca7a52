"""Secrecy by construction: nothing in the schema links a ballot to its voter, the close breaks the
system-column link, the state machine holds even against raw SQL, ballot retries are sealed."""
import itertools
import secrets
import uuid

import asyncpg
import pytest

from services.nominations.voting.domain.rounds import TRANSITIONS, RoundState
from tests.nominations.conftest import NORTH
from tests.support import fields_naming, problem

SECRET_TABLES = ("ballots", "participation", "ballot_idempotency")
TIME_TYPES = {"timestamp with time zone", "timestamp without time zone", "date", "time with time zone",
              "time without time zone", "interval"}


async def test_the_schema_has_nothing_that_links_a_ballot_to_its_voter(database_url):
    conn = await asyncpg.connect(database_url)
    try:
        columns = {}
        for table in SECRET_TABLES:
            rows = await conn.fetch(
                """SELECT column_name, data_type, column_default FROM information_schema.columns
                    WHERE table_schema = 'nominations' AND table_name = $1""", table)
            assert rows, table
            columns[table] = {r["column_name"]: r for r in rows}
            # No timestamp of any kind, no sequence that would number rows in casting order.
            assert not [c for c, r in columns[table].items() if r["data_type"] in TIME_TYPES], table
            assert not [c for c, r in columns[table].items() if "nextval" in (r["column_default"] or "")], table
        assert set(columns["ballots"]) & set(columns["participation"]) == {"round_id"}
        assert set(columns["ballot_idempotency"]) & set(columns["participation"]) == {"round_id"}
        assert "province_code" not in columns["ballots"] and "choices" not in columns["participation"]
        assert columns["ballots"]["id"]["data_type"] == "uuid"
        assert "gen_random_uuid" in columns["ballots"]["id"]["column_default"]

        # Foreign keys: each secret table points at rounds only, never at another secret table.
        fks = await conn.fetch(
            """SELECT c.conrelid::regclass::text AS source, c.confrelid::regclass::text AS target
                 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE n.nspname = 'nominations' AND c.contype = 'f'
                  AND (c.conrelid::regclass::text LIKE ANY ($1) OR c.confrelid::regclass::text LIKE ANY ($1))""",
            [f"nominations.{t}" for t in SECRET_TABLES])
        # A paper ballot dispute names the member whose participation it disputes (who voted,
        # never how): it points at participation, nothing points at ballots.
        assert {(f["source"], f["target"]) for f in fks} == {
            ("nominations.ballots", "nominations.rounds"), ("nominations.participation", "nominations.rounds"),
            ("nominations.ballot_idempotency", "nominations.rounds"),
            ("nominations.paper_ballot_disputes", "nominations.participation")}
        # No view or other table joins the two either.
        views = await conn.fetch("SELECT table_name FROM information_schema.views WHERE table_schema = 'nominations'")
        assert views == []
    finally:
        await conn.close()


async def test_the_close_rewrites_ballots_so_system_columns_no_longer_pair_them(vote):
    r = await vote.opened(award="ministry_flag")
    await vote.cast_all(r["id"], {c: (["22"] if c != "22" else ["34"]) for c in NORTH})
    db = vote.nominations.app.state.db

    async def xmins(table):
        async with db.connection() as conn:
            return [row["x"] for row in await conn.fetch(
                f"SELECT xmin::text AS x FROM nominations.{table} WHERE round_id = $1", uuid.UUID(r["id"]))]

    async def ballot_ids():
        async with db.connection() as conn:
            return {row["id"] for row in await conn.fetch("SELECT id FROM nominations.ballots")}

    # While open, each ballot was written by the transaction that wrote its participation row:
    # the residual risk the close removes (see the README).
    assert set(await xmins("ballots")) == set(await xmins("participation"))
    ids_before = await ballot_ids()
    await vote.close(r["id"])
    after = await xmins("ballots")
    assert len(after) == 8 and len(set(after)) == 1
    assert not set(after) & set(await xmins("participation"))
    assert not (await ballot_ids()) & ids_before  # fresh ids, too


async def test_the_database_refuses_illegal_transitions_even_from_raw_sql(vote, database_url):
    draft = await vote.create()
    opened = await vote.opened(award="ministry_flag")
    counted = await vote.opened(award="certificate_of_merit")
    await vote.cast_all(counted["id"], {c: (["22"] if c != "22" else ["34"]) for c in NORTH})
    await vote.close(counted["id"])
    conn = await asyncpg.connect(database_url)
    try:
        async def refused(sql, *args, constraint=None):
            with pytest.raises(asyncpg.IntegrityConstraintViolationError) as caught:
                await conn.execute(sql, *args)
            if constraint:
                assert caught.value.constraint_name == constraint, caught.value

        for rid, state in [(draft["id"], "approved"), (draft["id"], "closed"), (opened["id"], "certified"),
                           (opened["id"], "draft"), (counted["id"], "approved"), (counted["id"], "open")]:
            await refused(f"UPDATE nominations.rounds SET state = '{state}', result = '{{}}', "
                          "certified_at = now(), certified_by = 'x', decided_at = now(), decided_by = 'x' "
                          "WHERE id = $1", uuid.UUID(rid), constraint="rounds_state_transition")
        await refused("UPDATE nominations.rounds SET state = 'bogus' WHERE id = $1", uuid.UUID(draft["id"]))
        # Behind the trigger, a CHECK names every state there is.
        known = await conn.fetchval("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'rounds_state_known'")
        assert all(f"'{s.value}'" in known for s in RoundState)
        # Frozen once open: the electorate, the rules; the count once stored.
        await refused("UPDATE nominations.rounds SET electorate = '{34}' WHERE id = $1", uuid.UUID(opened["id"]),
                      constraint="rounds_frozen")
        await refused("UPDATE nominations.rounds SET seats = 3 WHERE id = $1", uuid.UUID(opened["id"]),
                      constraint="rounds_frozen")
        await refused("UPDATE nominations.rounds SET result = '{}' WHERE id = $1", uuid.UUID(counted["id"]),
                      constraint="rounds_frozen")
        # A round cannot be born past draft, and none is ever deleted.
        await refused("""INSERT INTO nominations.rounds (cluster_code, cluster_name, year, award, seats, max_choices,
                           threshold_num, threshold_den, quorum_num, quorum_den, self_vote, candidates, lead_code,
                           created_by, state, electorate, result)
                         VALUES ('X', 'X', 2023, 'ministry_flag', 1, 1, 1, 2, 2, 3, false, '{22}', '34', 'x',
                                 'closed', '{22}', '{}')""", constraint="rounds_state_transition")
        await refused("DELETE FROM nominations.rounds WHERE id = $1", uuid.UUID(draft["id"]))
        # Counted ballots are the record: not changed, not removed; none enters a closed round.
        await refused("UPDATE nominations.ballots SET choices = '{}' WHERE round_id = $1", uuid.UUID(counted["id"]))
        await refused("DELETE FROM nominations.ballots WHERE round_id = $1", uuid.UUID(counted["id"]))
        await refused("""INSERT INTO nominations.ballots (round_id, choices, commitment) VALUES ($1, '{}', $2)""",
                      uuid.UUID(counted["id"]), "a" * 64, constraint="ballots_round_open")
        await refused("""INSERT INTO nominations.participation (round_id, province_code, channel)
                         VALUES ($1, '01', 'online')""", uuid.UUID(opened["id"]),
                      constraint="participation_round_open")  # 01 is not in the electorate
        await refused("""INSERT INTO nominations.ballots (round_id, choices, commitment) VALUES ($1, '{34,22}', $2)""",
                      uuid.UUID(opened["id"]), "b" * 64, constraint="ballots_choices_canonical")
        # The legal path still works from raw SQL.
        await conn.execute("UPDATE nominations.rounds SET state = 'certified', certified_at = now(), "
                           "certified_by = 'x' WHERE id = $1", uuid.UUID(counted["id"]))
        assert (await vote.get(counted["id"]))["state"] == "certified"

        # The schema's table is the domain's table, pair for pair.
        for old, new in itertools.product(RoundState, RoundState):
            if old == new:
                continue
            allowed = await conn.fetchval("SELECT nominations.round_transition_allowed($1, $2)", old.value, new.value)
            assert allowed == (new in TRANSITIONS[old]), (old, new)
    finally:
        await conn.close()


async def test_ballot_retries_are_sealed_under_the_idempotency_key(vote):
    r = await vote.opened(award="ministry_flag")
    rid = r["id"]
    key = str(uuid.uuid4())
    first = await vote.cast(rid, "33", ["22"], key=key)
    again = await vote.cast(rid, "33", ["22"], key=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    receipt = first.json()["receipt"]
    body = problem(await vote.cast(rid, "33", ["31"], key=key), 422)
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert problem(await vote.cast(rid, "30", ["22"], key="short"), 422)["errors"][0]["field"] == "Idempotency-Key"
    # The same key from another province is its own key: its own ballot.
    other = await vote.cast(rid, "30", ["22"], key=key)
    assert other.status_code == 201 and other.json() != first.json()

    async with vote.nominations.app.state.db.connection() as conn:
        rows = await conn.fetch("SELECT key_hash, request_mac, sealed FROM nominations.ballot_idempotency")
        plain = await conn.fetchval("SELECT count(*) FROM nominations.idempotency_keys")
    assert len(rows) == 2 and plain == 0
    for row in rows:
        stored = row["key_hash"] + row["request_mac"] + row["sealed"].hex()
        assert key not in stored and receipt["secret"] not in stored and receipt["commitment"] not in stored
        assert receipt["secret"].encode() not in row["sealed"]

    # After the close a lost answer can still be fetched with the key: the receipt to verify.
    await vote.close(rid)
    late = await vote.cast(rid, "33", ["22"], key=key)
    assert late.status_code == 201 and late.json()["receipt"] == receipt
    problem(await vote.cast(rid, "36", ["22"], key=str(uuid.uuid4())), 409)


async def test_receipts_verify_only_what_was_counted(vote):
    r = await vote.opened(award="ministry_flag")
    # Everyone votes: only a vote that meets its quorum has a bulletin to check receipts against.
    receipt = (await vote.cast_all(r["id"], {c: (["22"] if c != "22" else ["34"]) for c in NORTH}))["33"]
    await vote.close(r["id"])

    async def check(commitment):
        resp = await vote.nominations.client.post(f"/v1/rounds/{r['id']}/verify", headers=vote.province("01"),
                                                  json={"receipt": commitment})
        assert resp.status_code == 200, resp.text
        return resp.json()

    assert await check(receipt["commitment"].upper()) == {
        "round_id": r["id"], "commitment": receipt["commitment"], "counted": True, "choices": ["22"]}
    missing = await check("f" * 64)
    assert missing["counted"] is False and missing["choices"] is None
    # A commitment of another round is not this round's ballot.
    other = await vote.opened(award="certificate_of_merit")
    other_receipt = await vote.cast_ok(other["id"], "33", ["22"])
    assert (await check(other_receipt["commitment"]))["counted"] is False


async def test_closing_the_moment_one_province_has_voted_reveals_nothing_of_its_ballot(vote):
    """The review's attack: the lead watches the turnout and closes the vote as soon as only its
    target has voted. The vote fails its quorum and publishes how many voted, never what."""
    r = await vote.opened(award="ministry_flag")
    rid, lead = r["id"], vote.province("34")
    key = str(uuid.uuid4())
    cast = await vote.cast(rid, "22", ["31"], key=key)
    assert cast.status_code == 201, cast.text
    receipt = cast.json()["receipt"]
    turnout = (await vote.nominations.client.get(f"/v1/rounds/{rid}/turnout", headers=lead)).json()
    assert [v["code"] for v in turnout["voted"]] == ["22"]  # the lead knows who, by design

    closed = await vote.close(rid)
    assert closed["state"] == "failed_quorum"
    result = closed["result"]
    assert (result["ballots_cast"], result["electorate_size"], result["quorum_met"]) == (1, 8, False)
    assert all(result[k] is None for k in ("votes", "ranking", "blank_ballots", "valid_ballots"))
    assert fields_naming(result, "31") == []  # the choice appears nowhere in the result

    client = vote.nominations.client
    for headers in (lead, vote.ministry, vote.province("22")):
        assert (await client.get(f"/v1/rounds/{rid}", headers=headers)).json()["result"] == result
        for answer in (await client.get(f"/v1/rounds/{rid}/bulletin", headers=headers),
                       await client.post(f"/v1/rounds/{rid}/verify", headers=headers,
                                         json={"receipt": receipt["commitment"]})):
            assert problem(answer, 409)["type"].endswith("not-published")
        problem(await client.get(f"/v1/rounds/{rid}/minutes", headers=headers), 409)  # never certified
    listed = (await client.get("/v1/rounds", headers=lead, params={"state": "failed_quorum"})).json()["items"]
    assert [i["result"] for i in listed] == [result]
    # The voter's retry still gets its receipt back (sealed under its key), which now verifies nothing.
    again = await vote.cast(rid, "22", ["31"], key=key)
    assert again.status_code == 201 and again.json()["receipt"] == receipt
    # The ballot itself is gone; only who voted remains.
    async with vote.nominations.app.state.db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM nominations.ballots WHERE round_id = $1", uuid.UUID(rid)) == 0
        assert await conn.fetchval("SELECT count(*) FROM nominations.participation WHERE round_id = $1",
                                   uuid.UUID(rid)) == 1
        closing = await conn.fetch("""SELECT payload::text AS p FROM nominations.outbox
                                        WHERE aggregate_id = $1 AND type = 'nominations.round.closed'""", rid)
        audit = await conn.fetch("""SELECT details::text AS d FROM nominations.audit_log
                                     WHERE target = $1 AND action IN ('ballot.cast', 'round.close')""", f"round:{rid}")
    assert len(closing) == 1 and "votes" not in closing[0]["p"]  # the closed event names the electorate only
    assert len(audit) == 2 and not any('"31"' in a["d"] or "votes" in a["d"] for a in audit)


async def test_the_database_refuses_a_failed_count_that_keeps_votes_or_ballots_and_a_low_quorum(vote, database_url):
    r = await vote.opened(award="ministry_flag")
    await vote.cast_ok(r["id"], "22", ["31"])
    conn = await asyncpg.connect(database_url)
    try:
        async def refused(sql, *args, constraint):
            with pytest.raises(asyncpg.IntegrityConstraintViolationError) as caught:
                await conn.execute(sql, *args)
            assert caught.value.constraint_name == constraint, caught.value

        close = ("UPDATE nominations.rounds SET state = 'closed', closed_at = now(), result = $2::jsonb "
                 "WHERE id = $1")
        # A failed count with its votes, or with its ballots still there, is not stored.
        await refused(close, uuid.UUID(r["id"]), '{"quorum_met": false, "votes": {"31": 1}}',
                      constraint="rounds_failed_vote_publishes_nothing")
        await refused(close, uuid.UUID(r["id"]), '{"quorum_met": false, "votes": null, "ranking": null}',
                      constraint="rounds_failed_vote_publishes_nothing")
        # A new round needs a quorum of at least 1/2 (1/2 itself is fine).
        insert = """INSERT INTO nominations.rounds (cluster_code, cluster_name, year, award, seats, max_choices,
                         threshold_num, threshold_den, quorum_num, quorum_den, self_vote, candidates, lead_code,
                         created_by)
                    VALUES ('X', 'X', 2023, 'ministry_flag', 1, 1, 1, 2, $1, $2, false, '{22}', '34', 'x')"""
        await refused(insert, 1, 3, constraint="rounds_quorum_floor")
        await refused(insert, 499999, 1000000, constraint="rounds_quorum_floor")
        await conn.execute(insert, 1, 2)
    finally:
        await conn.close()
    assert (await vote.get(r["id"]))["state"] == "open"


async def test_a_ballot_idempotency_key_must_be_at_least_22_characters(vote):
    r = await vote.opened(award="ministry_flag")
    body = problem(await vote.cast(r["id"], "33", ["22"], key="k" * 21), 422)
    assert body["errors"][0]["field"] == "Idempotency-Key" and body["type"].endswith("weak-idempotency-key")
    assert (await vote.cast(r["id"], "33", ["22"], key=secrets.token_urlsafe(16))).status_code == 201  # 22 chars
