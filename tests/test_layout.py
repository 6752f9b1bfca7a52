"""Every bounded context is laid out the same way, as ``tests/test_boundaries.py`` holds their imports:
``api/`` (thin routers), ``schemas.py``, ``service/`` (one module per aggregate or responsibility),
``domain/`` (pure, with ``domain/policy.py``), ``store/``, ``events.py``, ``tasks.py``; and no Python
file grows past 500 lines.

To hold another context to the shape, add it to ``CONTEXTS`` (with what it may lack, and why); to
hold another folder to the line rule, add it to ``LINE_RULE_ROOTS``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What every context has; a context lists below what it has no use for.
REQUIRED = ("api/__init__.py", "schemas.py", "service/__init__.py", "domain/__init__.py", "domain/policy.py",
            "store/__init__.py", "events.py", "tasks.py")
# The module spellings the shape replaced: a router is in api/, the use cases in service/.
FORBIDDEN = ("routes.py", "api.py", "service.py")

CONTEXTS: dict[str, frozenset[str]] = {
    # context folder: the required entries it may lack (each because it has nothing to put there)
    "services/nominations/voting": frozenset(),
    "services/nominations/scoring": frozenset(),
    "services/nominations/commendations": frozenset({"tasks.py"}),  # no Celery task of its own
    "services/nominations/movements": frozenset(),
    # Check-ins and the quorum are answered in the request: no Celery task of its own.
    "services/nominations/conferences": frozenset({"tasks.py"}),
    # Sessions, ballots and the result are answered in the request: no Celery task of its own.
    "services/nominations/councils": frozenset({"tasks.py"}),
    # The year view owns no table and no event: a read across the other contexts.
    "services/nominations/year": frozenset({"store/__init__.py", "events.py", "tasks.py"}),
    # The statistics forms own no table and no event: a read of the register and the movements
    # (its store holds read-only SQL), answered in the request.
    "services/nominations/statistics": frozenset({"events.py", "tasks.py"}),
    # No Celery task: the registry's app re-publishes the token-version floors itself.
    "services/registry": frozenset({"tasks.py"}),
    "services/notifications": frozenset(),
}

MAX_LINES = 500
LINE_RULE_ROOTS = ("services/nominations", "services/registry", "services/notifications", "shared", "deploy", "bench",
                   "tests/registry", "tests/notifications", "tests/shared")


def _layout_problems(folder: Path, exempt: frozenset[str]) -> tuple[list[str], list[str]]:
    """(required entries missing, forbidden modules present) of one context folder."""
    missing = [entry for entry in REQUIRED if entry not in exempt and not (folder / entry).is_file()]
    forbidden = [name for name in FORBIDDEN if (folder / name).exists()]
    return missing, forbidden


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_a_context_has_the_one_layout(context):
    assert _layout_problems(ROOT / context, CONTEXTS[context]) == ([], [])


def _long_files(root: Path, limit: int) -> dict[str, int]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found[str(path.relative_to(root))] = lines
    return found


@pytest.mark.parametrize("root", LINE_RULE_ROOTS)
def test_no_python_file_is_over_500_lines(root):
    assert _long_files(ROOT / root, MAX_LINES) == {}


def test_the_checks_would_catch_a_violation(tmp_path):
    (tmp_path / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert _long_files(tmp_path, MAX_LINES) == {"long.py": MAX_LINES + 1}
    (tmp_path / "routes.py").write_text("", encoding="utf-8")
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "policy.py").write_text("", encoding="utf-8")
    missing, forbidden = _layout_problems(tmp_path, frozenset({"tasks.py"}))
    assert forbidden == ["routes.py"]
    assert "domain/policy.py" not in missing and "tasks.py" not in missing and "api/__init__.py" in missing
