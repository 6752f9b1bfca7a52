"""problem+json everywhere: what /openapi.json documents, forged cursors, text PostgreSQL cannot
store, and the request id on the one answer nobody wants (found by fuzzing with schemathesis)."""
from __future__ import annotations

import base64
import json
import logging

import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from shared.app import create_app
from shared.db import BIGINT_MAX
from shared.errors import PROBLEM_JSON, Unprocessable
from shared.logs import request_id_var
from shared.pagination import encode_cursor, id_cursor, text_cursor, time_id_cursor
from shared.settings import ServiceSettings
from shared.text import nfc, storable
from tests.support import problem, serve


class Thing(BaseModel):
    name: str


def _app(settings: ServiceSettings):
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(body: Thing) -> dict:
        return {"name": body.name}

    @router.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("a bug")

    return create_app(settings, title="test", description="test", schema="registry", routers=[router])


def test_openapi_documents_every_error_as_problem_json():
    spec = _app(ServiceSettings(database_url="postgresql://unused", redis_url="redis://unused")).openapi()
    responses = spec["paths"]["/things"]["post"]["responses"]
    assert list(responses["422"]["content"]) == [PROBLEM_JSON]
    assert responses["422"]["content"][PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/ValidationProblem"}
    assert responses["default"]["content"][PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert {"type", "title", "status", "detail"} <= set(schemas["Problem"]["required"])
    assert schemas["ValidationProblem"]["allOf"][1]["required"] == ["errors"]
    # Readiness answers 503 with its checks as plain JSON: documented as such.
    assert list(spec["paths"]["/readyz"]["get"]["responses"]["503"]["content"]) == ["application/json"]


async def test_a_500_is_problem_json_with_the_request_id_in_the_answer_and_the_log(database_url, redis_url):
    settings = ServiceSettings(database_url=database_url, redis_url=redis_url, run_outbox_relay=False,
                               log_level="WARNING")
    seen: list[str | None] = []

    class Remember(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(request_id_var.get())

    handler = Remember(level=logging.ERROR)
    logging.getLogger("thidua.errors").addHandler(handler)
    try:
        async with serve(_app(settings)) as api:
            r = await api.client.get("/boom", headers={"X-Request-ID": "req-500"})
            body = problem(r, 500)
            assert body["request_id"] == "req-500" and r.headers["x-request-id"] == "req-500"
            assert "a bug" not in r.text
            ok = await api.client.post("/things", json={"name": "x"}, headers={"X-Request-ID": "req-201"})
            assert ok.status_code == 201 and ok.headers["x-request-id"] == "req-201"
    finally:
        logging.getLogger("thidua.errors").removeHandler(handler)
    assert seen == ["req-500"]


async def test_a_body_that_cannot_be_read_names_the_body(database_url, redis_url):
    settings = ServiceSettings(database_url=database_url, redis_url=redis_url, run_outbox_relay=False,
                               log_level="WARNING")
    async with serve(_app(settings)) as api:
        # Not UTF-8 under a JSON content type: FastAPI's bare 400 "There was an error parsing the body".
        r = await api.client.post("/things", content=b'{"name": "H\xe0 N\xf4i"}',
                                  headers={"Content-Type": "application/json"})
        body = problem(r, 400)
        assert body["errors"] == [{"field": "body", "message": body["detail"], "code": "unreadable-body",
                                   "params": {}}] and "UTF-8" in body["detail"]
        # Broken JSON: FastAPI names the character offset as if it were a field ("8").
        r = await api.client.post("/things", content=b'{"name":', headers={"Content-Type": "application/json"})
        body = problem(r, 422)
        assert body["errors"] == [{"field": "body", "message": "invalid JSON at character 8: Expecting value",
                                   "code": "json_invalid", "params": {}}]
        assert problem(await api.client.post("/things", json={}), 422)["errors"][0]["field"] == "name"


def _raw(position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


@pytest.mark.parametrize("position", [True, 0, -1, BIGINT_MAX + 1, 10**30, 1.5, "12", [1], {"id": 1}])
def test_an_id_cursor_is_a_positive_bigint(position):
    with pytest.raises(Unprocessable) as caught:
        id_cursor(_raw(position))
    assert caught.value.field == "cursor"


def test_cursors_this_service_issued_read_back():
    assert id_cursor(encode_cursor(BIGINT_MAX)) == BIGINT_MAX and id_cursor(None) is None and id_cursor("") is None
    assert text_cursor(encode_cursor("NOIVU-BAC"), pattern=r"[A-Z-]+") == "NOIVU-BAC"
    at, key = time_id_cursor(encode_cursor(["2025-07-01T08:00:00+07:00", "5f0e8a59-3c2d-4f7a-9a64-0d6f0c1b2a3e"]))
    assert at.utcoffset().total_seconds() == 7 * 3600 and str(key).startswith("5f0e8a59")


@pytest.mark.parametrize("position", [
    ["2025-01-01T00:00:00+00:00", 5],                         # was a 500: uuid.UUID(5)
    ["2025-01-01T00:00:00+00:00", {"a": 1}],
    [5, "5f0e8a59-3c2d-4f7a-9a64-0d6f0c1b2a3e"],
    ["2025-01-01T00:00:00", "5f0e8a59-3c2d-4f7a-9a64-0d6f0c1b2a3e"],  # no offset
    ["0001-01-01T00:00:00+14:00", "5f0e8a59-3c2d-4f7a-9a64-0d6f0c1b2a3e"],  # before the first UTC instant
    ["2025-01-01T00:00:00+00:00", "not-a-uuid"],
    ["2025-01-01T00:00:00+00:00"], "ab", 7, {"created": 1, "id": 2},
])
def test_a_time_id_cursor_is_an_aware_timestamp_and_a_uuid(position):
    with pytest.raises(Unprocessable) as caught:
        time_id_cursor(_raw(position))
    assert caught.value.field == "cursor"


@pytest.mark.parametrize("position", ["a\x00", "", "x" * 41, 5, ["a"]])
def test_a_text_cursor_matches_its_key_format(position):
    with pytest.raises(Unprocessable):
        text_cursor(_raw(position), pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def test_text_with_nul_is_refused_before_postgresql_sees_it():
    with pytest.raises(ValueError, match="NUL"):
        storable("a\x00b")
    with pytest.raises(ValueError, match="NUL"):
        nfc("Hà\x00Nội")
    assert storable(None) is None and storable("Hà Nội") == "Hà Nội" and nfc(" Hà Nội ") == "Hà Nội"
