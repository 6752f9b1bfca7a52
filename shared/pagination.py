"""Opaque keyset cursors for list endpoints that answer ``{"items": [...], "next": cursor-or-null}``."""
from __future__ import annotations

import base64
import json
from typing import Any

from shared.errors import Unprocessable


def encode_cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except Exception as exc:
        raise Unprocessable("cursor is not one this service issued", field="cursor") from exc


def page(items: list[Any], limit: int, position_of) -> dict[str, Any]:
    """``items`` was fetched with ``limit + 1`` rows; the extra one says whether there is more."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next": encode_cursor(position_of(items[-1])) if more and items else None}
