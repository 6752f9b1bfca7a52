"""A Ministry- or Government-flag round shows each candidate's place in the cluster-year's latest
ranking (issue 5), so the conference votes with the ranking in view; a certificate of merit does not."""
from tests.nominations.conftest import CLUSTER, NORTH, NORTH_NAMES
from tests.nominations.scoring_support import SHEETS, YEAR

RANK_FIELDS = ("rank", "total", "share", "band")
UNRANKED = dict.fromkeys(RANK_FIELDS)


def expected_ranks(candidates, rows):
    """What a round with these candidates must show, from GET /v1/rankings rows."""
    return [{"code": c, "name": NORTH_NAMES[c], **({k: rows[c][k] for k in RANK_FIELDS} if c in rows else UNRANKED)}
            for c in candidates]


async def test_flag_rounds_show_each_candidates_rank_and_certificates_do_not(scoring):
    vote, client = scoring.vote, scoring.client

    # No snapshot yet: the ranks are there, and null.
    early = await vote.create(award="ministry_flag")
    assert early["candidate_ranks"] == expected_ranks(sorted(NORTH), {})

    # Every member but Hà Nam (35) submits; the ranking is computed directly (no worker).
    unranked = "35"
    await scoring.published()
    await scoring.scored({p: s for p, s in SHEETS.items() if p != unranked})
    assert [w["scope"] for w in (await scoring.recompute_inline(CLUSTER))["written"]] == [CLUSTER, "national"]
    r = await client.get(f"/v1/rankings/{YEAR}", params={"cluster": CLUSTER}, headers=vote.province("36"))
    assert r.status_code == 200, r.text
    rows = {row["province"]: row for row in r.json()["rows"]}
    assert len(rows) == 7 and unranked not in rows
    assert rows["34"]["rank"] == rows["37"]["rank"]  # an exact tie shows as one rank

    ministry = await vote.create(award="ministry_flag", seats=2)
    assert ministry["candidate_ranks"] == expected_ranks(sorted(NORTH), rows)
    assert next(c for c in ministry["candidate_ranks"] if c["code"] == unranked) == {
        "code": unranked, "name": NORTH_NAMES[unranked], **UNRANKED}
    # In the round's candidate order, for its candidates only.
    government = await vote.create(award="government_flag", candidates=["37", "22", "34"])
    assert government["candidate_ranks"] == expected_ranks(["37", "22", "34"], rows)
    merit = await vote.create(award="certificate_of_merit", seats=3)
    assert merit["candidate_ranks"] is None

    # The same on every read: the round, its opening, the list; the early draft now shows the ranking.
    for round_ in (early, ministry):
        assert (await vote.get(round_["id"]))["candidate_ranks"] == expected_ranks(sorted(NORTH), rows)
    assert (await vote.get(government["id"], vote.province("34")))["candidate_ranks"] == \
        expected_ranks(["37", "22", "34"], rows)
    assert (await vote.get(merit["id"]))["candidate_ranks"] is None
    opened = await vote.open(ministry["id"])
    assert opened["candidate_ranks"] == expected_ranks(sorted(NORTH), rows)
    assert (await vote.get(ministry["id"], vote.province("36")))["candidate_ranks"] == opened["candidate_ranks"]
    listed = await client.get("/v1/rounds", headers=vote.ministry, params={"cluster": CLUSTER, "year": YEAR})
    assert listed.status_code == 200, listed.text
    by_id = {item["id"]: item["candidate_ranks"] for item in listed.json()["items"]}
    assert by_id == {early["id"]: expected_ranks(sorted(NORTH), rows), ministry["id"]: opened["candidate_ranks"],
                     government["id"]: expected_ranks(["37", "22", "34"], rows), merit["id"]: None}

    # A later snapshot is what a round shows from then on.
    await scoring.scored({unranked: SHEETS[unranked]})
    await scoring.recompute_inline(CLUSTER)
    rows = {row["province"]: row for row in (await client.get(
        f"/v1/rankings/{YEAR}", params={"cluster": CLUSTER}, headers=vote.ministry)).json()["rows"]}
    assert len(rows) == 8
    assert (await vote.get(ministry["id"]))["candidate_ranks"] == expected_ranks(sorted(NORTH), rows)
    assert (await vote.get(merit["id"]))["candidate_ranks"] is None
