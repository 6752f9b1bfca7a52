"""What the nominations service asks the registry, over HTTP (the registry's reads are public).

A registry that cannot be reached, times out or fails (5xx) is ``Unavailable`` (503 problem+json):
the caller's transaction rolls back and nothing changes. A registry 404 means the cluster-year
does not exist and is returned as ``None``.
"""
from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request

from shared.errors import Unavailable
from shared.http_clients import tls_context
from shared.settings import ServiceSettings


class RegistryClient:
    """The registry's reads over one pooled ``httpx.AsyncClient``: the app makes one per process
    (:func:`open_registry`, closed at shutdown) and every request shares it."""

    def __init__(self, http: httpx.AsyncClient):
        self.http = http

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> RegistryClient:
        """A client with its own connection pool (the app's lifespan, a script, a demo seed): the
        caller closes it with :meth:`aclose`."""
        # One connect/read/write/pool budget: a conference must not hang on a slow registry.
        timeout = httpx.Timeout(getattr(settings, "registry_timeout_seconds", 5.0))
        return cls(httpx.AsyncClient(base_url=settings.registry_url.rstrip("/"), timeout=timeout,
                                     verify=tls_context()))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        try:
            resp = await self.http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise Unavailable(f"the registry cannot be reached ({type(exc).__name__})",
                              slug="registry-unavailable") from exc
        if resp.status_code >= 500:
            raise Unavailable(f"the registry answered {resp.status_code}", slug="registry-unavailable")
        return resp

    async def period(self, cluster: str, year: int) -> dict[str, Any] | None:
        """``GET /v1/clusters/{cluster}/periods/{year}``: members, lead, deputy; ``None`` if no such period.

        ``cluster`` is already validated against the registry's code pattern (no '/', no '..')."""
        resp = await self._get(f"/v1/clusters/{cluster}/periods/{year}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise Unavailable(f"the registry answered {resp.status_code} for {cluster}/{year}",
                              slug="registry-unavailable")
        return resp.json()

    async def lead_of(self, cluster: str, year: int) -> str | None:
        """The code of the province that leads ``cluster`` in ``year`` now (None: no lead, or no period).

        Asked on every use of the lead's powers, uncached: a ministry's correction of the
        leadership takes effect with the next request."""
        period = await self.period(cluster, year)
        lead = period.get("lead") if period else None
        return lead["code"] if lead else None

    async def active_cluster_count(self, year: int, organiser: str | None = None) -> int:
        """How many clusters (of ``organiser``, or of every organiser) have a period in ``year``: each
        has one lead, so this is the base of that organiser's Government-flag cap."""
        count = 0
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"year": year, "limit": 500}
            if organiser is not None:
                params["organiser"] = organiser
            if organiser is not None:
                params["organiser"] = organiser
            if cursor:
                params["cursor"] = cursor
            resp = await self._get("/v1/clusters", params)
            if resp.status_code != 200:
                raise Unavailable(f"the registry answered {resp.status_code} listing clusters",
                                  slug="registry-unavailable")
            body = resp.json()
            count += len(body["items"])
            cursor = body.get("next")
            if not cursor:
                return count

    async def provinces(self) -> list[dict[str, Any]]:
        """``GET /v1/provinces``: the provincial units in force today (code, name, kind)."""
        resp = await self._get("/v1/provinces")
        if resp.status_code != 200:
            raise Unavailable(f"the registry answered {resp.status_code} listing provinces",
                              slug="registry-unavailable")
        items: list[dict[str, Any]] = resp.json()["items"]
        return items

    async def _one(self, path: str) -> dict[str, Any] | None:
        resp = await self._get(path)
        if resp.status_code in (404, 422):
            return None
        if resp.status_code != 200:
            raise Unavailable(f"the registry answered {resp.status_code} for {path}", slug="registry-unavailable")
        found: dict[str, Any] = resp.json()
        return found

    async def organiser(self, code: str) -> dict[str, Any] | None:
        """``GET /v1/organisers/{code}``: name, kind, province; ``None`` if there is no such organiser."""
        return await self._one(f"/v1/organisers/{code}")

    async def province(self, code: str) -> dict[str, Any] | None:
        """``GET /v1/provinces/{code}``: the province in force today."""
        return await self._one(f"/v1/provinces/{code}")

    async def units_of(self, organiser: str) -> list[dict[str, Any]]:
        """``GET /v1/units?organiser=``: every unit of an organiser in force today (code, name, kind,
        province_code), all pages; none for a code the registry does not take as an organiser's."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"organiser": organiser, "limit": 1000}
            if cursor:
                params["cursor"] = cursor
            resp = await self._get("/v1/units", params)
            if resp.status_code in (404, 422):
                return []
            if resp.status_code != 200:
                raise Unavailable(f"the registry answered {resp.status_code} listing {organiser}'s units",
                                  slug="registry-unavailable")
            body = resp.json()
            found += body["items"]
            cursor = body.get("next")
            if not cursor:
                return found


# ---------------------------------------------------------------- one client per process

async def open_registry(app: FastAPI) -> None:
    """Start-up hook: the process's one registry client (its connection pool lives as long as the app)."""
    app.state.registry_client = RegistryClient.from_settings(app.state.settings)


async def close_registry(app: FastAPI) -> None:
    """Shutdown hook: close the pool :func:`open_registry` opened."""
    client: RegistryClient | None = getattr(app.state, "registry_client", None)
    if client is not None:
        await client.aclose()


def get_registry(request: Request) -> RegistryClient:
    client: RegistryClient = request.app.state.registry_client
    return client


Registry = Annotated[RegistryClient, Depends(get_registry)]
"""The registry client, as a route dependency."""
