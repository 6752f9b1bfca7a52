"""The routing table: who is notified of which event."""
from __future__ import annotations

import uuid

import pytest

from services.notifications.domain import routing
from services.notifications.domain.routing import (
    MINISTRY,
    ROUTED_EVENT_TYPES,
    ROUTING,
    ROUTING_TABLE_MARKDOWN,
    Route,
    parse_recipient,
    province,
    recipients_for,
)

ALL_TYPES = {
    "nominations.council.session_scheduled",
    "nominations.council.session_opened",
    "nominations.council.session_closed",
    "nominations.council.result",
    "nominations.conference.scheduled",
    "nominations.conference.opened",
    "nominations.conference.quorum_reached",
    "nominations.conference.adjourned",
    "nominations.covenant.signed",
    "nominations.movement.launched",
    "nominations.movement.phase_started",
    "nominations.movement.phase_ended",
    "nominations.movement.registration_due",
    "nominations.movement.model_recognised",
    "registry.leadership.rotated",
    "registry.province.merged",
    "nominations.round.opened",
    "nominations.round.ballot_cast",
    "nominations.round.closed",
    "nominations.round.runoff_created",
    "nominations.round.certified",
    "nominations.round.approved",
    "nominations.round.returned",
    "nominations.ranking.published",
    "nominations.commendation.submitted",
    "nominations.commendation.returned",
    "nominations.commendation.sent",
    "nominations.commendation.decided",
    "registry.leadership.corrected",
    "registry.period.members_changed",
    "registry.cluster.updated",
    "registry.province.merger_undone",
    "nominations.covenant.published",
    "nominations.sheet.adjusted",
    "nominations.sheets.locked",
    "nominations.round.paper_ballot_recorded",
    "nominations.round.paper_ballot_disputed",
    "nominations.round.paper_ballot_ruled",
}


def ev(type_: str, **payload) -> dict:
    producer = type_.split(".")[0]
    return {"id": str(uuid.uuid4()), "type": type_, "version": 1, "occurred_at": "2026-12-01T03:00:00+00:00",
            "producer": producer, "aggregate_id": "agg-1", "payload": payload}


def P(*codes: str) -> list[str]:
    return [f"province:{c}" for c in codes]


def member(code: str, name: str) -> dict:
    return {"code": code, "name": name}


NOMINATION = dict(round_id="r-1", cluster_code="NV-BAC", cluster_name="Cụm thi đua Sở Nội vụ phía Bắc", year=2026,
                  award="government_flag")


# --- recipients ----------------------------------------------------------------------------------

class TestLeadershipRotated:
    def test_every_member_then_ministry(self):
        e = ev("registry.leadership.rotated", cluster_code="NV-BAC", cluster_name="X", year=2026, method="rotation",
               lead=member("22", "Quảng Ninh"), deputy=member("37", "Ninh Bình"),
               members=[member("30", "Hải Dương"), member("22", "Quảng Ninh"), member("37", "Ninh Bình")])
        assert recipients_for(e) == [*P("30", "22", "37"), MINISTRY]

    def test_lead_and_deputy_missing_from_members_are_still_told(self):
        e = ev("registry.leadership.rotated", lead=member("22", "Quảng Ninh"), deputy=member("37", "Ninh Bình"),
               members=[member("30", "Hải Dương")])
        assert recipients_for(e) == [*P("30", "22", "37"), MINISTRY]

    def test_members_given_as_codes(self):
        e = ev("registry.leadership.rotated", members=["01", "02"], lead={"code": "01"}, deputy={"code": "02"})
        assert recipients_for(e) == [*P("01", "02"), MINISTRY]

    def test_no_members_only_ministry(self):
        assert recipients_for(ev("registry.leadership.rotated")) == [MINISTRY]


class TestProvinceMerged:
    def test_ministry_and_successor(self):
        e = ev("registry.province.merged", successor=member("31", "Hải Phòng"),
               sources=[member("30", "Hải Dương"), member("31", "Hải Phòng")], effective_date="2025-07-01")
        assert recipients_for(e) == [MINISTRY, "province:31"]

    def test_sources_are_not_notified(self):
        e = ev("registry.province.merged", successor=member("31", "Hải Phòng"), sources=[member("30", "Hải Dương")])
        assert "province:30" not in recipients_for(e)

    def test_missing_successor(self):
        assert recipients_for(ev("registry.province.merged", sources=[member("30", "Hải Dương")])) == [MINISTRY]


