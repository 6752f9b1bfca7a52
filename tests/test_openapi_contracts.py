"""Every operation of the three APIs describes its answers: a closed schema for each 2xx JSON body
(a generated client gets types, not ``dict``), a declared media type for anything else, and
problem+json for errors. The documents validate against the OpenAPI 3.1 specification."""
from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

SERVICES = ("registry", "nominations", "notifications")


def _app(service: str) -> Any:
    if service == "registry":
        from services.registry.app import create_registry_app
        from services.registry.settings import RegistrySettings

        return create_registry_app(RegistrySettings(demo=True))
    if service == "nominations":
        from services.nominations.app import create_nominations_app

        return create_nominations_app()
    from services.notifications.app import create_notifications_app

    return create_notifications_app()


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {service: _app(service).openapi() for service in SERVICES}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def open_parts(doc: dict[str, Any], schema: dict[str, Any] | None, where: str = "", depth: int = 0) -> list[str]:
    """Where ``schema`` (a response body) says nothing about its shape: a missing or empty schema, an
    object without properties (``additionalProperties`` alone describes a map, not a body)."""
    if not schema:
        return [where or "(body)"]
    schema = _resolve(doc, schema)
    if depth > 1:  # the body and its items: nested values may be free-form (a stored envelope, say)
        return []
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            parts = [s for s in schema[key] if _resolve(doc, s).get("type") != "null"]
            return [p for s in parts for p in open_parts(doc, s, where, depth)]
    if schema.get("type") == "array":
        return open_parts(doc, schema.get("items"), where + "[]", depth + 1)
    if schema.get("type") == "object" or "properties" in schema or "additionalProperties" in schema:
        return [] if schema.get("properties") else [where or "(body)"]
    return [] if schema.get("type") or "const" in schema or "enum" in schema else [where or "(body)"]


def undescribed(doc: dict[str, Any]) -> list[str]:
    found = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            successes = {k: v for k, v in operation["responses"].items() if k.startswith("2")}
            if not successes:
                found.append(f"{label}: no 2xx answer")
            for status, response in successes.items():
                content = response.get("content") or {}
                if not content:
                    if status != "204":
                        found.append(f"{label} {status}: no body described")
                    continue
                for media, described in content.items():
                    if media == "application/json" or media.endswith("+json"):
                        found += [f"{label} {status}: open {part}" for part in open_parts(doc, described.get("schema"))]
            errors = {k for k in operation["responses"] if k[0] in "45"}
            if not errors and path != "/healthz":  # liveness: the process answers, or nothing does
                found.append(f"{label}: no error answer documented")
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_describes_its_answers(documents, service):
    assert undescribed(documents[service]) == []


@pytest.mark.parametrize("service", SERVICES)
def test_errors_are_problem_json(documents, service):
    doc = documents[service]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if (status[0] in "45" or status == "default") and (path, status) != ("/readyz", "503"):
                    assert list(response.get("content", {})) == ["application/problem+json"], \
                        f"{method.upper()} {path} {status}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_validates_against_openapi_3_1(documents, service):
    assert documents[service]["openapi"].startswith("3.1")
    validate(documents[service])


def test_the_check_would_catch_an_open_answer():
    doc = {"components": {"schemas": {"Open": {"type": "object", "additionalProperties": True},
                                      "Item": {"type": "object", "properties": {"id": {"type": "integer"}}}}},
           "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {}}}}}}},
                     "/b": {"get": {"responses": {"200": {"content": {"application/json": {
                         "schema": {"$ref": "#/components/schemas/Open"}}}}, "404": {}}}},
                     "/c": {"get": {"responses": {"200": {"description": "x"}, "404": {}}}},
                     "/d": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
                         "type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}}, "404": {}}}},
                     "/e": {"delete": {"responses": {"204": {"description": "gone"}, "404": {}}}},
                     "/f": {"get": {"responses": {"200": {"content": {"text/html": {"schema": {"type": "string"}}}},
                                                  "404": {}}}}}}
    assert undescribed(doc) == ["GET /a 200: open (body)", "GET /a: no error answer documented",
                                "GET /b 200: open (body)", "GET /c 200: no body described"]
