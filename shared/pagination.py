"""Opaque keyset cursors for list endpoints that answer ``{"items": [...], "next": cursor-or-null}``.

A cursor is only ever one this service issued, but a client can send anything: read it with the
helper for its shape (``id_cursor``, ``text_cursor``, ``time_id_cursor``), which answers a 422
naming ``cursor`` for anything else, before a value of the wrong type or range reaches the SQL.
"""
from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from shared.db import BIGINT_MAX
from shared.errors import Unprocessable


def _foreign() -> Unprocessable:
    return Unprocessable("cursor is not one this service issued", field="cursor")


def encode_cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except Exception as exc:
        raise _foreign() from exc


def id_cursor(cursor: str | None) -> int | None:
    """A cursor holding a positive bigint id."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    if type(position) is not int or not 0 < position <= BIGINT_MAX:  # bool is an int: refused too
        raise _foreign()
    return position


def text_cursor(cursor: str | None, *, pattern: str) -> str | None:
    """A cursor holding a text key that matches ``pattern`` (the key's own format)."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    if not isinstance(position, str) or not re.fullmatch(pattern, position):
        raise _foreign()
    return position


def time_id_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """A cursor holding ``[ISO timestamp with its offset, uuid]`` (a keyset on ``(created_at, id)``)."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    if not (isinstance(position, list) and len(position) == 2 and all(isinstance(p, str) for p in position)):
        raise _foreign()
    try:
        at = datetime.fromisoformat(position[0])
        key = uuid.UUID(position[1])
        if at.tzinfo is None:
            raise ValueError("no offset")
        at.astimezone(timezone.utc)  # 0001-01-01T00:00+14:00 is before the first UTC instant
    except (ValueError, OverflowError) as exc:
        raise _foreign() from exc
    return at, key


def page(items: list[Any], limit: int, position_of: Callable[[Any], Any]) -> dict[str, Any]:
    """``items`` was fetched with ``limit + 1`` rows; the extra one says whether there is more."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next": encode_cursor(position_of(items[-1])) if more and items else None}