class TestRoundOpened:
    def test_the_electorate_only(self):
        e = ev("nominations.round.opened", **NOMINATION, seats=2, closes_at=None, lead_code="22",
               electorate=["22", "37", "30"])
        assert recipients_for(e) == P("22", "37", "30")

    def test_not_the_ministry_nor_a_lead_outside_the_electorate(self):
        e = ev("nominations.round.opened", **NOMINATION, lead_code="99", electorate=["22", "37"])
        got = recipients_for(e)
        assert MINISTRY not in got and "province:99" not in got

    def test_empty_or_missing_electorate(self):
        assert recipients_for(ev("nominations.round.opened", **NOMINATION, electorate=[])) == []
        assert recipients_for(ev("nominations.round.opened", **NOMINATION)) == []


def test_ballot_cast_notifies_nobody():
    e = ev("nominations.round.ballot_cast", round_id="r-1", cluster_code="NV-BAC", year=2026, voter_code="22")
    assert recipients_for(e) == []
    assert ROUTING["nominations.round.ballot_cast"].who == "nobody"


class TestRoundClosed:
    def test_lead_ministry_and_the_electorate_to_check_receipts(self):
        e = ev("nominations.round.closed", **NOMINATION, lead_code="22", outcome="elected",
               electorate=["22", "37", "30"])
        assert recipients_for(e) == ["province:22", MINISTRY, "province:37", "province:30"]

    def test_missing_lead(self):
        assert recipients_for(ev("nominations.round.closed", **NOMINATION, electorate=["22"])) == [MINISTRY, "province:22"]


class TestRunoffCreated:
    def test_electorate_and_ministry(self):
        e = ev("nominations.round.runoff_created", **NOMINATION, runoff_round_id="r-2", lead_code="22",
               tied=["37", "30"], electorate=["22", "37", "30"], closes_at=None)
        assert recipients_for(e) == [*P("22", "37", "30"), MINISTRY]

    def test_lead_outside_the_electorate_is_not_added(self):
        e = ev("nominations.round.runoff_created", **NOMINATION, lead_code="99", electorate=["37"])
        assert recipients_for(e) == ["province:37", MINISTRY]


class TestCertified:
    def test_lead_ministry_electorate(self):
        e = ev("nominations.round.certified", **NOMINATION, lead_code="99", proposed=["37"], electorate=["37", "30"])
        assert recipients_for(e) == ["province:99", MINISTRY, *P("37", "30")]

    def test_lead_in_electorate_is_notified_once_at_its_first_place(self):
        e = ev("nominations.round.certified", **NOMINATION, lead_code="22", proposed=["37"],
               electorate=["30", "22", "37"])
        assert recipients_for(e) == ["province:22", MINISTRY, *P("30", "37")]


@pytest.mark.parametrize("type_", ["nominations.round.approved", "nominations.round.returned"])
class TestApprovedReturned:
    def test_lead_electorate_ministry(self, type_):
        e = ev(type_, **NOMINATION, lead_code="99", proposed=["37"], electorate=["37", "30"], reason="Thiếu hồ sơ")
        assert recipients_for(e) == ["province:99", *P("37", "30"), MINISTRY]

    def test_dedup_when_lead_is_in_electorate(self, type_):
        e = ev(type_, **NOMINATION, lead_code="22", proposed=["37"], electorate=["37", "22", "30"])
        got = recipients_for(e)
        assert got == ["province:22", *P("37", "30"), MINISTRY]
        assert len(got) == len(set(got))


class TestRankingPublished:
    def test_members_and_ministry(self):
        e = ev("nominations.ranking.published", cluster_code="NV-BAC", cluster_name="X", year=2026,
               snapshot_id="s-1", lead_code="22", members=["22", "37", "30"])
        assert recipients_for(e) == [*P("22", "37", "30"), MINISTRY]

    def test_members_as_objects(self):
        e = ev("nominations.ranking.published", members=[member("22", "Quảng Ninh")])
        assert recipients_for(e) == ["province:22", MINISTRY]


