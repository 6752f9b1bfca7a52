"""Whose address a request comes from, when proxies stand in front of the services.

``X-Forwarded-For`` is written by whoever sends the request: only a proxy the deployment trusts
(``THIDUA_TRUSTED_PROXIES``: addresses and networks, comma-separated) may say who its client is.
Walking the header from the right, the first address that is not a trusted proxy is the client
(each proxy appends the address it saw, so what a client wrote itself stays on the left and is
never read past an untrusted hop). ``X-Forwarded-Proto`` is taken from trusted proxies only.

The default trusts loopback only (uvicorn's own default), so ``make run`` and the console on the
same machine keep working; a Kubernetes deployment names its ingress's addresses (and, for the
registry, the console's: the console forwards its user's address with the sign-in). The services
run uvicorn with ``--no-proxy-headers``: this middleware is the one place that reads the headers,
and it keeps the address the connection really came from (``peer``) for checks that must not
follow a forwarded header at all (``/metrics`` for loopback callers).
"""
from __future__ import annotations

import ipaddress
from typing import Any

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from shared.limits import ASGIApp, Receive, Scope, Send

DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"
PEER = "thidua.peer"


def parse_trusted_proxies(value: str) -> list[str]:
    """The configured proxies as canonical addresses/networks; anything else is refused (a typo
    must not turn into a literal that trusts nothing, nor ``*`` into trusting every client)."""
    entries = []
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            continue
        if entry == "*":
            raise ValueError("'*' would let every client choose its own address; name the proxies' addresses")
        try:
            entries.append(str(ipaddress.ip_network(entry, strict=False)) if "/" in entry
                           else str(ipaddress.ip_address(entry)))
        except ValueError:
            raise ValueError(f"{entry!r} is neither an IP address nor a network (e.g. 10.0.0.0/8)") from None
    return entries


class TrustedProxiesMiddleware:
    """Pure ASGI: sets ``scope["client"]``/``scope["scheme"]`` from the forwarded headers of a
    trusted proxy only, and keeps the connection's own address as ``scope["thidua.peer"]``."""

    def __init__(self, app: ASGIApp, *, trusted: str = DEFAULT_TRUSTED_PROXIES) -> None:
        self.app = app
        self._forwarded: Any = ProxyHeadersMiddleware(app, trusted_hosts=parse_trusted_proxies(trusted))  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope[PEER] = scope.get("client")
        await self._forwarded(scope, receive, send)


def is_direct_loopback(scope: Scope) -> bool:
    """The connection itself comes from this machine and carries no forwarded address: a proxy on
    loopback (a sidecar) relaying someone else's request does not count."""
    peer = scope.get(PEER, scope.get("client"))
    host = peer[0] if peer else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    forwarded = any(name in (b"x-forwarded-for", b"forwarded") for name, _ in scope.get("headers") or ())
    return loopback and not forwarded
