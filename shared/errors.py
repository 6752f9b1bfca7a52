"""Domain errors that carry their HTTP status, rendered as RFC 9457 problem+json by one handler."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import asyncpg
import redis.exceptions as redis_errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.limits import BodyTooLarge
from shared.logs import request_id_var
from shared.problem_types import PROBLEM_TYPES

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("thidua.errors")


class DomainError(Exception):
    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, slug: str | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        if slug:
            self.slug = slug
        self.extra = extra


class BadRequest(DomainError):
    pass


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class Unprocessable(DomainError):
    status, slug, title = 422, "validation-failed", "Validation failed"


class Unavailable(DomainError):
    status, slug, title = 503, "unavailable", "Dependency unavailable"


class FieldValueError(ValueError):
    """Raised by a model-level validator to name the field at fault: the error then names
    ``province_code``, not the whole ``body`` the validator ran on. ``code`` is the error's stable
    machine code (shared/problem_types.py), ``params`` what a client's sentence needs."""

    def __init__(self, field: str, message: str, *, code: str = "value_error", **params: Any):
        super().__init__(message)
        self.field = field
        self.code = code
        self.params = params


class TooManyRequests(DomainError):
    status, slug, title = 429, "too-many-requests", "Too many requests"


# A dependency that is away (PostgreSQL restarting, Redis down, a peer refusing connections):
# the client should retry, so it gets 503 with Retry-After, never a 500.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    OSError,  # connection refused / reset (ConnectionError) on any socket
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,            # the connection was closed under the query
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections
    asyncpg.exceptions._base.InternalClientError,  # a connection left mid-operation by a server gone away
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
)
OUTAGE_RETRY_AFTER = "5"


