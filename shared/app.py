"""The FastAPI application frame every service uses.

``create_app`` wires settings, the asyncpg pool, Redis, token verification, the outbox relay,
problem+json errors, request ids, JSON access logs, ``/healthz``, ``/readyz`` and ``/metrics``.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any, Awaitable, Callable, Literal, Sequence

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import routing as fastapi_routing
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from pydantic import BaseModel, Field
from starlette._utils import get_route_path
from starlette.routing import Match, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import TokenVerifier
from shared.clock import Clock
from shared.db import Database, create_pool
from shared.errors import Unauthorized, install_problem_handlers
from shared.events import CeleryPublisher, OutboxRelay, OutboxWaker, purge_expired
from shared.jobs import JobSender
from shared.limits import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from shared.logs import configure_logging, request_id_var
from shared.production import metrics_problems, refuse_unless_safe, shared_problems
from shared.proxies import TrustedProxiesMiddleware, is_direct_loopback
from shared.receipts import Receipts, consumer_name
from shared.settings import ServiceSettings

log = logging.getLogger("thidua.http")

REQUESTS = Counter("thidua_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram("thidua_http_request_seconds", "HTTP request latency", ["service", "method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))

Hook = Callable[[FastAPI], Awaitable[None]]


class RequestContextMiddleware:
    """Pure ASGI (so streaming responses pass untouched): request id, metrics, one access-log line."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:100] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        status_holder = {"status": 500}
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", rid.encode())]
            await send(message)

        escaped = True
        try:
            await self.app(scope, receive, send_with_id)
            escaped = False
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            REQUESTS.labels(self.service, scope["method"], path, str(status_holder["status"])).inc()
            LATENCY.labels(self.service, scope["method"], path).observe(elapsed)
            if path not in ("/metrics", "/healthz"):
                # The route template, never the query string: ballots must not leak through logs.
                log.info("request", extra={"fields": {
                    "method": scope["method"], "route": path, "status": status_holder["status"],
                    "ms": round(elapsed * 1000, 2)}})
            # An exception that escapes is answered by the 500 handler outside this middleware: it
            # logs and answers with the request id, so keep it set (the request's task ends there).
            if not escaped:
                request_id_var.reset(token)


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    schema: str,
    routers: Sequence[APIRouter],
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    verifier: TokenVerifier | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        # Production refuses unsafe settings before touching anything (services add their own
        # checks as start-up hooks, which run before the app serves).
        refuse_unless_safe(settings, shared_problems(settings, verifies_remotely=verifier is None)
                           + metrics_problems(settings))
        pool = await create_pool(settings.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max)
        app.state.db = Database(pool)
        # Wakes the relays after commits that wrote events without a NOTIFY (shared.events).
        app.state.outbox_waker = OutboxWaker(app.state.db, schema=schema)
        app.state.redis = redis_client(settings)
        # Celery tasks this service sends, by name, after its commits (shared.jobs).
        app.state.jobs = JobSender(settings.redis_url)
        if not hasattr(app.state, "verifier"):
            app.state.verifier = verifier or TokenVerifier(
                jwks_url=settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                leeway=settings.jwt_leeway_seconds, redis=app.state.redis)
        relay_task = None
        publisher = None
        # Off (<PREFIX>_RUN_OUTBOX_RELAY=false), the relay runs as a process of its own
        # (``python -m deploy.relay``) that scales apart from the API.
        if settings.run_outbox_relay:
            app.state.relay, publisher = outbox_relay(settings, pool=pool, redis=app.state.redis, schema=schema)
            relay_task = asyncio.create_task(app.state.relay.run(), name=f"{schema}-outbox-relay")
        housekeeping = asyncio.create_task(_housekeeping(app.state.db, schema, settings),
                                           name=f"{schema}-housekeeping")
        try:
            for hook in on_startup:
                await hook(app)
            yield
        finally:
            housekeeping.cancel()
            await asyncio.gather(housekeeping, return_exceptions=True)
            for hook in on_shutdown:
                await hook(app)
            if relay_task is not None:
                app.state.relay.stop()
                relay_task.cancel()
                await asyncio.gather(relay_task, return_exceptions=True)
                if publisher is not None:
                    publisher.close()
            app.state.jobs.close()
            await app.state.redis.aclose()
            await app.state.outbox_waker.close()
            await pool.close()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan,
                  docs_url="/docs", openapi_url="/openapi.json")
    app.state.settings = settings
    app.state.clock = Clock(settings.clock_fixed_at)
    install_problem_handlers(app)
    # Outermost last: the request id is set before a body is refused, and the refusal gets headers.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,
                       larger=getattr(settings, "larger_bodies", ()))
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.production)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    # Outermost: every layer inside sees the client's address as the trusted proxies gave it.
    app.add_middleware(TrustedProxiesMiddleware, trusted=settings.trusted_proxies)
    app.include_router(health_router(schema, settings))
    for router in routers:
        app.include_router(router)
    index_routes(app)
    return app


