"""The close counts in SQL (``store.ballots.counts``) and decides with the pure rules (``decide``):
on random rounds in a real database, the SQL count equals the count of the same ballots in Python,
and the close stores what ``tally`` makes of the ballots it leaves on the bulletin."""
import random
import secrets
import uuid
from collections import Counter

import pytest

from services.nominations.voting import service as service_rounds
from services.nominations.voting.domain.tally import decide, tally
from services.nominations.voting.store import ballots as ballot_store
from services.nominations.voting.store import rounds as round_store
from shared.auth import Principal
from shared.db import connect

# The rounds here have no deadline: their lead closes them (a service account closes only due rounds).
LEAD = Principal(subject="province-34", role="province", province="34")


@pytest.fixture
async def conn(database_url):
    conn = await connect(database_url)
    yield conn
    await conn.close()


async def open_round(conn, *, candidates, electorate, seats=3, max_choices=3, award="ministry_flag",
                     threshold=(1, 2), quorum=(2, 3)) -> uuid.UUID:
    round_id = uuid.uuid4()
    await round_store.insert(
        conn, id=round_id, parent_round_id=None, cluster_code="NV-BAC", cluster_name="Cụm thử", year=2023,
        award=award, seats=seats, max_choices=max_choices, threshold=threshold, quorum=quorum, self_vote=True,
        candidates=candidates, lead_code="34", unit_names={}, closes_at=None, created_by="test")
    await round_store.mark_open(conn, round_id, electorate=electorate, unit_names={})
    return round_id


async def cast(conn, rng, round_id, *, candidates, max_choices, count, blank_share=0.1) -> list[list[str]]:
    ballots = [[] if rng.random() < blank_share else sorted(rng.sample(candidates, rng.randint(1, max_choices)))
               for _ in range(count)]
    await insert(conn, round_id, ballots)
    return ballots


async def insert(conn, round_id, ballots) -> None:
    """Stored as a cast would store them (the schema's triggers check them: open round, candidates)."""
    await conn.copy_records_to_table(
        "ballots", schema_name="nominations", columns=["id", "round_id", "choices", "commitment"],
        records=[(uuid.uuid4(), round_id, b, secrets.token_hex(32)) for b in ballots])


def python_count(ballots):
    return dict(Counter(code for b in ballots for code in b)), len(ballots), sum(1 for b in ballots if not b)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_sql_count_equals_the_python_count(conn, seed):
    rng = random.Random(seed)
    codes = [f"{i:02d}" for i in range(1, 64)]
    rounds = {}
    for _ in range(3):  # several rounds in the table: each is counted on its own ballots only
        candidates = sorted(rng.sample(codes, rng.randint(1, 20)))
        max_choices = rng.randint(1, len(candidates))
        count = rng.randint(0, 3000)
        round_id = await open_round(conn, candidates=candidates, electorate=[f"v{i}" for i in range(count)],
                                    max_choices=max_choices)
        ballots = await cast(conn, rng, round_id, candidates=candidates, max_choices=max_choices, count=count,
                             blank_share=rng.choice([0, 0.1, 0.5]))
        rounds[round_id] = (candidates, ballots)

    for round_id, (candidates, ballots) in rounds.items():
        counted = await ballot_store.counts(conn, round_id)
        assert counted == python_count(ballots)
        # and the same as counting what the database hands back ballot by ballot
        assert counted == python_count(await ballot_store.choices(conn, round_id))
        votes, cast_, blank = counted
        for seats in (1, 2, 5):
            assert decide(candidates=candidates, electorate_size=len(ballots) + 1, votes=votes, ballots_cast=cast_,
                          blank_ballots=blank, seats=seats) == \
                tally(candidates=candidates, electorate_size=len(ballots) + 1, ballots=ballots, seats=seats)


