"""Under load and at the edges: concurrent retries of one ballot, ballots racing the close, two
approvals racing the Government-flag cap, a registry that does not answer, the automatic close."""
import asyncio
import uuid
from collections import Counter
from datetime import timedelta

from services.nominations.app import create_nominations_app
from services.nominations.settings import NominationsSettings
from tests.nominations.conftest import NORTH
from tests.support import problem, serve


async def _counts(vote, round_id):
    async with vote.nominations.app.state.db.connection() as conn:
        return (await conn.fetchval("SELECT count(*) FROM nominations.ballots WHERE round_id = $1", uuid.UUID(round_id)),
                await conn.fetchval("SELECT count(*) FROM nominations.participation WHERE round_id = $1",
                                    uuid.UUID(round_id)))


async def test_fifty_concurrent_retries_with_one_idempotency_key_store_one_ballot(vote):
    r = await vote.opened()
    key = str(uuid.uuid4())
    headers = {**vote.province("33"), "Idempotency-Key": key}
    answers = await asyncio.gather(*(
        vote.nominations.client.post(f"/v1/rounds/{r['id']}/ballots", headers=headers, json={"choices": ["22"]})
        for _ in range(50)))
    assert Counter(a.status_code for a in answers) == {201: 50}
    assert len({a.text for a in answers}) == 1  # the very same receipt, 50 times
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 49
    assert await _counts(vote, r["id"]) == (1, 1)


async def test_fifty_concurrent_submissions_without_a_key_store_one_ballot(vote):
    r = await vote.opened()
    headers = vote.province("33")
    answers = await asyncio.gather(*(
        vote.nominations.client.post(f"/v1/rounds/{r['id']}/ballots", headers=headers, json={"choices": ["22"]})
        for _ in range(50)))
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 49}
    assert all(problem(a, 409)["type"].endswith("already-voted") for a in answers if a.status_code == 409)
    assert await _counts(vote, r["id"]) == (1, 1)


