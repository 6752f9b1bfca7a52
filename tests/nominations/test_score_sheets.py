"""Score sheets through the API: a member scores and submits, the lead cross-checks with reasons, the
lead locks; every forbidden edit is refused whole; the schema refuses what slips past the service."""
import asyncpg
import pytest

from services.nominations.scoring.store import rankings as ranking_store
from tests.nominations.scoring_support import BASE, DEPUTY, LEAD, SHEETS, sheet
from tests.support import problem


async def _audit(scoring, action):
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        return await conn.fetch("SELECT actor, target, details FROM nominations.audit_log WHERE action = $1 ORDER BY id",
                                action)


async def test_a_member_scores_submits_and_the_lead_cross_checks_with_reasons(scoring):
    await scoring.published()
    r = await scoring.save("36", {"CM": 35, "CCHC": 21}, notes={"CM": "Hoàn thành 100% nhiệm vụ"})
    assert r.status_code == 200, r.text
    draft = r.json()
    assert (draft["state"], draft["province_name"]) == ("draft", "Nam Định")
    assert draft["missing"] == ["CDS", "TDKT", "SK", "KL"]
    # Submitting a partial sheet names every missing criterion; nothing changes.
    body = problem(await scoring.submit("36"), 422)
    assert [e["field"] for e in body["errors"]] == ["scores.CDS", "scores.TDKT", "scores.SK", "scores.KL"]
    assert (await scoring.save("36", SHEETS["36"])).status_code == 200  # the whole sheet replaces the draft
    r = await scoring.submit("36")
    assert r.status_code == 200 and r.json()["state"] == "submitted" and r.json()["notes"] == {}

    r = await scoring.review("36", {"CDS": (12, "Chưa có minh chứng kết nối CSDL"),
                                    "KL": (-1.5, "Một lần chậm báo cáo")})
    assert r.status_code == 200, r.text
    r = await scoring.review("36", {"CDS": (14, "Đã bổ sung minh chứng")})
    assert r.status_code == 200, r.text

    # The member sees every adjustment, who made it and why.
    seen = (await scoring.get_sheet("36")).json()
    assert seen["scores"]["CDS"] == {"self": 16, "checked": 14, "points": 14}
    assert seen["scores"]["KL"] == {"self": 0, "checked": -1.5, "points": -1.5}
    assert [(a["criterion"], a["points"], a["previous"], a["reason"], a["adjusted_by"], a["adjusted_for_name"])
            for a in seen["adjustments"]] == [
        ("CDS", 12, 16, "Chưa có minh chứng kết nối CSDL", "province-34", "Thái Bình"),
        ("KL", -1.5, 0, "Một lần chậm báo cáo", "province-34", "Thái Bình"),
        ("CDS", 14, 12, "Đã bổ sung minh chứng", "province-34", "Thái Bình")]
    assert seen["totals"] == {"regular": 82.25, "bonus": 0, "penalty": -1.5, "total": 80.75, "max_total": 100,
                              "share": 0.8075}
    for headers in (scoring.province(LEAD), scoring.ministry):
        assert (await scoring.get_sheet("36", headers=headers)).json() == seen
    problem(await scoring.get_sheet("36", headers=scoring.province("35")), 403)
    assert [a["actor"] for a in await _audit(scoring, "scores.review")] == ["province-34", "province-34"]

    # The deputy cross-checks the lead's own sheet.
    await scoring.scored({LEAD: SHEETS[LEAD]})
    r = await scoring.review(LEAD, {"SK": (0, "Sáng kiến chưa được công nhận")}, by=DEPUTY)
    assert r.status_code == 200 and r.json()["adjustments"][0]["adjusted_for"] == DEPUTY
    assert (await scoring.get_sheet(LEAD, headers=scoring.province(DEPUTY))).status_code == 200


async def test_the_lead_locks_once_everyone_has_submitted(scoring):
    await scoring.published()
    await scoring.scored({code: s for code, s in SHEETS.items() if code != "37"})
    body = problem(await scoring.lock(), 409)
    assert body["waiting"] == ["37"]
    await scoring.scored({"37": SHEETS["37"]})
    r = await scoring.lock()
    assert r.status_code == 200, r.text
    assert (r.json()["sheets"], r.json()["locked_by"]) == (8, "province-34")
    assert (await scoring.get_sheet("37")).json()["state"] == "locked"
    problem(await scoring.lock(), 409)


