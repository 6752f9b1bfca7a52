"""The product rule, fuzzed: bad input gets a clear error (RFC 9457 problem+json, a 400 or 422 naming
the field), never a 500. schemathesis generates valid and invalid requests from each service's own
/openapi.json; every answer must be a non-5xx matching its declared schema, and every error problem+json
with the field named.

Bounded and derandomised (the same cases every run). For a deeper run, point the schemathesis CLI
at `make run` with a token from POST /v1/auth/token:

    schemathesis run http://127.0.0.1:8002/openapi.json -H "Authorization: Bearer $TOKEN" \\
        -c not_a_server_error,response_schema_conformance,content_type_conformance
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.support import serve

pytestmark = pytest.mark.fuzz

EXAMPLES = 10  # per operation and generation mode (104 operations: the suite stays near 10 minutes)
# A server-sent event stream never ends by itself; tests/notifications covers its Last-Event-ID.
SKIP = {"GET /v1/inbox/stream"}


def check_answer(case: Any, response: Any) -> None:
    # A file answer (a PDF, a workbook) is bytes: shown, not decoded strictly.
    where = f"{case.operation.label} → {response.status_code}: {response.content[:500].decode('utf-8', 'replace')}"
    assert response.status_code < 500, where
    # Every answer, success or problem, matches the schema its operation declares.
    case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])
    if response.status_code < 400:
        return
    content_type = (response.headers.get("content-type") or [""])[0]  # schemathesis: lists of values
    assert content_type.startswith("application/problem+json"), where
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys() and body["status"] == response.status_code, where
    if response.status_code in (400, 422):  # the request's own fault: say where
        assert body.get("errors") and all(e.get("field") for e in body["errors"]), where


def fuzz(url: str, headers: dict[str, str]) -> list[str]:
    """Every operation of the service at ``url``, positive and negative cases; returns the labels fuzzed."""
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SKIP:
            continue
        labels.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def one(case: Any) -> None:
                check_answer(case, case.call(base_url=url, headers=headers, timeout=30))

            try:
                one()
            except Unsatisfiable:  # nothing to get wrong (no parameters, no body): no negative case
                assert mode is GenerationMode.NEGATIVE, operation.label
    return labels


@pytest.fixture
async def services(registry, database_url, redis_url):
    from services.nominations.app import create_nominations_app
    from services.nominations.settings import NominationsSettings
    from services.notifications.app import create_notifications_app
    from services.notifications.settings import NotificationsSettings

    common = dict(database_url=database_url, redis_url=redis_url, registry_url=registry.url, log_level="ERROR",
                  outbox_poll_interval=0.2)
    async with serve(create_nominations_app(NominationsSettings(**common))) as nominations, \
            serve(create_notifications_app(NotificationsSettings(**common))) as notifications:
        yield {"registry": registry, "nominations": nominations, "notifications": notifications}


@pytest.mark.parametrize("role", ["ministry", "province"])
@pytest.mark.parametrize("service", ["registry", "nominations", "notifications"])
async def test_bad_input_gets_a_problem_naming_the_field_never_a_500(services, issue_token, service, role):
    token = issue_token("ministry") if role == "ministry" else issue_token("province", "34")
    served = services[service]
    # Blocking HTTP in a thread: the services answer from this test's event loop meanwhile.
    labels = await asyncio.to_thread(fuzz, served.url, {"Authorization": f"Bearer {token}"})
    assert len(labels) >= 10, json.dumps(labels)
