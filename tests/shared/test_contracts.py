"""Event contracts: the outbox takes only catalogued event types with payloads their model accepts."""
import uuid
from datetime import date

import pytest
from pydantic import ValidationError

from shared.contracts.common import ProvinceRef
from shared.contracts.events import CATALOGUE
from shared.contracts.nominations import (
    BALLOT_CAST,
    ROUND_CERTIFIED,
    BallotCastV1,
    RoundApprovedV1,
)
from shared.contracts.registry import PROVINCE_MERGED, ProvinceMergedV1
from shared.events import UnknownEventType, outbox_payload

ROUND = uuid.UUID("5d1c0b1e-0000-4000-8000-000000000001")


def test_a_model_is_written_as_its_json():
    merged = ProvinceMergedV1(successor=ProvinceRef(code="31", name="Hải Phòng"),
                              sources=[ProvinceRef(code="30", name="Hải Dương")], effective_date=date(2025, 7, 1))
    assert outbox_payload(PROVINCE_MERGED, merged, producer="registry") == (1, {
        "successor": {"code": "31", "name": "Hải Phòng"}, "sources": [{"code": "30", "name": "Hải Dương"}],
        "effective_date": "2025-07-01"})


def test_a_mapping_is_validated_and_normalised():
    version, payload = outbox_payload(BALLOT_CAST, {"round_id": str(ROUND), "cluster_code": "NOIVU-BAC",
                                                    "year": 2026, "voter_code": "22"})
    assert version == 1 and payload["round_id"] == str(ROUND)


def test_an_unknown_type_is_refused():
    with pytest.raises(UnknownEventType):
        outbox_payload("nominations.round.exploded", {})


@pytest.mark.parametrize("payload", [
    {"round_id": str(ROUND), "cluster_code": "NOIVU-BAC", "year": 2026},                         # missing voter
    {"round_id": str(ROUND), "cluster_code": "NOIVU-BAC", "year": 2026, "voter_code": ""},         # not a code
    {"round_id": "r-1", "cluster_code": "NOIVU-BAC", "year": 2026, "voter_code": "22"},           # not a uuid
    {"round_id": str(ROUND), "cluster_code": "NOIVU-BAC", "year": 2026, "voter_code": "22",
     "choices": ["30"]},                                                                          # drifted
])
def test_a_payload_its_model_refuses_is_refused(payload):
    with pytest.raises(ValidationError):
        outbox_payload(BALLOT_CAST, payload)


def test_another_events_model_is_refused():
    approved = RoundApprovedV1(round_id=ROUND, cluster_code="NOIVU-BAC", cluster_name="Cụm", year=2026,
                               award="government_flag", lead_code="22", electorate=["22"], proposed=["22"])
    with pytest.raises(TypeError):
        outbox_payload(ROUND_CERTIFIED, approved)


def test_the_producer_must_own_the_type():
    ballot = BallotCastV1(round_id=ROUND, cluster_code="NOIVU-BAC", year=2026, voter_code="22")
    with pytest.raises(ValueError):
        outbox_payload(BALLOT_CAST, ballot, producer="registry")


def test_every_catalogued_type_is_named_by_its_producer():
    for event_type, contract in CATALOGUE.items():
        assert event_type.split(".")[0] == contract.producer
        assert contract.version >= 1
        assert contract.model.__name__.endswith(f"V{contract.version}")