async def _state(scoring):
    """Everything an edit could touch."""
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        rows = await conn.fetch(
            """SELECT s.province_code, s.state, s.notes, r.criterion_code, r.self_points, r.checked_points
                 FROM nominations.score_sheets s LEFT JOIN nominations.sheet_scores r ON r.sheet_id = s.id
                ORDER BY 1, 4""")
        counts = await conn.fetchrow("""SELECT (SELECT count(*) FROM nominations.score_adjustments) AS adjustments,
                                               (SELECT count(*) FROM nominations.covenants) AS covenants""")
    return [dict(r) for r in rows], dict(counts)


# (what, call, status, field or problem slug). Each is refused whole: nothing in the database changes.
FORBIDDEN_OPEN = [
    ("another province's sheet", lambda s: s.save("31", SHEETS["31"], headers=s.province("30")), 403, None),
    ("ministry editing a province sheet", lambda s: s.save("31", SHEETS["31"], headers=s.ministry), 403, None),
    ("a non-member's own sheet", lambda s: s.save("01", SHEETS["31"], headers=s.province("01")), 403, "province"),
    ("above the maximum", lambda s: s.save("31", {**SHEETS["31"], "CM": 40.01}), 422, "scores.CM"),
    ("a positive penalty", lambda s: s.save("31", {**SHEETS["31"], "KL": 1}), 422, "scores.KL"),
    ("a penalty beyond its maximum", lambda s: s.save("31", {**SHEETS["31"], "KL": -10.5}), 422, "scores.KL"),
    ("a negative bonus", lambda s: s.save("31", {**SHEETS["31"], "SK": -1}), 422, "scores.SK"),
    ("three decimals", lambda s: s.save("31", {**SHEETS["31"], "CDS": 10.125}), 422, "scores.CDS"),
    ("not a number", lambda s: s.save("31", {**SHEETS["31"], "CDS": True}), 422, "scores.CDS"),
    ("an unknown criterion", lambda s: s.save("31", {**SHEETS["31"], "XX": 1}), 422, "scores.XX"),
    ("a note on an unknown criterion", lambda s: s.save("31", SHEETS["31"], notes={"XX": "?"}), 422, "notes.XX"),
    ("editing a submitted sheet", lambda s: s.save("30", SHEETS["30"]), 409, "sheet-submitted"),
    ("submitting again", lambda s: s.submit("30"), 409, "sheet-submitted"),
    ("submitting another's sheet", lambda s: s.submit("31", headers=s.province("30")), 403, None),
    ("missing criteria on submit", lambda s: s.submit("31"), 422, "scores.SK"),
    ("review by a member who is not the lead", lambda s: s.review("30", {"CM": (30, "x")}, by="35"), 403, None),
    ("review by ministry staff", lambda s: s.review("30", {"CM": (30, "x")}, headers=s.ministry), 403, None),
    ("the lead reviewing its own sheet", lambda s: s.review(LEAD, {"CM": (30, "x")}), 403, None),
    ("review without a reason", lambda s: s.client.put(f"{BASE}/scores/30/review", headers=s.province(LEAD),
                                                       json={"adjustments": {"CM": {"points": 30}}}),
     422, "adjustments.CM.reason"),
    ("review with a blank reason", lambda s: s.review("30", {"CM": (30, "  ")}), 422, "adjustments.CM.reason"),
    ("review out of bounds", lambda s: s.review("30", {"CM": (41, "quá")}), 422, "adjustments.CM.points"),
    ("review of an unknown criterion", lambda s: s.review("30", {"ZZ": (1, "?")}), 422, "adjustments.ZZ"),
    ("review of a draft sheet", lambda s: s.review("31", {"CM": (30, "x")}), 409, "sheet-not-submitted"),
    ("reading another member's sheet", lambda s: s.get_sheet("30", headers=s.province("31")), 403, None),
    ("lock by a member who is not the lead", lambda s: s.lock(headers=s.province("30")), 403, None),
    ("lock before everyone submitted", lambda s: s.lock(), 409, "sheets-not-submitted"),
]
FORBIDDEN_LOCKED = [
    ("saving after the lock", lambda s: s.save("30", SHEETS["30"]), 409, "scores-locked"),
    ("submitting after the lock", lambda s: s.submit("30"), 409, "scores-locked"),
    ("reviewing after the lock", lambda s: s.review("30", {"CM": (30, "x")}), 409, "scores-locked"),
    ("changing the covenant after the lock", lambda s: s.put_covenant(reason="muộn"), 409, "scores-locked"),
    ("locking twice", lambda s: s.lock(), 409, "scores-locked"),
]


