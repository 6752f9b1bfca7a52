"""The console's FastAPI application: pages, static files, sessions in Redis, one shared
httpx client per upstream API, security headers on every answer and HTML error pages."""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.console.api import ApiError, SessionEnded, UpstreamDown, create_upstreams
from services.console.errors import CsrfRefused, PageForbidden, PageNotFound, SignInRequired
from services.console.pages import PAGE_ROUTERS
from services.console.sessions import SessionStore, new_secret
from services.console.settings import ConsoleSettings
from services.console.web import (
    csrf_protect,
    end_session_cookie,
    error_page,
    message,
    redirect,
)
from shared.app import RequestContextMiddleware
from shared.limits import BodySizeLimitMiddleware
from shared.logs import configure_logging, request_id_var
from shared.production import UnsafeConfiguration
from shared.proxies import TrustedProxiesMiddleware

log = logging.getLogger("thidua.console")
STATIC = Path(__file__).parent / "static"

# No inline script anywhere: scripts come from /static only. Styles too (one CSS file).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeadersMiddleware:
    """Pure ASGI (the inbox stream passes through untouched): the security headers on every answer,
    and ``Cache-Control: no-store`` on pages (they show one user's data)."""

    def __init__(self, app: ASGIApp, *, hsts_always: bool = False):
        self.app = app
        self.hsts_always = hsts_always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")
        hsts = self.hsts_always or scope.get("scheme") == "https"

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                for k, v in SECURITY_HEADERS:
                    if k not in present:
                        headers.append((k, v))
                if not is_static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                if hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                msg["headers"] = headers
            await send(msg)

        await self.app(scope, receive, with_headers)


def create_console_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        if settings.production and settings.production_problems():
            raise UnsafeConfiguration(settings.service_name, settings.production_problems())
        app.state.redis = aioredis.from_url(settings.redis_url or "", socket_connect_timeout=2, socket_timeout=5)
        app.state.sessions = SessionStore(app.state.redis, idle_seconds=settings.session_idle_seconds,
                                          max_seconds=settings.session_max_seconds,
                                          secret=settings.session_secret or new_secret())
        app.state.upstreams = create_upstreams(settings)
        try:
            yield
        finally:
            await asyncio.gather(*(c.aclose() for c in app.state.upstreams.values()), return_exceptions=True)
            await app.state.redis.aclose()

    app = FastAPI(title="thidua console", version="1.0.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None, dependencies=[Depends(csrf_protect)])
    app.state.settings = settings
    install_error_pages(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts_always=settings.production)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    # Outermost: the browser's address and scheme as a trusted proxy forwarded them (shared.proxies).
    app.add_middleware(TrustedProxiesMiddleware, trusted=settings.trusted_proxies)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_operations(app)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    return app


def install_operations(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        try:
            await asyncio.wait_for(request.app.state.redis.ping(), timeout=2)
            return JSONResponse({"status": "ready", "checks": {"redis": "ok"}})
        except (OSError, aioredis.RedisError, TimeoutError) as exc:
            return JSONResponse({"status": "not-ready", "checks": {"redis": f"failed: {type(exc).__name__}"}},
                                status_code=503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        # With a token (required in production), only `Authorization: Bearer <token>` reads it.
        token = request.app.state.settings.metrics_token
        if token:
            sent = request.headers.get("authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
                return PlainTextResponse("metrics need the bearer token configured as CONSOLE_METRICS_TOKEN",
                                         status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _safe_error_page(request: Request, *, status_code: int, key: str) -> Response:
    """The error page, or plain text if even rendering it fails (Redis away, say)."""
    try:
        return await error_page(request, status_code=status_code, key=key)
    except Exception:
        log.exception("could not render the error page")
        rid = request_id_var.get() or ""
        return PlainTextResponse(f"{status_code}. request id: {rid}", status_code=status_code)


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        from urllib.parse import quote
        return redirect(f"/sign-in?next={quote(exc.next_path, safe='/')}&reason={exc.reason}")

    @app.exception_handler(SessionEnded)
    async def _ended(request: Request, exc: SessionEnded) -> Response:
        log.info("session ended", extra={"fields": {"reason": str(exc)}})
        response = redirect("/sign-in?reason=signin.expired")
        end_session_cookie(request, response)
        return response

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> Response:
        return await _safe_error_page(request, status_code=403, key="403")

    @app.exception_handler(PageNotFound)
    async def _not_found(request: Request, exc: PageNotFound) -> Response:
        return await _safe_error_page(request, status_code=404, key="404")

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return await _safe_error_page(request, status_code=403, key="csrf")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        # A page that did not handle an API's refusal itself: 403/404 pages, else a 4xx page with
        # the message in the user's language.
        if exc.status == 403:
            return await _safe_error_page(request, status_code=403, key="403")
        if exc.status == 404:
            return await _safe_error_page(request, status_code=404, key="404")
        return await error_page_with_message(request, exc)

    @app.exception_handler(UpstreamDown)
    async def _down(request: Request, exc: UpstreamDown) -> Response:
        log.warning("upstream down", extra={"fields": {"upstream": exc.upstream, "reason": exc.reason}})
        return await _safe_error_page(request, status_code=503, key="503")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # A malformed id in a page's address is a page that does not exist; anything else is a 400.
        in_path = any((e.get("loc") or ("",))[0] == "path" for e in exc.errors())
        return await _safe_error_page(request, status_code=404 if in_path else 400, key="404" if in_path else "400")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return await _safe_error_page(request, status_code=404, key="404")
        if exc.status_code == 403:
            return await _safe_error_page(request, status_code=403, key="403")
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        response = await _safe_error_page(request, status_code=500, key="500")
        rid = request_id_var.get()
        if rid:
            response.headers["X-Request-ID"] = rid
        for k, v in SECURITY_HEADERS:
            response.headers[k.decode()] = v.decode()
        return response


async def error_page_with_message(request: Request, exc: ApiError) -> Response:
    from services.console.web import render

    status = exc.status if 400 <= exc.status < 500 else 400
    context: dict[str, Any] = {"status": status, "key": "api", "api_message": exc.message,
                               "title": message(request, "problem.generic")}
    return await render(request, "errors/error.html", context, status_code=status)
