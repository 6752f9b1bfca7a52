"""Each service owns its schema and its code: no service imports another's modules or names
another's tables in SQL. Services talk over HTTP and through events only."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("registry", "nominations", "notifications", "console")
SQL_REFERENCE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES)\s+(registry|nominations|notifications)\.",
                           re.IGNORECASE)
IMPORT = re.compile(r"^\s*(?:from|import)\s+services\.(registry|nominations|notifications|console)\b", re.MULTILINE)


def _sources(service: str):
    for path in sorted((ROOT / "services" / service).rglob("*")):
        if path.suffix in (".py", ".sql") and "__pycache__" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_names_only_its_own_schema_in_sql(service):
    foreign = [(path.relative_to(ROOT), m.group(0)) for path, text in _sources(service)
               for m in SQL_REFERENCE.finditer(text) if m.group(1) != service]
    assert foreign == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service):
    foreign = [(path.relative_to(ROOT), m.group(0).strip()) for path, text in _sources(service)
               for m in IMPORT.finditer(text) if m.group(1) != service]
    assert foreign == []


def test_the_checks_would_catch_a_violation():
    assert SQL_REFERENCE.search("SELECT * FROM registry.provinces").group(1) == "registry"
    assert SQL_REFERENCE.search("select 1 from nominations.rounds r join registry.x") is not None
    assert IMPORT.search("from services.registry.store import provinces").group(1) == "registry"
    assert SQL_REFERENCE.search('type = "registry.leadership.rotated"') is None
