"""What the council pages read: the office's councils, a council with its sessions and the nominees
the office received, the session (attendance, quorum, turnout, result), its roster, and the minutes
the nominations service prints."""
from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import httpx

from services.console.api import Api


def _base(council_id: UUID, session_id: UUID) -> str:
    return f"/v1/councils/{council_id}/sessions/{session_id}"


async def session_page(api: Api, council_id: UUID, session_id: UUID) -> dict[str, Any]:
    """The session, its roster and its council (the 404 page when the API does not know the session)."""
    session = await api.get_or_404("nominations", _base(council_id, session_id))
    roster, council = await asyncio.gather(api.get("nominations", _base(council_id, session_id) + "/roster"),
                                           api.get("nominations", f"/v1/councils/{council_id}"))
    confirmed: dict[str, Any] = {"confirmations": [], "frozen_at": None}
    if session["state"] == "closed":  # the minutes exist: who confirmed them, and whether they are frozen
        found = await api.get("nominations", _base(council_id, session_id) + "/minutes")
        confirmed = {"confirmations": found["confirmations"], "frozen_at": found["frozen_at"]}
    return {"session": session, "roster": roster["items"], "council": council, "minutes_state": confirmed,
            "confirmed_roles": [c["role"] for c in confirmed["confirmations"]]}


async def minutes(api: Api, council_id: UUID, session_id: UUID, fmt: str) -> httpx.Response:
    found: httpx.Response = await api.request("nominations", "GET", _base(council_id, session_id) + "/minutes",
                                              params={"format": fmt}, raw=True)
    return found


async def councils(api: Api, organiser: str) -> list[dict[str, Any]]:
    found: dict[str, Any] = await api.get("nominations", "/v1/councils", params={"organiser": organiser})
    return list(found["items"])


async def council_page(api: Api, council_id: UUID) -> dict[str, Any]:
    """The council (the 404 page when unknown), its sessions and the nominees sent to the office."""
    council = await api.get_or_404("nominations", f"/v1/councils/{council_id}")
    sessions, received = await asyncio.gather(
        api.get("nominations", f"/v1/councils/{council_id}/sessions"),
        api.get("nominations", "/v1/commendations/review", params={"state": "sent", "limit": 200}))
    return {"council": council, "sessions": sessions["items"], "received": received["items"]}
