"""End to end with the real Celery worker: nobody asks for a ranking, yet it appears and follows
every change; an unchanged recompute writes nothing."""
import asyncio
import time

from services.nominations.scoring.events import RANKING_PUBLISHED
from tests.nominations.conftest import CLUSTER, CLUSTER_NAME, NORTH
from tests.nominations.scoring_support import LEAD, YEAR
from tests.support import problem


async def _eventually(check, *, timeout=20.0):
    """Poll ``check`` (async, returns a value or None) until it answers."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value is not None:
            return value
        assert time.monotonic() < deadline, "the worker did not produce it in time"
        await asyncio.sleep(0.2)


async def _inbox_rows(scoring, snapshot_id):
    """The inbox rows of the ranking.published event of ``snapshot_id``, once all of them are there."""
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        rows = await conn.fetch(
            """SELECT n.recipient, n.subject, n.body, n.action
                 FROM notifications.notifications n
                 JOIN nominations.outbox o ON o.id = n.event_id
                WHERE o.type = $1 AND (o.payload->>'snapshot_id')::bigint = $2""",
            RANKING_PUBLISHED, snapshot_id)
    return rows if len(rows) == len(NORTH) + 1 else None


async def test_the_ranking_appears_without_anyone_asking_and_follows_each_change(scoring, ranking_worker):
    client = scoring.client
    problem(await client.get(f"/v1/rankings/{YEAR}", params={"cluster": CLUSTER}, headers=scoring.ministry), 404)
    await scoring.published()
    await scoring.scored()  # eight submissions in a burst
    r = await scoring.review("36", {"CDS": (12, "Chưa có minh chứng kết nối cơ sở dữ liệu")})
    assert r.status_code == 200, r.text

    async def ranking_with(province, total):
        r = await client.get(f"/v1/rankings/{YEAR}", params={"cluster": CLUSTER}, headers=scoring.province("35"))
        if r.status_code == 200 and {row["province"]: row["total"] for row in r.json()["rows"]}.get(province) == total:
            return r.json()
        return None

    ranking = await _eventually(lambda: ranking_with("36", 80.25))
    assert ranking["cluster_name"] == CLUSTER_NAME and len(ranking["inputs_digest"]) == 64
    assert [(row["province"], row["rank"]) for row in ranking["rows"]] == [
        ("31", 1), ("33", 2), ("30", 3), ("22", 4), ("34", 5), ("37", 5), ("36", 7), ("35", 8)]
    assert {row["province"]: row["band"] for row in ranking["rows"]}["31"] == "Xuất sắc"
    # Debounced: fewer runs than the nine changes that triggered them.
    assert len(await scoring.snapshots()) < 9

    # A changed score: a new snapshot, announced through the outbox...
    r = await scoring.review("31", {"SK": (1, "Sáng kiến chưa được công nhận cấp tỉnh")})
    assert r.status_code == 200, r.text
    changed = await _eventually(lambda: ranking_with("31", 96))
    assert changed["snapshot_id"] > ranking["snapshot_id"] and changed["inputs_digest"] != ranking["inputs_digest"]
    events = await scoring.vote.outbox(RANKING_PUBLISHED)
    assert events[-1] == {"type": RANKING_PUBLISHED, "cluster_code": CLUSTER, "cluster_name": CLUSTER_NAME,
                          "year": YEAR, "snapshot_id": changed["snapshot_id"], "lead_code": LEAD, "members": NORTH}
    # ... and a notification: the relay hands the event to the same worker (queue `events`), which
    # puts it in every member's inbox and the ministry's.
    inbox = await _eventually(lambda: _inbox_rows(scoring, changed["snapshot_id"]))
    assert sorted(row["recipient"] for row in inbox) == sorted([f"province:{code}" for code in NORTH] + ["ministry"])
    for row in inbox:
        assert CLUSTER_NAME in row["subject"] and f"Mã bảng xếp hạng: {changed['snapshot_id']}." in row["body"]
        assert (row["action"] is None) == (row["recipient"] == "ministry")  # members are asked to review theirs
    national = (await client.get(f"/v1/rankings/{YEAR}/national", headers=scoring.ministry)).json()
    assert len(national["rows"]) == 8 and national["rows"][0]["cluster"] == CLUSTER

    # Unchanged inputs: a recompute writes nothing, whether inline or through the queue.
    before = await scoring.snapshots(cluster=None)
    assert (await scoring.recompute_inline())["written"] == []
    r = await client.post(f"/v1/rankings/{YEAR}/recompute", headers=scoring.ministry)
    assert r.status_code == 202 and r.json()["queue"] == "rankings"
    problem(await client.post(f"/v1/rankings/{YEAR}/recompute", headers=scoring.province(LEAD)), 403)
    await asyncio.sleep(1.0)  # let the worker run the queued one
    assert await scoring.snapshots(cluster=None) == before
    assert ranking_worker.poll() is None  # the worker is alive: what it ran, it ran without failing