# --- robustness -----------------------------------------------------------------------------------

class TestDefensive:
    def test_unknown_type(self):
        assert recipients_for(ev("nominations.round.exploded", electorate=["22"])) == []
        assert recipients_for(ev("registry.period.updated", members=[member("22", "Quảng Ninh")])) == []

    @pytest.mark.parametrize("event", [{}, {"type": None}, {"payload": {"electorate": ["22"]}}, {"type": ["x"]}])
    def test_missing_or_odd_type(self, event):
        assert recipients_for(event) == []

    @pytest.mark.parametrize("event", [None, "nominations.round.opened", 42, ["nominations.round.opened"]])
    def test_not_a_mapping(self, event):
        assert recipients_for(event) == []

    @pytest.mark.parametrize("payload", [None, "oops", [1, 2], 5])
    def test_missing_or_malformed_payload(self, payload):
        e = {"type": "nominations.round.certified", "payload": payload}
        assert recipients_for(e) == [MINISTRY]
        assert recipients_for({"type": "nominations.round.certified"}) == [MINISTRY]

    @pytest.mark.parametrize("electorate", [None, "22", {"code": "22"}, 22, b"22"])
    def test_list_fields_that_are_not_lists_count_as_empty(self, electorate):
        e = ev("nominations.round.runoff_created", **NOMINATION, electorate=electorate)
        assert recipients_for(e) == [MINISTRY]

    def test_blank_and_junk_codes_are_skipped(self):
        e = ev("nominations.round.opened", electorate=["22", "", "   ", None, {"name": "no code"}, 3.5, True, "37"])
        assert recipients_for(e) == P("22", "37")

    def test_codes_are_stripped_and_ints_accepted(self):
        e = ev("nominations.round.opened", electorate=[" 22 ", 37, "22"])
        assert recipients_for(e) == P("22", "37")

    def test_duplicates_in_a_list_are_removed_keeping_first_occurrence(self):
        e = ev("nominations.round.runoff_created", electorate=["30", "22", "30", "37", "22"])
        assert recipients_for(e) == [*P("30", "22", "37"), MINISTRY]

    def test_result_is_a_fresh_list(self):
        e = ev("nominations.round.closed", lead_code="22")
        first = recipients_for(e)
        first.append("mutated")
        assert recipients_for(e) == ["province:22", MINISTRY]

    def test_event_is_not_modified(self):
        e = ev("nominations.round.certified", **NOMINATION, lead_code="22", electorate=["22", "37"])
        before = repr(e)
        recipients_for(e)
        assert repr(e) == before


@pytest.mark.parametrize("type_", sorted(ALL_TYPES))
def test_every_route_handles_an_empty_payload(type_):
    got = recipients_for(ev(type_))
    assert got in ([], [MINISTRY])
    assert len(got) == len(set(got))


def test_movement_events_reach_the_provinces_concerned():
    e = ev("nominations.movement.registration_due", provinces=["22", "37"], unregistered=["22013", "37002"])
    assert recipients_for(e) == ["province:22013", "province:37002", "province:22", "province:37"]
    e = ev("nominations.movement.model_recognised", provinces=["22"], unit_code="22001")
    assert recipients_for(e) == ["province:22001", "province:22"]
    e = ev("nominations.movement.launched", provinces=["22"], units=37)
    assert recipients_for(e) == ["province:22"]


def test_conference_events_reach_the_member_units():
    e = ev("nominations.covenant.signed", provinces=["34", "33"], not_signed=["33"])
    assert recipients_for(e) == ["province:34", "province:33"]


def test_council_events_reach_the_organisers_office_and_the_result_the_provinces():
    e = ev("nominations.council.session_opened", organiser="BNV")
    assert recipients_for(e) == ["ministry"]
    e = ev("nominations.council.result", organiser="UBND-22", provinces=["22001", "22"])
    assert recipients_for(e) == ["staff:UBND-22", "province:22001", "province:22"]


