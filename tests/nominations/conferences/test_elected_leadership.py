"""The leadership the conference elects reaches the registry through an event: once both election
rounds are certified, nominations publishes nominations.leadership.elected and the registry's own
consumer records the year's lead and deputy (method election, the round as its source), once, by
the system's real Celery worker; a repeat of the event changes nothing."""
from __future__ import annotations

import asyncio
from pathlib import Path

from tests.nominations.conferences.support import create, in_session
from tests.nominations.conftest import CLUSTER, NORTH
from tests.nominations.scoring_support import celery_worker
from tests.support import problem


async def elect(vote, conf_id: str, post: str, unit: str) -> dict:
    election = await create(vote, kind="election", post=post, conference_id=conf_id)
    assert election["candidates"] == [unit]  # the rotation's default
    await vote.open(election["id"])
    await vote.cast_all(election["id"], {code: [unit] for code in NORTH[:7]})
    await vote.close(election["id"])
    r = await vote.post(election["id"], "certify", vote.province("34"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_registry_records_the_elected_leadership_from_the_event(vote, database_url, redis_url, tmp_path: Path):
    from services.registry.tasks import handle_events
    from shared.events import row_to_envelope

    await vote.cluster_year(year=2024, lead=None)  # the 2024 period, its leadership undecided
    conf = await in_session(vote, NORTH[:7])
    period = f"/v1/clusters/{CLUSTER}/periods/2024"
    with celery_worker(database_url=database_url, redis_url=redis_url, log_path=tmp_path / "worker.log",
                       queues="registry"):
        deputy = await elect(vote, conf["id"], "deputy", "30")
        assert await vote.outbox("nominations.leadership.elected") == []  # the lead is not elected yet
        lead = await elect(vote, conf["id"], "lead", "33")
        [event] = await vote.outbox("nominations.leadership.elected")
        assert (event["year"], event["lead"], event["deputy"], event["method"]) == (2024, "33", "30", "election")
        assert (event["lead_round_id"], event["deputy_round_id"], event["source_round_id"]) == (
            lead["id"], deputy["id"], lead["id"])
        for _ in range(120):
            got = (await vote.registry.client.get(period)).json()
            if got["lead"] is not None:
                break
            await asyncio.sleep(0.25)
        else:
            raise AssertionError((tmp_path / "worker.log").read_text()[-3000:])
    assert got["lead"]["code"] == "33" and got["deputy"]["code"] == "30" and got["leadership_method"] == "election"
    history = (await vote.registry.client.get(f"/v1/clusters/{CLUSTER}/leadership")).json()
    [year] = [y for y in (history["items"] if isinstance(history, dict) else history) if y["year"] == 2024]
    assert year["method"] == "election" and year["source"] == f"round:{lead['id']}"

    # Delivered again (at least once): the event is recorded by its id and changes nothing.
    async with vote.nominations.app.state.db.connection() as conn:
        row = await conn.fetchrow("SELECT * FROM nominations.outbox WHERE type = 'nominations.leadership.elected'")
        envelope = row_to_envelope(row)
    assert await handle_events([envelope], database_url=database_url, redis_url=redis_url) == {"duplicate": 1}
    # Another event for a year already decided is a conflict, recorded and audited, never an overwrite.
    other = {**envelope, "id": "00000000-0000-4000-8000-000000000001",
             "payload": {**envelope["payload"], "lead": "31"}}
    assert await handle_events([other], database_url=database_url, redis_url=redis_url) == {"conflict": 1}
    assert (await vote.registry.client.get(period)).json()["lead"]["code"] == "33"
    async with vote.registry.app.state.db.connection() as conn:
        outcomes = [r["outcome"] for r in await conn.fetch(
            "SELECT outcome FROM registry.consumed_events ORDER BY handled_at")]
        assert outcomes.count("recorded") == 1 and "conflict" in outcomes
        actions = [r["action"] for r in await conn.fetch(
            "SELECT action FROM registry.audit_log WHERE target = $1 ORDER BY id", f"cluster:{CLUSTER}/2024")]
        assert "leadership.elected" in actions and "leadership.election_received" in actions
    rotated = [e for e in await registry_outbox(vote) if e["type"] == "registry.leadership.rotated" and e["year"] == 2024]
    assert [(e["method"], e["lead"]["code"]) for e in rotated] == [("election", "33")]


async def test_one_unit_is_not_elected_both_lead_and_deputy(vote):
    conf = await in_session(vote, NORTH[:7])
    await elect(vote, conf["id"], "lead", "33")
    both = await create(vote, kind="election", post="deputy", candidates=["33", "30"], conference_id=conf["id"])
    await vote.open(both["id"])
    await vote.cast_all(both["id"], {code: ["33"] for code in NORTH[:7]})
    await vote.close(both["id"])
    problem(await vote.post(both["id"], "certify", vote.province("34")), 409)
    assert await vote.outbox("nominations.leadership.elected") == []


async def registry_outbox(vote) -> list[dict]:
    async with vote.registry.app.state.db.connection() as conn:
        rows = await conn.fetch("SELECT type, payload FROM registry.outbox ORDER BY seq")
    return [{"type": r["type"], **r["payload"]} for r in rows]
