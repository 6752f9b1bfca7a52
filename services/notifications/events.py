"""The events notifications reads: every envelope is parsed with its contract before it is consumed.

The producers' payload models are in :mod:`shared.contracts` (the event catalogue, published as
docs/asyncapi.yaml); the routing table (``domain/routing.py``) names the types this service
routes. Notifications itself publishes no events: what it writes for people are inbox rows and
deliveries (``service/``).
"""
from __future__ import annotations

from typing import Any, Mapping

from shared.contracts.envelope import EventEnvelope
from shared.contracts.events import CATALOGUE


class UnsupportedEventVersion(ValueError):
    """An event whose payload version this service does not read (yet)."""


def parse_event(envelope: Mapping[str, Any]) -> EventEnvelope:
    """The envelope, its payload parsed with the event's contract (``shared.contracts``) and put
    back in the contract's one shape. A payload the contract refuses raises (the task records the
    event in failed_events); a type the catalogue does not list passes as it came, to be ignored."""
    env = EventEnvelope.model_validate(envelope)
    contract = CATALOGUE.get(env.type)
    if contract is None:
        return env
    if env.version != contract.version:
        raise UnsupportedEventVersion(f"{env.type} version {env.version}: this service reads version "
                                      f"{contract.version}")
    payload = contract.model.model_validate(env.payload).model_dump(mode="json")
    return env.model_copy(update={"payload": payload})