# --- the table ------------------------------------------------------------------------------------

def test_routed_event_types():
    assert ROUTED_EVENT_TYPES == ALL_TYPES == set(ROUTING)
    assert isinstance(ROUTED_EVENT_TYPES, frozenset)


def test_routes_have_descriptions_and_functions():
    for type_, route in ROUTING.items():
        assert isinstance(route, Route)
        assert route.who.strip() and route.why.strip(), type_
        assert callable(route.recipients)


def test_markdown_table():
    lines = ROUTING_TABLE_MARKDOWN.strip().splitlines()
    assert lines[0] == "| event type | who is notified | why |"
    assert lines[1] == "| --- | --- | --- |"
    assert len(lines) == 2 + len(ROUTING)
    for type_, route in ROUTING.items():
        row = next(line for line in lines if f"`{type_}`" in line)
        assert route.who in row and route.why in row
        assert row.startswith("| ") and row.endswith(" |")
        assert row.count(" | ") == 2  # three cells: no stray pipes


def test_markdown_cells_escape_pipes(monkeypatch):
    monkeypatch.setitem(routing.ROUTING, "x.y", Route("a | b", "c", lambda p: []))
    assert "| `x.y` | a \\| b | c |" in routing._markdown_table()


# --- addresses ------------------------------------------------------------------------------------

def test_province_address():
    assert province("22") == "province:22"
    assert province(" 22 ") == "province:22"
    assert province({"code": "01", "name": "Hà Nội"}) == "province:01"
    for bad in ("", "  ", None, {"name": "x"}):
        with pytest.raises(ValueError):
            province(bad)


def test_parse_recipient():
    assert parse_recipient("ministry") == ("ministry", None)
    assert parse_recipient("province:22") == ("province", "22")
    for bad in ("", "Ministry", "province:", "province: 22", "province", "user:5", None, 22):
        with pytest.raises(ValueError):
            parse_recipient(bad)


def test_every_recipient_is_well_formed():
    e = ev("nominations.round.approved", **NOMINATION, lead_code="22", electorate=["22", "37"])
    for recipient in recipients_for(e):
        parse_recipient(recipient)


class TestTheYearsCorrections:
    def test_a_membership_change_reaches_who_joins_who_leaves_the_members_and_the_ministry(self):
        e = ev("registry.period.members_changed", cluster_code="NV-BAC", cluster_name="X", year=2026,
               effective_date="2026-04-01", added=[member("01", "Hà Nội")], removed=[member("37", "Ninh Bình")],
               reason="QĐ 12", members=[member("22", "Quảng Ninh"), member("01", "Hà Nội")])
        assert recipients_for(e) == P("01", "37", "22") + [MINISTRY]

    def test_a_corrected_leadership_reaches_the_former_lead_too(self):
        e = ev("registry.leadership.corrected", cluster_code="NV-BAC", cluster_name="X", year=2026,
               method="correction", decided_method="rotation", lead=member("30", "Hải Dương"),
               deputy=member("31", "Hải Phòng"),
               previous={"lead": member("33", "Hưng Yên"), "deputy": member("30", "Hải Dương")},
               reason="Bầu lại", members=[member("30", "Hải Dương"), member("31", "Hải Phòng")])
        assert recipients_for(e) == P("30", "31", "33") + [MINISTRY]

    def test_an_adjusted_sheet_is_told_to_its_province_only(self):
        e = ev("nominations.sheet.adjusted", cluster_code="NV-BAC", cluster_name="X", year=2026, province="36",
               province_name="Nam Định", reviewer="34", adjustments=[{"criterion": "CM", "points": 30, "reason": "x"}])
        assert recipients_for(e) == P("36")

    def test_covenant_and_lock_reach_the_lead_members_and_ministry(self):
        for type_ in ("nominations.covenant.published", "nominations.sheets.locked"):
            e = ev(type_, cluster_code="NV-BAC", cluster_name="X", year=2026, lead_code="34", members=["34", "33"])
            assert recipients_for(e) == P("34", "33") + [MINISTRY]
