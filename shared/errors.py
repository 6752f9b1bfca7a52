"""Domain errors that carry their HTTP status, rendered as RFC 9457 problem+json by one handler."""
from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.logs import request_id_var

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


def _loc_to_field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        errors = [{"field": exc.field, "message": exc.detail}] if exc.field else None
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(request, status=exc.status, slug=exc.slug, title=exc.title, detail=exc.detail,
                       errors=errors, headers=headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [{"field": _loc_to_field(e.get("loc", ())), "message": e.get("msg", "invalid")}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
        return problem(request, status=422, slug="validation-failed", title="Validation failed",
                       detail=detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return problem(request, status=exc.status_code, slug=f"http-{exc.status_code}",
                       title=str(exc.detail), detail=str(exc.detail), headers=getattr(exc, "headers", None))

    # The schema is the last line of defence: a constraint that fires is the client's conflict,
    # not a server error.
    @app.exception_handler(asyncpg.UniqueViolationError)
    async def _unique(request: Request, exc: asyncpg.UniqueViolationError):
        return problem(request, status=409, slug="conflict", title="Conflict",
                       detail=f"already exists ({exc.constraint_name})")

    @app.exception_handler(asyncpg.IntegrityConstraintViolationError)
    async def _integrity(request: Request, exc: asyncpg.IntegrityConstraintViolationError):
        return problem(request, status=422, slug="constraint-violated", title="Validation failed",
                       detail=f"violates {getattr(exc, 'constraint_name', None) or 'a constraint'}")

    @app.exception_handler(asyncpg.DataError)
    async def _data(request: Request, exc: asyncpg.DataError):
        return problem(request, status=422, slug="invalid-value", title="Validation failed", detail=str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error")
        return problem(request, status=500, slug="internal", title="Internal error",
                       detail="the server failed to handle this request; it has been logged")
