"""A fast path for a hot route's well-formed requests; every other request takes FastAPI's own way.

FastAPI's generic handler (resolve the dependencies, parse and validate every parameter, gather
the errors) is most of the Python a cheap write costs. A route of a router built with
``route_class=FastPathRoute`` may register a fast path (:func:`fast_path`): a coroutine that
checks the request is well-formed (its own conservative test), parses it as FastAPI would and
calls the endpoint, or returns None *before doing anything* so that the generic handler takes the
request and gives its usual answers (401, 422 and the rest, in its order). The route is
documented exactly as before: the OpenAPI document comes from the endpoint's signature.

A fast path runs only while the route's dependencies are the ones it was written for (a
dependency added to the route or its router later, or a test's ``dependency_overrides``, sends
every request the generic way).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute

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
