"""Every notice links to the page where its reader acts (no browser)."""
from __future__ import annotations

from services.console.notices import notice_link

ROUND = "0b6f1c9e-54c6-4c57-9a53-0d4b3f6a2f11"


def note(kind: str, aggregate: str) -> dict[str, str]:
    return {"event_type": kind, "aggregate_id": aggregate}


def test_round_notices_go_to_the_round_or_where_to_dispute_or_rule() -> None:
    assert notice_link(note("nominations.round.opened", ROUND), role="province") == f"/rounds/{ROUND}"
    assert notice_link(note("nominations.round.paper_ballot_recorded", ROUND), role="province") == \
        f"/ballots/{ROUND}#dispute"
    assert notice_link(note("nominations.round.paper_ballot_disputed", ROUND), role="ministry") == \
        f"/ministry/rounds/{ROUND}/disputes"
    assert notice_link(note("nominations.round.paper_ballot_disputed", ROUND), role="province") == f"/rounds/{ROUND}"


def test_cluster_year_notices_go_to_the_sheet_the_ranking_or_the_cluster() -> None:
    assert notice_link(note("nominations.covenant.published", "NOIVU-BAC/2026"), role="province") == \
        "/sheets/NOIVU-BAC/2026"
    assert notice_link(note("nominations.sheet.adjusted", "NOIVU-BAC/2026/31"), role="province") == \
        "/sheets/NOIVU-BAC/2026"
    assert notice_link(note("nominations.sheets.locked", "NOIVU-BAC/2026"), role="province") == \
        "/rankings/2026?cluster=NOIVU-BAC"
    assert notice_link(note("registry.leadership.rotated", "NOIVU-BAC/2026"), role="province") == \
        "/clusters/NOIVU-BAC?year=2026"
    assert notice_link(note("nominations.commendation.sent", "NOIVU-BAC:2026"), role="ministry") == \
        "/ministry/commendations"
    assert notice_link(note("nominations.commendation.submitted", "NOIVU-BAC:2026"), role="province") == \
        "/commendations/lists/NOIVU-BAC/2026"                  # the lead reviews the member's proposal there


def test_a_notice_about_nothing_the_console_shows_links_nowhere() -> None:
    assert notice_link(note("registry.province.merged", "31@2025-07-01"), role="province") is None
    assert notice_link(note("nominations.round.opened", "not-a-round"), role="province") is None


def test_conference_notices_go_to_the_delegates_then_the_check_in() -> None:
    assert notice_link(note("nominations.conference.scheduled", ROUND), role="province") == \
        f"/conferences/{ROUND}/delegates"
    assert notice_link(note("nominations.conference.opened", ROUND), role="province") == \
        f"/conferences/{ROUND}/arrive"
