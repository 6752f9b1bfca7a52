"""shared.app.index_routes: each included router's one path check answers exactly as the router's
own scan does, for every route's path (and near misses), so every request reaches the route, the
404 or the 405 it reached before; a route added to a router later is still reached."""
from __future__ import annotations

import re
import uuid

import pytest
from fastapi import APIRouter, FastAPI
from fastapi import routing as fastapi_routing
from starlette.routing import Match

from shared.app import index_routes

PARAM = re.compile(r"\{([^}:]+)(?::([^}]+))?\}")
SAMPLE = {None: "x1", "str": "x1", "int": "123", "float": "1.5", "uuid": str(uuid.uuid4()), "path": "a/b"}


def _scope(path: str, method: str) -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}


def _paths(app: FastAPI) -> set[str]:
    paths = {"/", "", "/v1", "/v1/", "/v2/movements", "/nothing/here", "/V1/MOVEMENTS", "//v1/movements"}
    for entry in app.router.routes:
        if isinstance(entry, fastapi_routing._IncludedRouter):
            templates = [c.path for c in entry.effective_candidates()]
        else:
            templates = [getattr(entry, "path", "/")]
        for template in templates:
            concrete = PARAM.sub(lambda m: SAMPLE.get(m.group(2), "x1"), template)
            paths |= {concrete, concrete + "/", concrete.rstrip("/") + "/extra", concrete[:-1], concrete + "x",
                      PARAM.sub("", template), PARAM.sub("a/b", template)}
    return paths


def _apps() -> list[FastAPI]:
    from services.nominations.app import create_nominations_app
    from services.nominations.settings import NominationsSettings
    from services.notifications.app import create_notifications_app
    from services.notifications.settings import NotificationsSettings
    from services.registry.app import create_registry_app
    from services.registry.settings import RegistrySettings
    from shared.auth import generate_private_key, private_key_pem

    urls = {"database_url": "postgresql://u@127.0.0.1:1/x", "redis_url": "redis://127.0.0.1:1/0"}
    return [create_nominations_app(NominationsSettings(**urls, registry_url="http://127.0.0.1:1")),
            create_notifications_app(NotificationsSettings(**urls, registry_url="http://127.0.0.1:1")),
            create_registry_app(RegistrySettings(
                **urls, jwt_private_key_pem=private_key_pem(generate_private_key()).decode()))]


@pytest.mark.parametrize("app", _apps(), ids=["nominations", "notifications", "registry"])
def test_every_path_gets_the_routers_own_answer(app):
    guarded = [e for e in app.router.routes if "matches" in vars(e)]
    assert len(guarded) >= 3  # the check is installed, not skipped everywhere
    for path in sorted(_paths(app)):
        for method in ("GET", "POST", "PATCH", "DELETE"):
            for entry in guarded:
                scope = _scope(path, method)
                own, _ = type(entry).matches(entry, dict(scope))
                indexed, _ = entry.matches(dict(scope))
                assert indexed == own, (path, method)


def test_a_route_added_later_is_still_reached():
    router = APIRouter(prefix="/v1/things")

    @router.get("/{thing_id}")
    async def thing(thing_id: str) -> dict:
        return {}

    app = FastAPI()
    app.include_router(router)
    index_routes(app)
    [entry] = [e for e in app.router.routes if "matches" in vars(e)]
    assert entry.matches(_scope("/v1/other", "GET"))[0] is Match.NONE
    assert entry.matches(_scope("/v1/things/1", "GET"))[0] is Match.FULL
    assert entry.matches(_scope("/v1/things/1", "POST"))[0] is Match.PARTIAL

    @router.get("/", include_in_schema=False)
    async def later() -> dict:
        return {}

    @router.get("s-later")
    async def other() -> dict:
        return {}

    assert entry.matches(_scope("/v1/things/", "GET"))[0] is Match.FULL
    assert entry.matches(_scope("/v1/thingss-later", "GET"))[0] is Match.FULL


def test_the_index_builds_no_route_before_a_request_reaches_its_router():
    """FastAPI builds an included router's routes (dependency graphs, response models) when a request
    first reaches it; the index is made from the paths alone, so a router no request reaches is
    never built, and one request builds only the router it is for."""
    app = _apps()[0]
    entries = [e for e in app.router.routes if "matches" in vars(e)]
    assert entries and all(e._effective_candidates_version is None for e in entries)
    [movements] = [e for e in entries if e.matches(_scope("/v1/movements", "GET"))[0] is Match.FULL]
    built = [e for e in entries if e._effective_candidates_version is not None]
    assert built == [movements]
