"""Every problem type the APIs' OpenAPI documents list has a Vietnamese and an English text in the
console's catalogue, and every field-error code a validator gives has one too (no browser, no server)."""
from __future__ import annotations

from typing import Any

import pytest

from services.console.api import VALIDATOR_CODES
from services.console.messages import EN, VI
from tests.test_openapi_contracts import SERVICES, _app


@pytest.fixture(scope="module")
def problem_types() -> dict[str, dict[str, Any]]:
    return {service: _app(service).openapi()["components"]["schemas"]["Problem"]["x-problem-types"]
            for service in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_problem_type_reads_in_vietnamese_and_english(problem_types, service) -> None:
    types = problem_types[service]
    assert len(types) > 50
    missing = {code: [lang for lang, catalogue in (("vi", VI), ("en", EN)) if f"problem.{code}" not in catalogue]
               for code in types}
    assert {code: langs for code, langs in missing.items() if langs} == {}


def test_every_validator_code_reads_in_both_languages() -> None:
    assert all(key in VI and key in EN for key, _ in VALIDATOR_CODES.values())
