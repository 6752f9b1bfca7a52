"""The published event catalogue (docs/events/, docs/asyncapi.yaml) is what the contract models say."""
from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

from deploy import event_catalogue
from shared.contracts.events import CATALOGUE


def test_the_committed_catalogue_is_up_to_date():
    # Regenerate with `python -m deploy.event_catalogue` after changing a model in shared/contracts.
    assert event_catalogue.stale() == []


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(document: dict, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


@pytest.fixture(scope="module")
def asyncapi() -> dict:
    return yaml.safe_load((event_catalogue.ROOT / event_catalogue.ASYNCAPI).read_text(encoding="utf-8"))


def test_asyncapi_document_is_structurally_valid(asyncapi):
    assert asyncapi["asyncapi"] == "3.0.0"
    assert asyncapi["info"]["title"] and asyncapi["info"]["version"]
    refs = _refs(asyncapi)
    assert refs
    for ref in refs:
        _resolve(asyncapi, ref)
    channels, operations = asyncapi["channels"], asyncapi["operations"]
    assert {c["address"] for c in channels.values()} == set(CATALOGUE)
    for key, channel in channels.items():
        assert channel["messages"], key
        for message in channel["messages"].values():
            assert "payload" in _resolve(asyncapi, message["$ref"])
    for name, operation in operations.items():
        assert operation["action"] in ("send", "receive"), name
        channel_ref = operation["channel"]["$ref"]
        for message in operation["messages"]:
            # An operation's messages are its channel's (AsyncAPI 3.0).
            assert message["$ref"].startswith(channel_ref + "/messages/"), name
    assert {_resolve(asyncapi, o["channel"]["$ref"])["address"] for o in operations.values()} == set(CATALOGUE)
    for name, schema in asyncapi["components"]["schemas"].items():  # noqa: B007
        jsonschema.Draft202012Validator.check_schema(schema)


def test_each_message_is_the_envelope_with_its_payload_model(asyncapi):
    registry = asyncapi["components"]
    envelope = registry["schemas"]["EventEnvelope"]
    assert set(envelope["required"]) >= {"id", "type", "occurred_at", "producer", "aggregate_id", "payload"}
    assert envelope["properties"]["id"]["format"] == "uuid"
    assert envelope["properties"]["occurred_at"]["format"] == "date-time"
    for event_type, contract in CATALOGUE.items():
        message = next(m for m in registry["messages"].values() if m["name"] == event_type)
        specific = message["payload"]["allOf"][1]["properties"]
        assert specific["type"] == {"const": event_type} and specific["version"] == {"const": contract.version}
        assert specific["payload"]["$ref"] == f"#/components/schemas/{contract.model.__name__}"


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_each_event_schema_is_valid_json_schema(event_type):
    schema = event_catalogue.event_schema(event_type)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["x-event-version"] == CATALOGUE[event_type].version
    assert schema["additionalProperties"] is False
