"""Publish the event catalogue from the contract models in ``shared/contracts``.

    python -m deploy.event_catalogue            # write docs/events/<type>.json and docs/asyncapi.yaml
    python -m deploy.event_catalogue --check    # exit 1 when the committed files are out of date

One JSON Schema (draft 2020-12) per event type: the payload model as it travels. And one AsyncAPI
3.0 document: a channel per event type (its address is the type), the message being the envelope
the outbox relay publishes (``shared/events.py``) with the type's payload model.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.contracts.envelope import EventEnvelope
from shared.contracts.events import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = Path("docs/events")
ASYNCAPI = Path("docs/asyncapi.yaml")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

ENVELOPE_DESCRIPTION = (
    "Each event is written to its producer's transactional outbox (`<schema>.outbox`) in the transaction "
    "that makes the change, and the outbox relay hands it to every consumer task on the broker as Celery "
    "task messages. By default that is `notifications.handle_events` on queue `events`, whose first argument "
    "is a list of up to 100 of these envelopes in outbox order (task id `<event id>:<task>` for one event, "
    "for several a UUID derived from their ids then `:<task>`); a consumer configured to take events one by "
    "one (such as `notifications.handle_event`, which replays use) gets this envelope as its first argument "
    "(task id `<event id>:<task>`). Delivery is at least once; consumers deduplicate on `id`, and once an "
    "event is handled add its `id` to the Redis set `thidua:receipts:<producer>:<consuming service>`: the "
    "producer publishes again an event left without a receipt.")


def _first_line(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or model.__name__).strip().split("\n\n")[0].split())


def event_schema(event_type: str) -> dict[str, Any]:
    """The JSON Schema of one event type's payload."""
    contract = CATALOGUE[event_type]
    schema = contract.model.model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": f"urn:thidua:event:{event_type}:v{contract.version}",
            "x-event-type": event_type, "x-event-version": contract.version, "x-producer": contract.producer,
            **schema}


def _envelope_schema() -> dict[str, Any]:
    schema = EventEnvelope.model_json_schema(mode="serialization")
    schema.pop("title", None)
    return {"title": "EventEnvelope", **schema}


def asyncapi() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every catalogued event."""
    models: list[tuple[type[BaseModel], Literal["serialization"]]] = [(c.model, "serialization")
                                                                      for c in CATALOGUE.values()]
    _, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = {"EventEnvelope": _envelope_schema(), **defs.get("$defs", {})}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, contract in CATALOGUE.items():
        model = contract.model.__name__
        key = event_type.replace(".", "-")
        messages[key] = {
            "name": event_type,
            "title": f"{event_type} (version {contract.version})",
            "summary": _first_line(contract.model),
            "contentType": "application/json",
            "payload": {"allOf": [
                {"$ref": "#/components/schemas/EventEnvelope"},
                {"type": "object", "required": ["type", "version", "producer", "payload"], "properties": {
                    "type": {"const": event_type},
                    "version": {"const": contract.version},
                    "producer": {"const": contract.producer},
                    "payload": {"$ref": f"#/components/schemas/{model}"},
                }},
            ]},
        }
        channels[key] = {
            "address": event_type,
            "title": event_type,
            "description": f"Published by {contract.producer}. {_first_line(contract.model)}",
            "messages": {model: {"$ref": f"#/components/messages/{key}"}},
        }
        operations[f"{contract.producer}-publishes-{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"{contract.producer} publishes {event_type} through its outbox",
            "messages": [{"$ref": f"#/channels/{key}/messages/{model}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "thidua events",
            "version": "1.0.0",
            "description": ("The events thidua's services publish. Payload models live in `shared/contracts` "
                            "(one versioned pydantic model per event type); this document and `docs/events/` "
                            "are generated from them by `python -m deploy.event_catalogue`.\n\n"
                            + ENVELOPE_DESCRIPTION),
        },
        "defaultContentType": "application/json",
        "servers": {"broker": {"host": "127.0.0.1:6379", "protocol": "redis",
                               "description": "The Celery broker (Redis); `REDIS_URL` names it in each deployment"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def documents() -> dict[Path, str]:
    """Every generated file (path relative to the repository) and its content."""
    out = {EVENTS_DIR / f"{t}.json": json.dumps(event_schema(t), indent=2, ensure_ascii=False) + "\n"
           for t in CATALOGUE}
    out[ASYNCAPI] = ("# Generated by `python -m deploy.event_catalogue` from shared/contracts: do not edit.\n"
                     + yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True, width=110))
    return out


def stale(root: Path = ROOT) -> list[str]:
    """Files that differ from what the models generate, or that no event type generates any more."""
    expected = documents()
    found = [str(p) for p, text in expected.items()
             if not (root / p).exists() or (root / p).read_text(encoding="utf-8") != text]
    found += [str(p.relative_to(root)) for p in sorted((root / EVENTS_DIR).glob("*.json"))
              if p.relative_to(root) not in expected]
    return found


def write(root: Path = ROOT) -> None:
    expected = documents()
    (root / EVENTS_DIR).mkdir(parents=True, exist_ok=True)
    for p in (root / EVENTS_DIR).glob("*.json"):
        if p.relative_to(root) not in expected:
            p.unlink()
    for p, text in expected.items():
        (root / p).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the files are up to date")
    args = parser.parse_args(argv)
    if args.check:
        out = stale()
        for p in out:
            print(f"out of date: {p}", file=sys.stderr)
        return 1 if out else 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