def problem(
    request: Request | None,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:thidua:problem:{slug}",
        "code": slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
    if errors:
        body["errors"] = errors
    rid = request_id_var.get()
    if rid:
        body["request_id"] = rid
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _loc_to_field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def simple_params(values: dict[str, Any] | None) -> dict[str, str | int | float | bool]:
    """The values a client's sentence may quote: plain scalars only (never an exception or a model)."""
    return {k: v if isinstance(v, str | int | float | bool) else str(v) for k, v in (values or {}).items()
            if v is not None and k not in ("error", "retry_after") and isinstance(v, str | int | float | bool | Decimal)}


def _field_error(e: dict[str, Any]) -> dict[str, Any]:
    """A field error: where (``field``), in English (``message``), and for clients to translate, its
    stable ``code`` (the validator's error type, or a domain rule's code) and ``params``."""
    if e.get("type") == "json_invalid":
        # FastAPI puts the character offset where a field goes: ("body", 8) would name a field "8".
        loc: Sequence[Any] = e.get("loc") or ()
        at = f" at character {loc[-1]}" if len(loc) > 1 else ""
        reason = (e.get("ctx") or {}).get("error")
        return {"field": "body", "message": f"invalid JSON{at}" + (f": {reason}" if reason else ""),
                "code": "json_invalid", "params": {}}
    cause = (e.get("ctx") or {}).get("error")
    if isinstance(cause, FieldValueError):
        # A model-level rule: its own field, under the model's location (``body`` → ``province_code``).
        loc = (*(e.get("loc") or ()), *cause.field.split("."))
        return {"field": _loc_to_field(loc), "message": str(cause), "code": cause.code,
                "params": simple_params(cause.params)}
    return {"field": _loc_to_field(e.get("loc", ())), "message": e.get("msg", "invalid"),
            "code": str(e.get("type") or "value_error"), "params": simple_params(e.get("ctx"))}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        errors = [{"field": exc.field, "message": exc.detail, "code": exc.slug,
                   "params": simple_params(exc.extra)}] if exc.field else None
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        retry_after = exc.extra.get("retry_after")
        if retry_after is not None:
            headers = {"Retry-After": str(retry_after)}
        elif exc.status == 503:
            headers = {"Retry-After": OUTAGE_RETRY_AFTER}
        return problem(request, status=exc.status, slug=exc.slug, title=exc.title, detail=exc.detail,
                       errors=errors, headers=headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_field_error(e) for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
        return problem(request, status=422, slug="validation-failed", title="Validation failed",
                       detail=detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, BodyTooLarge):
            return problem(request, status=413, slug="body-too-large", title="Request body too large",
                           detail=str(exc.detail), errors=[{"field": "body", "message": str(exc.detail),
                                                            "code": "body-too-large", "params": {"max_bytes": exc.limit}}],
                           headers={"Connection": "close"}, max_bytes=exc.limit)
        if exc.status_code == 400:
            # Raised by FastAPI/Starlette only when the body cannot be read at all (bytes that are not
            # UTF-8 under a JSON content type, a broken multipart form): the field is the body.
            reason = ("it is not UTF-8 text" if isinstance(exc.__cause__, UnicodeDecodeError)
                      else str(exc.detail).rstrip("."))
            detail = f"the request body cannot be read: {reason}"
            return problem(request, status=400, slug="unreadable-body", title="Bad request", detail=detail,
                           errors=[{"field": "body", "message": detail, "code": "unreadable-body", "params": {}}])
        return problem(request, status=exc.status_code, slug=f"http-{exc.status_code}",
                       title=str(exc.detail), detail=str(exc.detail), headers=getattr(exc, "headers", None))

    # The schema is the last line of defence: a constraint that fires is the client's conflict,
    # not a server error.
    @app.exception_handler(asyncpg.UniqueViolationError)
    async def _unique(request: Request, exc: asyncpg.UniqueViolationError) -> JSONResponse:
        return problem(request, status=409, slug="conflict", title="Conflict",
                       detail=f"already exists ({exc.constraint_name})")

    @app.exception_handler(asyncpg.IntegrityConstraintViolationError)
    async def _integrity(request: Request, exc: asyncpg.IntegrityConstraintViolationError) -> JSONResponse:
        return problem(request, status=422, slug="constraint-violated", title="Validation failed",
                       detail=f"violates {getattr(exc, 'constraint_name', None) or 'a constraint'}")

    @app.exception_handler(asyncpg.DataError)
    async def _data(request: Request, exc: asyncpg.DataError) -> JSONResponse:
        # The driver's message quotes SQL and values: logged, never sent.
        log.warning("data error", extra={"fields": {"error": repr(exc)[:500]}})
        return problem(request, status=422, slug="invalid-value", title="Validation failed",
                       detail="a value in the request is out of range or malformed")

    async def _outage(request: Request, exc: Exception) -> JSONResponse:
        log.warning("dependency unavailable", extra={"fields": {"error": type(exc).__name__}})
        return problem(request, status=503, slug="unavailable", title="Dependency unavailable",
                       detail="a service this request needs is briefly unavailable; retry shortly",
                       headers={"Retry-After": OUTAGE_RETRY_AFTER})

    for outage in OUTAGE_ERRORS:
        app.add_exception_handler(outage, _outage)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        rid = request_id_var.get()
        return problem(request, status=500, slug="internal", title="Internal error",
                       detail="the server failed to handle this request; it has been logged",
                       headers={"X-Request-ID": rid} if rid else None)

    document_problems(app)


# ---------------------------------------------------------------- OpenAPI

PROBLEM_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details (`application/problem+json`).",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "examples": ["urn:thidua:problem:not-found"],
                     "description": "`urn:thidua:problem:` and the problem's `code`"},
            "code": {"type": "string", "examples": ["not-found"],
                     "description": "The stable machine code of the problem, one of `x-problem-types`: what "
                                    "clients translate, never `detail`"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "request_id": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemFieldError"}},
        },
        "additionalProperties": True,
        # Every problem type the service can answer, code → English title (shared/problem_types.py).
        "x-problem-types": PROBLEM_TYPES,
    },
    "ProblemFieldError": {
        "title": "ProblemFieldError",
        "type": "object",
        "required": ["field", "message"],
        "properties": {"field": {"type": "string", "minLength": 1,
                                 "description": "The offending field: a dotted path into the body, "
                                                "or a query, path or header parameter's name"},
                       "message": {"type": "string", "description": "In English, for people reading logs"},
                       "code": {"type": "string",
                                "description": "Stable machine code: a problem type's code for a rule of the "
                                               "domain, else the validator's error type (`missing`, "
                                               "`greater_than_equal`, `string_too_long`…)"},
                       "params": {"type": "object", "additionalProperties": True,
                                  "description": "What the code's sentence quotes (bounds, values)"}},
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A 422 problem: `errors` names every offending field.",
        "allOf": [{"$ref": "#/components/schemas/Problem"},
                  {"type": "object", "required": ["errors"],
                   "properties": {"errors": {"type": "array", "minItems": 1}}}],
    },
}


def _problem_response(description: str, schema: str = "Problem") -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


#: What each error status means across the services' APIs (an operation's ``responses=problems(...)``).
PROBLEM_STATUSES: dict[int, str] = {
    400: "The request body cannot be read (not UTF-8, a broken form)",
    401: "No bearer token, or one that is expired or not valid",
    403: "The token's role or province may not do this",
    404: "No such resource (`errors` names the path or query parameter)",
    409: "The resource's state does not allow this (`type` names the rule)",
    413: "The request body is too large",
    422: "Validation failed: `errors` names each offending field",
    429: "Too many attempts: retry after the `Retry-After` header's seconds",
    503: "A dependency (PostgreSQL, Redis or another service) is unavailable: retry later",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation can give, for its ``responses=``: each an RFC 9457
    problem+json (``Problem``; a 422 is a ``ValidationProblem`` naming its fields)."""
    return {status: _problem_response(PROBLEM_STATUSES.get(status, "An error, as RFC 9457 problem details"),
                                      "ValidationProblem" if status == 422 else "Problem")
            for status in statuses}


def document_problems(app: FastAPI) -> None:
    """Make /openapi.json say what the handlers above answer: every error is problem+json, a 422
    names its fields (FastAPI documents its own ``HTTPValidationError`` as application/json)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                if "422" in responses:
                    responses["422"] = _problem_response("Validation failed: `errors` names each offending field",
                                                         "ValidationProblem")
                responses.setdefault("default", _problem_response("An error, as RFC 9457 problem details"))
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        schemas.update(PROBLEM_SCHEMAS)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
