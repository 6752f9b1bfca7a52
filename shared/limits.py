"""Limits and headers every service applies before a request reaches a route.

- ``BodySizeLimitMiddleware``: a request body larger than the limit is refused with 413
  problem+json before it is parsed, whether it announces its size (``Content-Length``, refused
  before a byte of the body is read) or streams it (chunked transfer, counted as it arrives).
- ``SecurityHeadersMiddleware``: ``nosniff`` on every answer; on HTML a content security policy
  (unless the page set its own), no framing and no referrer.
"""
from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.logs import request_id_var

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MIB = 1024 * 1024


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a streamed body passes the limit; FastAPI re-raises HTTP
    exceptions met while reading the body, so the problem handler answers it (or, when the route
    read the body some other way, the middleware itself)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is larger than {limit} bytes")
        self.limit = limit


def too_large_body(limit: int, path: str) -> bytes:
    detail = f"the request body is larger than {limit} bytes"
    body: dict[str, Any] = {"type": "urn:thidua:problem:body-too-large", "title": "Request body too large",
                            "status": 413, "detail": detail, "instance": path, "max_bytes": limit,
                            "errors": [{"field": "body", "message": detail}]}
    rid = request_id_var.get()
    if rid:
        body["request_id"] = rid
    return json.dumps(body).encode()


class BodySizeLimitMiddleware:
    """``larger``: ``(path regex, max_bytes)`` pairs for the few routes that take bigger bodies
    (a file upload), the first match wins; every other path has ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = [(re.compile(pattern), limit) for pattern, limit in larger]

    def _limit(self, scope: Scope) -> int:
        path = scope.get("path", "")
        return next((limit for pattern, limit in self.larger if pattern.match(path)), self.max_bytes)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        body = too_large_body(limit, scope.get("path", ""))
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope)
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = 0  # the server refuses a malformed length before we run
                if announced > max_bytes:
                    await self._refuse(scope, send, max_bytes)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send, max_bytes)


# What the interactive API docs (/docs, /redoc) load; every other HTML page gets the strict policy.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
STRICT_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                extra: list[tuple[bytes, bytes]] = [(b"x-content-type-options", b"nosniff")]
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    csp = DOCS_CSP if path in ("/docs", "/redoc") else STRICT_CSP
                    extra += [(b"content-security-policy", csp.encode()), (b"x-frame-options", b"DENY"),
                              (b"referrer-policy", b"no-referrer"),
                              (b"cross-origin-opener-policy", b"same-origin")]
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                headers += [(name, value) for name, value in extra if name not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