# ---------------------------------------------------------------- one path check per router
# FastAPI keeps each included router as one entry of the app's routes and, for every request,
# asks each entry in turn whether it matches: an included router answers by trying each of its
# routes' path patterns in Python (a few microseconds each, and the one that matches is tried
# twice). A route of the fifteenth router paid for some hundred of those before its own code ran.
# ``index_routes`` gives each included router of plain API routes one compiled pattern, the union
# of its routes' own path patterns, asked first: a path none of them matches is answered "no"
# straight away (as the router would after trying every route), anything else goes to the
# router's own check. Only a necessary condition is added, so every request reaches the route it
# reached before, with the same 404 and 405 answers. A router whose routes have changed since
# (a route added later) is asked the usual way.

_GROUP_NAME = re.compile(r"\(\?P<[^>]+>")


def _union_pattern(included: Any) -> re.Pattern[str] | None:
    # From the routes' own paths and the include's prefix, as FastAPI builds each effective route's
    # pattern, and not from ``effective_candidates()``: that builds every route's dependency graph
    # and response models (0.1 s for the nominations app), which FastAPI otherwise does only when a
    # request first reaches the router, and a router that no request reaches never needs.
    context = getattr(included, "include_context", None)
    if context is None or not hasattr(context, "path_for"):
        return None
    patterns = []
    for route in included.original_router.routes:
        if not isinstance(route, APIRoute):
            return None  # a mount, a nested router, a websocket or frontend route: left alone
        regex, _format, _convertors = compile_path(context.path_for(route))
        patterns.append(_GROUP_NAME.sub("(?:", regex.pattern))
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def index_routes(app: FastAPI) -> None:
    included_type = getattr(fastapi_routing, "_IncludedRouter", None)
    if included_type is None:  # a FastAPI that flattens included routers: nothing to do
        return
    for route in app.router.routes:
        if type(route) is not included_type:
            continue
        entry: Any = route
        union = _union_pattern(entry)
        if union is None:
            continue
        routes = entry.original_router.routes
        matches = entry.matches

        def guarded(scope: Scope, *, _routes: list[Any] = routes, _count: int = len(routes),
                    _union: re.Pattern[str] = union, _matches: Any = matches,
                    _router: Any = entry.original_router) -> tuple[Match, Scope]:
            if scope["type"] == "http" and _router.routes is _routes and len(_routes) == _count \
                    and _union.match(get_route_path(scope)) is None:
                return Match.NONE, {}
            result: tuple[Match, Scope] = _matches(scope)
            return result

        entry.matches = guarded  # on this instance only: the router's own method stays as it is


async def _housekeeping(db: Database, schema: str, settings: ServiceSettings) -> None:
    """Keep the idempotency and outbox tables from growing without bound (every replica may run
    it: the DELETEs are idempotent)."""
    while True:
        try:
            async with db.connection() as conn:
                keys, events = await purge_expired(conn, schema=schema,
                                                   idempotency_hours=settings.idempotency_retention_hours,
                                                   outbox_days=settings.outbox_retention_days)
            if keys or events:
                log.info("housekeeping", extra={"fields": {"schema": schema, "idempotency_keys": keys,
                                                            "outbox_events": events}})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database may be away; try again next time
            log.warning("housekeeping failed", extra={"fields": {"schema": schema, "error": repr(exc)}})
        await asyncio.sleep(settings.housekeeping_interval_seconds)


def outbox_relay(settings: ServiceSettings, *, pool: Any, redis: aioredis.Redis,
                 schema: str) -> tuple[OutboxRelay, CeleryPublisher]:
    """The relay of ``schema``'s outbox as ``settings`` configure it (consumers, polling, receipts),
    and the publisher it hands events to (the caller closes it): the same inside an API process
    and in a relay process of its own."""
    publisher = CeleryPublisher(settings.redis_url, settings.consumers, broker_use_ssl=settings.celery_ssl())
    relay = OutboxRelay(pool=pool, dsn=settings.database_url, schema=schema, publish_batch=publisher.publish_batch,
                        poll_interval=settings.outbox_poll_interval,
                        coalesce_seconds=settings.outbox_coalesce_seconds,
                        receipts=Receipts(
                            redis=redis, consumers=[consumer_name(c.task) for c in settings.consumers],
                            redeliver_after_seconds=settings.outbox_redeliver_after_seconds,
                            interval_seconds=settings.outbox_receipt_interval_seconds))
    return relay, publisher


