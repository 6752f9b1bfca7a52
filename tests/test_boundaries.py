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


# ---------------------------------------------------------------- the two contexts inside nominations

NOMINATIONS = ROOT / "services" / "nominations"
CONTEXT_IMPORT = re.compile(r"^\s*(?:from\s+services\.nominations(?:\.(voting|scoring))?(?:\.([\w.]+))?\s+import\s+([\w, ]+)"
                            r"|import\s+services\.nominations\.(voting|scoring)\b)", re.MULTILINE)


def _context_imports(context: str):
    """(path, imported context, rest) for every import of a nominations context from ``context``'s code."""
    for path in sorted((NOMINATIONS / context).rglob("*.py")):
        for m in CONTEXT_IMPORT.finditer(path.read_text(encoding="utf-8")):
            target = m.group(1) or m.group(4)
            if target is None:  # "from services.nominations import x, y"
                names = {n.strip() for n in m.group(3).split(",")}
                for name in names & {"voting", "scoring"}:
                    yield path.relative_to(ROOT), name, None
            elif m.group(2) is None and m.group(3) is not None:  # "from services.nominations.scoring import x"
                yield path.relative_to(ROOT), target, m.group(3).strip()
            else:
                yield path.relative_to(ROOT), target, m.group(2)


def test_scoring_does_not_know_voting():
    assert [(p, t) for p, t, _ in _context_imports("scoring") if t == "voting"] == []


def test_voting_reads_scoring_only_through_ranks_for():
    crossing = [(p, t, rest) for p, t, rest in _context_imports("voting") if t == "scoring"]
    # "from services.nominations import scoring", then scoring.ranks_for: nothing deeper.
    assert crossing and all(rest in (None, "ranks_for") for _, _, rest in crossing), crossing
    used = {m.group(1) for path in (NOMINATIONS / "voting").rglob("*.py")
            for m in re.finditer(r"\bscoring\.(\w+)", path.read_text(encoding="utf-8"))}
    assert used == {"ranks_for"}
