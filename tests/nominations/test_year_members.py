"""The year as the lead, the members and the ministry live it: a member removed mid-year, the
cluster-year's list of sheets, whether I have voted, the year at a glance, thresholds as councils
write them."""
from tests.nominations.conftest import CLUSTER, NORTH
from tests.nominations.scoring_support import BASE, LEAD, SHEETS, YEAR
from tests.support import fields_naming, problem

REMOVED = "37"  # Ninh Bình


async def _replace_members(vote, members):
    r = await vote.registry.client.put(f"/v1/clusters/{CLUSTER}/periods/{YEAR}",
                                       headers=vote.registry.auth(vote.issue_token("ministry")),
                                       json={"members": members})
    assert r.status_code == 200, r.text


async def test_a_member_removed_mid_year_is_kept_marked_and_never_ranked(scoring):
    vote, client = scoring.vote, scoring.client
    await scoring.published()
    assert (await scoring.save(REMOVED, SHEETS[REMOVED])).status_code == 200  # its draft, before the change
    # The ministry replaces the members without Ninh Bình.
    await _replace_members(vote, [c for c in NORTH if c != REMOVED])
    # Every sheet action checks membership on the day: saving and submitting are refused.
    assert problem(await scoring.submit(REMOVED), 403)["errors"][0]["field"] == "province"
    problem(await scoring.save(REMOVED, SHEETS[REMOVED]), 403)
    await scoring.scored({c: s for c, s in SHEETS.items() if c != REMOVED})
    problem(await scoring.review(REMOVED, {"CM": (30, "Đối chiếu")}), 403)  # no longer a member: no cross-check
    # The lock waits for the members only and counts their sheets.
    r = await scoring.lock()
    assert r.status_code == 200, r.text
    assert r.json()["sheets"] == 7
    # The removed member's sheet is kept, marked, listed apart.
    listing = (await client.get(f"{BASE}/scores", headers=scoring.province(LEAD))).json()["items"]
    by_code = {i["province"]: i for i in listing}
    assert [i["province"] for i in listing][-1] == REMOVED
    assert by_code[REMOVED]["member"] is False and by_code[REMOVED]["state"] == "draft"
    assert by_code[REMOVED]["province_name"] == "Ninh Bình"
    assert all(by_code[c]["member"] and by_code[c]["locked"] for c in NORTH if c != REMOVED)
    seen = (await scoring.get_sheet(REMOVED, headers=scoring.ministry)).json()
    assert seen["member"] is False and seen["province_name"] == "Ninh Bình"
    # Rankings count only the period's members: no gap, no unnamed unit.
    await scoring.recompute_inline()
    rows = (await client.get(f"/v1/rankings/{YEAR}", params={"cluster": CLUSTER}, headers=scoring.ministry)).json()["rows"]
    assert sorted(row["province"] for row in rows) == sorted(c for c in NORTH if c != REMOVED)
    assert all(row["name"] for row in rows)
    national = (await client.get(f"/v1/rankings/{YEAR}/national", headers=scoring.ministry)).json()["rows"]
    assert REMOVED not in {row["province"] for row in national}
    # A flag round's candidates are this day's members, ranked without a gap.
    flag = await vote.create(award="ministry_flag")
    assert REMOVED not in flag["candidates"]
    assert sorted(c["rank"] for c in flag["candidate_ranks"]) == sorted(row["rank"] for row in rows)


async def test_the_cluster_years_sheets_and_where_each_stands(scoring):
    client = scoring.client
    await scoring.published()
    await scoring.scored({c: SHEETS[c] for c in ("33", "30", "31")})
    assert (await scoring.save("22", SHEETS["22"])).status_code == 200
    assert (await scoring.review("30", {"CM": (35, "Chưa đủ minh chứng")})).status_code == 200
    assert (await scoring.review("31", {})).status_code == 200  # checked: nothing to adjust
    lead_view = (await client.get(f"{BASE}/scores", headers=scoring.province(LEAD))).json()
    status = {i["province"]: i["status"] for i in lead_view["items"]}
    assert status == {"34": "not_started", "33": "submitted", "30": "adjusted", "31": "reviewed", "22": "draft",
                      "36": "not_started", "35": "not_started", "37": "not_started"}
    assert lead_view["covenant_version"] == 1 and lead_view["locked_at"] is None
    assert {i["province"]: i["adjustments"] for i in lead_view["items"]}["30"] == 1
    assert (await client.get(f"{BASE}/scores", headers=scoring.ministry)).json()["items"] == lead_view["items"]
    own = (await client.get(f"{BASE}/scores", headers=scoring.province("30"))).json()["items"]
    assert [(i["province"], i["status"]) for i in own] == [("30", "adjusted")]
    problem(await client.get(f"{BASE}/scores", headers=scoring.province("01")), 403)
    # The member is told its sheet was adjusted, with the reason.
    [adjusted] = await scoring.vote.outbox("nominations.sheet.adjusted")
    assert adjusted["province"] == "30" and adjusted["adjustments"] == [
        {"criterion": "CM", "points": 35, "reason": "Chưa đủ minh chứng"}]