def _check(body, expected):
    if expected is None:
        return
    fields = [e["field"] for e in body.get("errors", [])]
    assert expected in fields or body["type"].endswith(f":{expected}"), body


async def test_every_forbidden_edit_is_refused_and_changes_nothing(scoring):
    await scoring.published()
    await scoring.scored({"30": SHEETS["30"]})
    assert (await scoring.save("31", {"CM": 30})).status_code == 200  # a partial draft
    before = await _state(scoring)
    for what, call, status, expected in FORBIDDEN_OPEN:
        body = problem(await call(scoring), status)
        _check(body, expected)
        assert await _state(scoring) == before, what

    await scoring.scored({code: s for code, s in SHEETS.items() if code != "30"})
    assert (await scoring.lock()).status_code == 200
    before = await _state(scoring)
    for what, call, status, expected in FORBIDDEN_LOCKED:
        _check(problem(await call(scoring), status), expected)
        assert await _state(scoring) == before, what


async def test_the_schema_refuses_what_slips_past_the_service(scoring):
    """Constraints are the last line of defence: bounds, frozen covenants, submitted, locked and
    immutable rows hold even for SQL written by hand."""
    await scoring.published()
    await scoring.scored({"30": SHEETS["30"]})
    assert (await scoring.save("31", sheet(30, 20, 15, 10))).status_code == 200
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        sheet_31 = await conn.fetchval("SELECT id FROM nominations.score_sheets WHERE province_code = '31'")
        sheet_30 = await conn.fetchval("SELECT id FROM nominations.score_sheets WHERE province_code = '30'")
        refused = [
            ("UPDATE nominations.sheet_scores SET self_points = 41 WHERE sheet_id = $1 AND criterion_code = 'CM'",
             sheet_31, asyncpg.CheckViolationError),
            ("UPDATE nominations.sheet_scores SET self_points = 1 WHERE sheet_id = $1 AND criterion_code = 'KL'",
             sheet_31, asyncpg.CheckViolationError),
            ("UPDATE nominations.sheet_scores SET max_points = 50 WHERE sheet_id = $1 AND criterion_code = 'CM'",
             sheet_31, asyncpg.ForeignKeyViolationError),  # a row carries its criterion's real bounds
            ("UPDATE nominations.sheet_scores SET self_points = 1 WHERE sheet_id = $1 AND criterion_code = 'CM'",
             sheet_30, asyncpg.CheckViolationError),  # submitted: the member's scores are frozen
            ("UPDATE nominations.sheet_scores SET checked_points = 1 WHERE sheet_id = $1 AND criterion_code = 'CM'",
             sheet_31, asyncpg.CheckViolationError),  # a draft is not cross-checked
            ("UPDATE nominations.covenant_criteria SET max_points = 50 WHERE code = 'CM' AND $1::bigint > 0",
             sheet_30, asyncpg.CheckViolationError),  # published: frozen
            ("UPDATE nominations.score_sheets SET state = 'draft' WHERE id = $1", sheet_30, asyncpg.CheckViolationError),
            ("UPDATE nominations.score_sheets SET state = 'locked' WHERE id = $1", sheet_31,
             asyncpg.CheckViolationError),
            ("INSERT INTO nominations.score_adjustments (sheet_id, criterion_code, points, previous_points, reason,"
             " adjusted_by) VALUES ($1, 'CM', 1, 2, ' ', 'x')", sheet_30, asyncpg.CheckViolationError),
        ]
        for sql, arg, error in refused:
            with pytest.raises(error):
                await conn.execute(sql, arg)
    r = await scoring.review("30", {"CM": (30, "Thiếu minh chứng")})
    assert r.status_code == 200
    async with scoring.vote.nominations.app.state.db.connection() as conn:
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.score_adjustments SET reason = 'khác'")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("DELETE FROM nominations.score_adjustments")
        await ranking_store.recompute(conn, year=2023, cluster=None,
                                      config=scoring.vote.nominations.app.state.ranking_settings.config)
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE nominations.ranking_snapshots SET unit_count = 0")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("DELETE FROM nominations.ranking_snapshots")


async def test_a_note_postgresql_cannot_store_is_a_422_naming_it_and_saves_nothing(scoring):
    # Found by fuzzing: a NUL character in a note reached the jsonb column ("unsupported Unicode escape").
    await scoring.published()
    r = await scoring.save("36", {"CM": 35}, notes={"CM": "Hoàn thành\x00"})
    assert problem(r, 422)["errors"][0]["field"] == "notes.CM"
    problem(await scoring.get_sheet("36"), 404)
