"""Another organiser's cluster: its emulation office is told what the ministry is told of its own
clusters, and its units are addressed by their codes like provinces."""
from __future__ import annotations

from services.notifications.domain import policy
from services.notifications.domain.routing import parse_recipient, recipients_for
from shared.auth import Principal


def _rotated(organiser: str | None) -> dict:
    payload = {"cluster_code": "QN-KHOI-SO", "cluster_name": "Khối các sở", "year": 2024, "method": "election",
               "lead": {"code": "QN-SNV", "name": "Sở Nội vụ"}, "deputy": {"code": "QN-STC", "name": "Sở Tài chính"},
               "members": [{"code": "QN-SNV", "name": "Sở Nội vụ"}, {"code": "QN-STC", "name": "Sở Tài chính"}]}
    if organiser is not None:
        payload["organiser"] = organiser
    return {"id": "e1", "type": "registry.leadership.rotated", "version": 1, "payload": payload}


def test_an_organisers_office_replaces_the_ministry_for_its_clusters():
    ministry_cluster = recipients_for(_rotated(None))
    assert "ministry" in ministry_cluster and recipients_for(_rotated("BNV")) == ministry_cluster
    province_cluster = recipients_for(_rotated("UBND-QN"))
    assert "ministry" not in province_cluster and "staff:UBND-QN" in province_cluster
    assert {"province:QN-SNV", "province:QN-STC"} <= set(province_cluster)
    assert parse_recipient("staff:UBND-QN") == ("ministry", "UBND-QN")


def test_units_and_offices_have_addresses():
    assert policy.address_of(Principal(subject="u", role="unit", unit_code="QN-SNV")) == "province:QN-SNV"
    assert policy.address_of(Principal(subject="p", role="province", province="22")) == "province:22"
    assert policy.address_of(Principal(subject="s", role="staff", organiser="UBND-QN")) == "staff:UBND-QN"
    assert policy.address_of(Principal(subject="m", role="ministry")) == "ministry"
    assert policy.address_of(Principal(subject="x", role="service")) is None