async def test_a_round_tells_the_calling_province_whether_it_has_voted_never_how(vote):
    r = await vote.opened()
    assert (await vote.get(r["id"], vote.province("30")))["voted"] is False
    await vote.cast_ok(r["id"], "30", ["31"])
    mine = await vote.get(r["id"], vote.province("30"))
    assert mine["voted"] is True
    # No field beyond the round's own lists of units names the chosen one.
    assert set(fields_naming(mine, "31")) <= {"candidates", "electorate", "names", "candidate_ranks"}
    assert (await vote.get(r["id"], vote.province("31")))["voted"] is False
    assert (await vote.get(r["id"]))["voted"] is None  # the ministry is not a voter
    listed = (await vote.nominations.client.get("/v1/rounds", headers=vote.province("30"))).json()["items"]
    assert [x["voted"] for x in listed] == [True]


async def test_the_year_at_a_glance(scoring):
    vote, client = scoring.vote, scoring.client
    await scoring.published()
    await scoring.scored(SHEETS)
    await scoring.review("30", {"CM": (35, "Chưa đủ minh chứng")})
    assert (await scoring.lock()).status_code == 200
    flag = await vote.opened(award="ministry_flag")
    await vote.cast_all(flag["id"], {c: ["30"] for c in NORTH if c != "30"})
    await vote.close(flag["id"])
    assert (await vote.post(flag["id"], "certify", vote.province("34"))).status_code == 200
    assert (await vote.post(flag["id"], "approve", vote.ministry)).status_code == 200
    merit = await vote.create(award="certificate_of_merit")
    body = (await client.get(f"/v1/years/{YEAR}/clusters", headers=vote.ministry)).json()
    [item] = body["items"]
    assert item["cluster_code"] == CLUSTER and item["lead_code"] == "34"
    assert item["covenant"]["state"] == "published" and item["covenant"]["version"] == 1
    assert item["sheets"] == {"members": 8, "submitted": 8, "reviewed": 1, "adjusted": 1, "locked": 8}
    assert [(r["id"], r["award"], r["state"]) for r in item["rounds"]] == [
        (flag["id"], "ministry_flag", "approved"), (merit["id"], "certificate_of_merit", "draft")]
    assert item["approvals"][0]["proposed"] == ["30"] and item["approvals"][0]["round_id"] == flag["id"]
    problem(await client.get(f"/v1/years/{YEAR}/clusters", headers=vote.province("34")), 403)
    assert (await client.get("/v1/years/2030/clusters", headers=vote.ministry)).json()["items"] == []


async def test_a_threshold_counted_against_the_electorate_at_least(vote):
    # At least 3/4 of all eight members (6 votes), not of the six valid ballots.
    r = await vote.opened(seats=2, max_choices=2, threshold="3/4", threshold_base="electorate",
                          threshold_comparison="at_least", quorum="1/2")
    assert r["threshold_rule"] == "Đơn vị được đề nghị phải đạt ít nhất 75% tổng số thành viên của cụm, khối"
    ballots = {"34": ["30", "31"], "33": ["30", "31"], "31": ["30", "22"], "22": ["30", "31"], "36": ["30", "31"],
               "35": ["30", "22"]}
    await vote.cast_all(r["id"], ballots)
    closed = await vote.close(r["id"])
    # 30 has exactly 6 votes (enough "at least", not "more than"); 31 has 4, a majority of the valid
    # ballots, short of 3/4 of the electorate.
    assert closed["result"]["proposed"] == ["30"]
    assert (await vote.post(r["id"], "certify", vote.province("34"))).status_code == 200
    minutes = await vote.nominations.client.get(f"/v1/rounds/{r['id']}/minutes", headers=vote.province("34"))
    assert minutes.json()["rules"]["threshold_rule"] == r["threshold_rule"]
    html = await vote.nominations.client.get(f"/v1/rounds/{r['id']}/minutes", params={"format": "html"},
                                             headers=vote.province("34"))
    assert "đơn vị được đề nghị phải đạt ít nhất 75% tổng số thành viên của cụm, khối" in html.text
    default = await vote.create()
    assert default["threshold_base"] == "valid_ballots" and default["threshold_comparison"] == "more_than"
    assert default["threshold_rule"] == "Đơn vị được đề nghị phải đạt trên 50% tổng số phiếu hợp lệ"


def test_decide_counts_the_threshold_as_the_round_says():
    from services.nominations.voting.domain.tally import decide

    counts = dict(candidates=["30", "31"], electorate_size=8, votes={"30": 6, "31": 4}, ballots_cast=6,
                  blank_ballots=0, seats=2, threshold="3/4")
    assert decide(**counts).proposed == ["30"]  # more than 3/4 of 6 valid ballots (4.5)
    assert decide(**counts, threshold_base="electorate").proposed == []  # 6 is not more than 6
    assert decide(**counts, threshold_base="electorate", at_least=True).proposed == ["30"]
    assert decide(**{**counts, "threshold": "2/3"}, at_least=True).proposed == ["30", "31"]  # 4 ≥ 2/3 × 6
    assert decide(**{**counts, "threshold": "2/3"}).proposed == ["30"]  # 4 is not more than 4


async def test_the_ballot_idempotency_key_documents_its_stricter_rule(vote):
    spec = (await vote.nominations.client.get("/openapi.json")).json()
    for path in ("/v1/rounds/{round_id}/ballots", "/v1/rounds/{round_id}/paper-ballots"):
        [header] = [p for p in spec["paths"][path]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["schema"]["minLength"] == 22 and "at least 22 characters" in header["description"]
    r = await vote.opened()
    short = vote.cast(r["id"], "30", ["31"], key="short-key")
    assert problem(await short, 422)["errors"][0]["field"] == "Idempotency-Key"
