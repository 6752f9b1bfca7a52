"""What the nominations service asks the registry, over HTTP (the registry's reads are public).

A registry that cannot be reached, times out or fails (5xx) is ``Unavailable`` (503 problem+json):
the caller's transaction rolls back and nothing changes. A registry 404 means the cluster-year
does not exist and is returned as ``None``.
"""
from __future__ import annotations

from typing import Any

import httpx

from shared.errors import Unavailable
from shared.settings import ServiceSettings


class RegistryClient:
    def __init__(self, base_url: str, *, timeout: float):
        self.base_url = base_url.rstrip("/")
        # One connect/read/write/pool budget: a conference must not hang on a slow registry.
        self.timeout = httpx.Timeout(timeout)
        # Building a TLS context (loading the CA bundle) costs milliseconds of CPU, more than the
        # request: made once, shared by every client (an https registry URL needs it).
        self._tls = httpx.create_ssl_context()

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> RegistryClient:
        return cls(settings.registry_url, timeout=getattr(settings, "registry_timeout_seconds", 5.0))

    async def _get(self, client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        try:
            resp = await client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise Unavailable(f"the registry cannot be reached ({type(exc).__name__})",
                              slug="registry-unavailable") from exc
        if resp.status_code >= 500:
            raise Unavailable(f"the registry answered {resp.status_code}", slug="registry-unavailable")
        return resp

    def _client(self) -> httpx.AsyncClient:
        # A client per use: the registry is asked a few times per round (create, open, approve),
        # so a pooled client with its own lifecycle would buy nothing; its TLS context is shared.
        return httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout, verify=self._tls)

    async def period(self, cluster: str, year: int) -> dict[str, Any] | None:
        """``GET /v1/clusters/{cluster}/periods/{year}``: members, lead, deputy; ``None`` if no such period.

        ``cluster`` is already validated against the registry's code pattern (no '/', no '..')."""
        async with self._client() as client:
            resp = await self._get(client, f"/v1/clusters/{cluster}/periods/{year}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise Unavailable(f"the registry answered {resp.status_code} for {cluster}/{year}",
                              slug="registry-unavailable")
        return resp.json()

    async def active_cluster_count(self, year: int) -> int:
        """How many clusters have a period in ``year`` (the base of the Government-flag cap)."""
        count = 0
        cursor: str | None = None
        async with self._client() as client:
            while True:
                params: dict[str, Any] = {"year": year, "limit": 500}
                if cursor:
                    params["cursor"] = cursor
                resp = await self._get(client, "/v1/clusters", params)
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
        async with self._client() as client:
            resp = await self._get(client, "/v1/provinces")
        if resp.status_code != 200:
            raise Unavailable(f"the registry answered {resp.status_code} listing provinces",
                              slug="registry-unavailable")
        items: list[dict[str, Any]] = resp.json()["items"]
        return items
