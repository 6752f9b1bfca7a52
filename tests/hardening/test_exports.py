"""Issue 18, finding 5: the register's export is built off the event loop, streamed, rate-limited
and cached per query (through the HTTP API; ordering, not timing, shows the loop stays free)."""
from __future__ import annotations

import asyncio
import io

from openpyxl import load_workbook

from tests.support import problem

EXPORT = "/v1/awards/export.xlsx"


async def _seed_awards(comm, count: int, *, year: int = 2023, name: str = "Nguyễn Văn An") -> None:
    """``count`` register lines written straight into the table (its guards and keys off for this
    session: the register is only the export's input here)."""
    async with comm.vote.nominations.app.state.db.connection() as conn:
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute(
                """INSERT INTO nominations.awards (decision_id, nominee_id, holder_id, year, form_code, form_name,
                                                  kind, name, name_search, position, unit, province_code,
                                                  province_name, cluster_code, decision_number, decision_date)
                   SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), $2, 'minister_certificate',
                          'Bằng khen của Bộ trưởng', 'individual', $3 || ' ' || i, 'x', 'Chuyên viên',
                          'Phòng Tổ chức, Sở Nội vụ', '36', 'Nam Định', 'NV-BAC', '88/QĐ-BNV', '2024-01-10'
                     FROM generate_series(1, $1) AS i""", count, year, name)


async def test_the_loop_answers_while_an_export_is_built(comm):
    await _seed_awards(comm, 20_000)
    client = comm.client
    order: list[str] = []
    async with client.stream("GET", EXPORT, params={"year": 2023}) as export:
        # The answer has started: the rows are read and the workbook is being built elsewhere.
        assert export.status_code == 200
        body = asyncio.create_task(export.aread())
        body.add_done_callback(lambda _: order.append("export"))
        for _ in range(3):
            r = await client.get("/v1/awards", params={"limit": 1})
            assert r.status_code == 200
            order.append("read")
        await body
    assert order == ["read", "read", "read", "export"]
    sheet = load_workbook(io.BytesIO(body.result()), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 20_001


async def test_the_public_export_is_cached_per_query(comm):
    await _seed_awards(comm, 3)
    first = await comm.client.get(EXPORT, params={"year": 2023})
    await _seed_awards(comm, 2, name="Trần Thị Bình")
    again = await comm.client.get(EXPORT, params={"year": 2023})
    assert again.status_code == 200 and again.content == first.content  # the same bytes: nothing rebuilt
    other = await comm.client.get(EXPORT, params={"year": 2023, "kind": "individual"})  # another query
    rows = list(load_workbook(io.BytesIO(other.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 5


async def test_exports_are_rate_limited_with_a_problem(comm, monkeypatch):
    monkeypatch.setattr(comm.vote.nominations.app.state.settings, "register_export_per_minute", 2)
    # Kept answers count too: the limit is on the client, not on the work.
    assert [(await comm.client.get(EXPORT, params={"year": 2023})).status_code for _ in range(2)] == [200, 200]
    refused = await comm.client.get(EXPORT, params={"year": 2024})
    body = problem(refused, 429)
    assert body["type"].endswith("document-rate-limited") and 1 <= int(refused.headers["retry-after"]) <= 60


async def test_a_large_workbook_is_streamed_from_its_file_and_not_kept(comm, monkeypatch):
    # Issue 22: the whole register is read by the document process through a cursor and the answer
    # streams the file it wrote; only small workbooks are kept in Redis.
    monkeypatch.setattr(comm.vote.nominations.app.state.settings, "register_export_cache_max_bytes", 1000)
    await _seed_awards(comm, 4_500)
    first = await comm.client.get(EXPORT, params={"year": 2023})
    assert first.status_code == 200 and len(first.content) > 1000
    await _seed_awards(comm, 2, name="Trần Thị Bình")
    again = await comm.client.get(EXPORT, params={"year": 2023})  # not kept: built again, with the new lines
    rows = list(load_workbook(io.BytesIO(again.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 4_502 and rows[-1][3] == "Trần Thị Bình 2"
    # Register order, every line once, across the cursor's batches (2,000 a batch).
    names = [r[3] for r in rows[1:4_501]]
    assert names == [f"Nguyễn Văn An {i}" for i in range(1, 4_501)]


async def test_the_register_search_is_answered_by_its_indexes(comm):
    # Issue 22: a name anywhere (trigram index) and each filter in register order (per-filter index).
    from services.nominations.commendations.store.awards import SEARCH

    async with comm.vote.nominations.app.state.db.connection() as conn:
        async with conn.transaction():
            await conn.execute("SET LOCAL enable_seqscan = off")
            for args, index in (((r"%nguyen van%", None, None, None), "awards_name_search_trgm"),
                                ((None, 2023, None, None), "awards_year_id"),
                                ((None, None, "36", None), "awards_province_id"),
                                ((None, None, None, "pm_certificate"), "awards_form_id")):
                plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {SEARCH}", *args, None, None, 51, None,
                                                               None))
                assert index in plan, (args, plan)
