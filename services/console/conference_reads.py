"""What the conference pages read: the conference with its attendance, its roster, its rounds."""
from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from services.console.api import Api


async def conference(api: Api, conference_id: UUID) -> dict[str, Any]:
    """The conference (the 404 page when the API does not know it)."""
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/conferences/{conference_id}")
    return found


async def roster(api: Api, conference_id: UUID) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get("nominations", f"/v1/conferences/{conference_id}/delegates"))["items"]
    return found


async def rounds(api: Api, ids: list[str]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(api.get("nominations", f"/v1/rounds/{i}") for i in ids)))
