"""JSON bytes written straight from rows, for a hot list route's fast path.

FastAPI answers a route with a response model by validating the answer into the model and dumping
it (pydantic, in Rust): for a page of 50 rows read from the database, whose types and allowed
values the schema already guarantees, that is most of the route's own CPU after the query.
:func:`dumps` writes the same bytes pydantic's JSON mode writes for the types such rows hold
(str, int, bool, None, UUID, date, datetime with its offset, UTC as ``Z``, dict and list of
those) with orjson, and refuses any other type instead of guessing. :func:`fields_of` gives a
model's fields in the order pydantic writes them, to project a row onto its response model; a
test compares both with pydantic's own bytes (tests/shared/test_jsonbytes.py).
"""
from __future__ import annotations

import uuid
from typing import Any

import orjson
from pydantic import BaseModel

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    # orjson writes uuid.UUID itself but not asyncpg's UUID (a subclass): the same text.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not written by shared.jsonbytes")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def fields_of(model: type[BaseModel]) -> tuple[str, ...]:
    """The model's field names in the order its JSON lists them (no aliases, none excluded)."""
    for name, info in model.model_fields.items():
        if info.alias not in (None, name) or info.serialization_alias not in (None, name) or info.exclude:
            raise ValueError(f"{model.__name__}.{name} is renamed or excluded when dumped")
    return tuple(model.model_fields)