async def test_a_round_without_ballots_or_with_only_blanks(conn):
    rng = random.Random(0)
    empty = await open_round(conn, candidates=["22", "34"], electorate=["22", "34"], max_choices=1)
    assert await ballot_store.counts(conn, empty) == ({}, 0, 0)
    assert await ballot_store.counts(conn, uuid.uuid4()) == ({}, 0, 0)  # no such round: nothing
    blanks = await open_round(conn, candidates=["22", "34"], electorate=["22", "34", "30"], max_choices=1)
    await cast(conn, rng, blanks, candidates=["22", "34"], max_choices=1, count=3, blank_share=1)
    assert await ballot_store.counts(conn, blanks) == ({}, 3, 3)


async def close_and_compare(conn, round_id, *, candidates, electorate_size, seats, threshold, ballots_cast):
    async with conn.transaction():
        closed = await service_rounds.close_round(conn, actor=LEAD, round_id=round_id)
    result = closed["result"]
    if not result["quorum_met"]:
        # A failed vote publishes how many voted, never what: no counts, and its ballots are gone.
        assert closed["state"] == "failed_quorum" and result["outcome"] == "failed_quorum"
        assert (result["ballots_cast"], result["electorate_size"], result["proposed"]) == (
            ballots_cast, electorate_size, [])
        assert all(result[k] is None for k in ("votes", "ranking", "blank_ballots", "valid_ballots"))
        assert await ballot_store.bulletin(conn, round_id) == []
        assert await ballot_store.counts(conn, round_id) == ({}, 0, 0)
        return closed
    expected = tally(candidates=candidates, electorate_size=electorate_size,
                     ballots=[choices for _, choices in await ballot_store.bulletin(conn, round_id)], seats=seats,
                     threshold=threshold, quorum="2/3")
    assert result["ballots_cast"] == ballots_cast  # every ballot cast is on the bulletin
    assert result["votes"] == expected.votes
    assert (result["ballots_cast"], result["blank_ballots"], result["quorum_met"], result["outcome"]) == (
        expected.ballots_cast, expected.blank_ballots, expected.quorum_met, expected.outcome)
    assert result["ranking"] == [list(item) for item in expected.ranking]
    assert (result["tied"], result["remaining_seats"]) == (expected.tied, expected.remaining_seats)
    assert result["proposed"] == expected.proposed
    return closed


@pytest.mark.parametrize(("seed", "count", "outcome"), [(4, 1300, "failed_quorum"), (5, 2000, "proposed"),
                                                        (6, 1400, "proposed"), (7, 1334, "proposed")])
async def test_the_close_stores_what_tally_makes_of_the_bulletin(conn, seed, count, outcome):
    rng = random.Random(seed)
    candidates = sorted(rng.sample([f"{i:02d}" for i in range(1, 64)], 6))
    electorate = [f"v{i}" for i in range(2000)]  # 1334 of 2000 is the first count to meet 2/3
    round_id = await open_round(conn, candidates=candidates, electorate=electorate, seats=2, max_choices=2,
                                threshold=(1, 3))
    await cast(conn, rng, round_id, candidates=candidates, max_choices=2, count=count)
    closed = await close_and_compare(conn, round_id, candidates=candidates, electorate_size=len(electorate), seats=2,
                                     threshold="1/3", ballots_cast=count)
    assert closed["result"]["outcome"] == outcome


async def test_the_close_finds_a_tie_across_the_last_seat(conn):
    candidates = ["22", "30", "31", "33"]
    round_id = await open_round(conn, candidates=candidates, electorate=[f"v{i}" for i in range(1000)],
                                seats=2, max_choices=2, threshold=(0, 1))
    await insert(conn, round_id, [["22", "31"]] * 400 + [["22", "33"]] * 400 + [["30"]] * 100 + [[]] * 100)
    closed = await close_and_compare(conn, round_id, candidates=candidates, electorate_size=1000, seats=2,
                                     threshold=0, ballots_cast=1000)
    assert closed["state"] == "runoff_required"
    assert (closed["result"]["proposed"], closed["result"]["tied"]) == (["22"], ["31", "33"])
    assert closed["result"]["votes"] == {"22": 800, "30": 100, "31": 400, "33": 400}