def redis_client(settings: ServiceSettings) -> aioredis.Redis:
    """The service's Redis client; a rediss:// URL speaks TLS (with the configured verification)."""
    options: dict[str, Any] = {"socket_connect_timeout": 2, "socket_timeout": 5}
    if settings.redis_tls:
        options["ssl_cert_reqs"] = settings.redis_ssl_cert_reqs
        if settings.redis_ssl_ca_certs:
            options["ssl_ca_certs"] = settings.redis_ssl_ca_certs
    return aioredis.from_url(settings.redis_url, **options)


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not-ready"]
    checks: dict[str, str] = Field(description="Each dependency (`postgres`, `redis`): `ok` or `failed: <error>`")


def health_router(schema: str, settings: ServiceSettings | None = None) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers", response_model=Health)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: PostgreSQL and Redis reachable", response_model=Readiness,
                responses={503: {"description": "Not ready: `checks` says which dependency failed",
                                 "model": Readiness}})
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, Any] = {}
        try:
            async with request.app.state.db.connection() as conn:
                await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout=2)
            checks["postgres"] = "ok"
        except Exception as exc:
            checks["postgres"] = f"failed: {type(exc).__name__}"
        try:
            await asyncio.wait_for(request.app.state.redis.ping(), timeout=2)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"failed: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "not-ready", "checks": checks},
                            status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        token = settings.metrics_token if settings else None
        if token:
            sent = request.headers.get("authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
                raise Unauthorized("metrics need the bearer token configured as METRICS_TOKEN")
        elif settings is not None and settings.production and not is_direct_loopback(request.scope):
            raise Unauthorized("metrics answer only loopback clients unless a metrics token is configured")
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


# ---------------------------------------------------------------- a fast path for hot routes
# A fast path for a hot route's well-formed requests; every other request takes FastAPI's own way.
#
# FastAPI's generic handler (resolve the dependencies, parse and validate every parameter, gather
# the errors) is most of the Python a cheap write costs. A route of a router built with
# ``route_class=FastPathRoute`` may register a fast path (:func:`fast_path`): a coroutine that
# checks the request is well-formed (its own conservative test), parses it as FastAPI would and
# calls the endpoint, or returns None *before doing anything* so that the generic handler takes the
# request and gives its usual answers (401, 422 and the rest, in its order). The route is
# documented exactly as before: the OpenAPI document comes from the endpoint's signature.
#
# A fast path runs only while the route's dependencies are the ones it was written for (a
# dependency added to the route or its router later, or a test's ``dependency_overrides``, sends
# every request the generic way).

FastPath = Callable[[Request], Awaitable[Response | None]]

_fast_paths: dict[Callable[..., Any], tuple[FastPath, tuple[Callable[..., Any], ...]]] = {}


def fast_path(endpoint: Callable[..., Any], *, dependencies: tuple[Callable[..., Any], ...]
              ) -> Callable[[FastPath], FastPath]:
    """Register the decorated coroutine as ``endpoint``'s fast path, valid while the route's
    dependencies are exactly ``dependencies`` (their callables, in order)."""
    def register(fast: FastPath) -> FastPath:
        _fast_paths[endpoint] = (fast, dependencies)
        return fast
    return register


class FastPathRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        generic = super().get_route_handler()
        # The dependant FastAPI built this handler for: the route's own, or (for a route included
        # into another router) the one with the including routers' dependencies added.
        context_var = getattr(fastapi_routing, "_effective_route_context_var", None)
        context = context_var.get() if context_var is not None else None
        effective = context if context is not None and context.original_route is self else self
        dependant = effective.dependant
        if dependant is None:
            return generic
        calls = tuple(d.call for d in dependant.dependencies)
        endpoint = self.endpoint
        provider = effective.dependency_overrides_provider

        async def handler(request: Request) -> Response:
            # Looked up per request: the fast path is registered after its route is declared.
            registered = _fast_paths.get(endpoint)
            if registered is not None and registered[1] == calls \
                    and not getattr(provider, "dependency_overrides", None):
                response = await registered[0](request)
                if response is not None:
                    return response
            return await generic(request)

        return handler


# ---------------------------------------------------------------- typed dependencies
# Coroutines, not plain functions: FastAPI runs a plain ``def`` dependency in a worker thread, and
# that hand-off costs more CPU than anything these do.

async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_redis(request: Request) -> aioredis.Redis:
    redis: aioredis.Redis = request.app.state.redis
    return redis


async def get_jobs(request: Request) -> JobSender:
    jobs: JobSender = request.app.state.jobs
    return jobs


async def get_outbox_waker(request: Request) -> OutboxWaker:
    waker: OutboxWaker = request.app.state.outbox_waker
    return waker


async def get_settings(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings
    return settings


Db = Annotated[Database, Depends(get_db)]
Redis = Annotated[aioredis.Redis, Depends(get_redis)]
Jobs = Annotated[JobSender, Depends(get_jobs)]
# Wakes the relays after a commit that wrote events without a NOTIFY (shared.events.OutboxWaker).
Waker = Annotated[OutboxWaker, Depends(get_outbox_waker)]