async def test_ballots_racing_the_close_are_counted_if_and_only_if_accepted(vote):
    provinces = (await vote.registry.client.get("/v1/provinces", params={"on": "2023-01-01"})).json()["items"]
    voters = [p["code"] for p in provinces][:31]
    lead = voters[0]
    await vote.cluster_year(code="LON", name="Khối lớn", members=voters, lead=lead, deputy=voters[1])
    r = await vote.opened(lead=lead, cluster_code="LON", award="ministry_flag", candidates=voters[:3], seats=1)
    rid = r["id"]
    tokens = {v: vote.province(v) for v in voters + [lead]}
    some_accepted, close_done = asyncio.Event(), asyncio.Event()
    accepted_so_far = 0

    async def ballot(i, voter):
        nonlocal accepted_so_far
        if i >= len(voters) - 3:
            await close_done.wait()  # the last few certainly arrive after the close
        else:
            await asyncio.sleep(i * 0.002)
        choice = [c for c in voters[:3] if c != voter][:1]
        resp = await vote.nominations.client.post(f"/v1/rounds/{rid}/ballots", headers=tokens[voter],
                                                  json={"choices": choice})
        if resp.status_code == 201:
            accepted_so_far += 1
            if accepted_so_far >= 5:
                some_accepted.set()
        return resp

    async def close():
        await some_accepted.wait()  # close while the rest are still being cast
        try:
            return await vote.nominations.client.post(f"/v1/rounds/{rid}/close", headers=tokens[lead])
        finally:
            close_done.set()

    *answers, closing = await asyncio.gather(*(ballot(i, v) for i, v in enumerate(voters)), close())
    assert closing.status_code == 200, closing.text
    accepted = [a.json()["receipt"]["commitment"] for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert len(accepted) >= 5 and len(refused) >= 3
    assert all(problem(a, 409)["type"].endswith("round-not-open") for a in refused)
    result = closing.json()["result"]
    board = (await vote.nominations.client.get(f"/v1/rounds/{rid}/bulletin", headers=vote.ministry)).json()
    assert sorted(b["commitment"] for b in board["ballots"]) == sorted(accepted)
    assert result["ballots_cast"] == len(accepted) == sum(result["votes"].values())
    assert await _counts(vote, rid) == (len(accepted), len(accepted))


async def _certified(vote, *, cluster, lead, ballots, award="government_flag"):
    r = await vote.opened(lead=lead, cluster_code=cluster, award=award)
    await vote.cast_all(r["id"], ballots)
    await vote.close(r["id"], lead=lead)
    resp = await vote.post(r["id"], "certify", vote.province(lead))
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_the_government_flag_cap_holds_under_concurrent_approvals(vote):
    central = 'Cụm <Miền Trung> & "Tây Nguyên"'
    await vote.cluster_year(code="NV-TRUNG", name=central, members=["38", "40", "42"], lead="38", deputy="40")
    for i in range(3):
        await vote.cluster_year(code=f"K{i}", name=f"Khối {i}", members=["01", "04"], lead=None)
    # 5 clusters active in 2023: floor(20% × 5) = 1 Government flag.
    north = await _certified(vote, cluster="NV-BAC", lead="34",
                             ballots={c: (["22"] if c != "22" else ["34"]) for c in NORTH})
    south = await _certified(vote, cluster="NV-TRUNG", lead="38", ballots={"38": ["40"], "40": ["42"], "42": ["40"]})
    assert north["result"]["proposed"] == ["22"] and south["result"]["proposed"] == ["40"]

    first, second = await asyncio.gather(vote.post(north["id"], "approve", vote.ministry),
                                         vote.post(south["id"], "approve", vote.ministry))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = second if first.status_code == 200 else first
    body = problem(loser, 409)
    assert body["type"].endswith("government-flag-cap") and "cap" in body["detail"] and body["cap"] == 1
    assert (body["approved_so_far"], body["proposing"], body["active_clusters"]) == (1, 1, 5)
    loser_id = north["id"] if loser is first else south["id"]
    assert (await vote.get(loser_id))["state"] == "certified"  # the refusal changed nothing
    assert len(await vote.outbox("nominations.round.approved")) == 1

    # Other awards have no cap; the cap follows the registry: five more active clusters, cap 2.
    merit = await _certified(vote, cluster="NV-BAC", lead="34", award="certificate_of_merit",
                             ballots={c: (["22"] if c != "22" else ["34"]) for c in NORTH})
    assert (await vote.post(merit["id"], "approve", vote.ministry)).status_code == 200
    for i in range(3, 8):
        await vote.cluster_year(code=f"K{i}", name=f"Khối {i}", members=["01", "04"], lead=None)
    assert (await vote.post(loser_id, "approve", vote.ministry)).status_code == 200

    page = await vote.nominations.client.get(f"/v1/rounds/{south['id']}/minutes", headers=vote.ministry,
                                             params={"format": "html"})
    assert "Cụm &lt;Miền Trung&gt; &amp; &quot;Tây Nguyên&quot;" in page.text and "<Miền Trung>" not in page.text


async def test_a_registry_that_does_not_answer_is_503_and_the_round_stays_draft(vote, database_url, redis_url,
                                                                                registry):
    lead = vote.province("34")
    draft = await vote.create()
    cut_off = NominationsSettings(database_url=database_url, redis_url=redis_url, registry_url="http://127.0.0.1:9",
                                  jwks_url=f"{registry.url}/.well-known/jwks.json", registry_timeout_seconds=2,
                                  run_outbox_relay=False, log_level="WARNING")
    async with serve(create_nominations_app(cut_off)) as isolated:
        body = problem(await isolated.client.post(f"/v1/rounds/{draft['id']}/open", headers=lead), 503)
        assert body["type"].endswith("registry-unavailable")
        problem(await isolated.client.post("/v1/rounds", headers=lead, json={
            "cluster_code": "NV-BAC", "year": 2023, "award": "ministry_flag", "seats": 1}), 503)
        # Reads need no registry.
        assert (await isolated.client.get(f"/v1/rounds/{draft['id']}", headers=lead)).json()["state"] == "draft"
    assert (await vote.get(draft["id"]))["state"] == "draft"
    assert await vote.outbox("nominations.round.opened") == []
    assert (await vote.open(draft["id"]))["state"] == "open"  # the registry is back


async def test_rounds_close_by_themselves_at_closes_at(vote, database_url, monkeypatch):
    from services.nominations.voting.tasks import close_due_rounds, close_due_rounds_task

    async with vote.nominations.app.state.db.connection() as conn:
        now = await conn.fetchval("SELECT clock_timestamp()")
    deadline = now + timedelta(seconds=6)  # room for six ballots on a loaded machine
    due = await vote.opened(closes_at=deadline.isoformat())
    await vote.cast_all(due["id"], {c: (["22"] if c != "22" else ["34"]) for c in NORTH[:6]})
    assert await close_due_rounds(database_url) == []  # nothing is due yet
    later = await vote.opened(award="ministry_flag", closes_at=(now + timedelta(hours=1)).isoformat())
    manual = await vote.opened(award="certificate_of_merit")
    assert (await vote.outbox("nominations.round.opened"))[0]["closes_at"] == deadline.isoformat()

    async with vote.nominations.app.state.db.connection() as conn:
        await conn.execute("SELECT pg_sleep(greatest(0, extract(epoch FROM $1::timestamptz - clock_timestamp())) + 0.05)",
                           deadline)
    late = problem(await vote.cast(due["id"], "36", ["22"]), 409)
    assert late["type"].endswith("voting-closed")

    # The Celery task itself (synchronous, its own event loop and connection) closes it.
    assert close_due_rounds_task.name == "nominations.close_due_rounds"
    assert close_due_rounds_task.acks_late and close_due_rounds_task.max_retries == 5
    monkeypatch.setenv("NOMINATIONS_DATABASE_URL", database_url)
    assert await asyncio.to_thread(close_due_rounds_task.run) == [due["id"]]
    closed = await vote.get(due["id"])
    assert closed["state"] == "closed" and closed["result"]["ballots_cast"] == 6
    assert closed["result"]["proposed"] == ["22"]
    assert await close_due_rounds(database_url) == []  # idempotent: already closed
    problem(await vote.post(due["id"], "close", vote.province("34")), 409)
    assert (await vote.get(later["id"]))["state"] == "open" and (await vote.get(manual["id"]))["state"] == "open"
    async with vote.nominations.app.state.db.connection() as conn:
        audit = await conn.fetchrow("SELECT actor, actor_role, details FROM nominations.audit_log "
                                    "WHERE action = 'round.close' AND target = $1", f"round:{due['id']}")
    assert (audit["actor"], audit["actor_role"], audit["details"]["automatic"]) == (
        "nominations.close_due_rounds", "service", True)
