"""What the movements pages read from the nominations service (keyword-only functions taking the
request's ``Api``): movements, their units, roll-up, models, fields and publications."""
from __future__ import annotations

from typing import Any
from uuid import UUID

from services.console.api import Api


async def movements(api: Api) -> list[dict[str, Any]]:
    page = await api.get("nominations", "/v1/movements", params={"limit": 100})
    items: list[dict[str, Any]] = page["items"]
    return items


async def movement(api: Api, *, movement_id: UUID | str) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/movements/{movement_id}")
    return found


async def rollup(api: Api, *, movement_id: UUID, with_units: bool, parent: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"units": "true"} if with_units else {}
    if parent:
        params["parent"] = parent
    found: dict[str, Any] = await api.get("nominations", f"/v1/movements/{movement_id}/rollup",
                                          params=params or None)
    return found


async def publications(api: Api, *, movement_id: UUID) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get("nominations", f"/v1/movements/{movement_id}/publications")
    return found


async def publication(api: Api, *, publication_id: UUID) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/movement-publications/{publication_id}")
    return found


async def units(api: Api, *, movement_id: UUID, parent: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get("nominations", f"/v1/movements/{movement_id}/units",
                                                params={"parent": parent})
    return found


async def models(api: Api, *, movement_id: UUID, params: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = await api.get("nominations", f"/v1/movements/{movement_id}/models", params=params)
    return found


async def model(api: Api, *, model_id: UUID) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_or_404("nominations", f"/v1/movement-models/{model_id}")
    return found


async def fields(api: Api) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get("nominations", "/v1/movements/fields")
    return found
