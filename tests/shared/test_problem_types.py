"""Every problem type the code can raise is in the catalogue (shared/problem_types.py), so the
OpenAPI documents list it and clients hold a text for it (no database, no app)."""
from __future__ import annotations

import re
from pathlib import Path

from services.nominations.voting.domain.rounds import BallotRejected
from shared.problem_types import PROBLEM_TYPES

ROOT = Path(__file__).resolve().parents[2]
# slug="x", slug: str = "x", and the error classes' `status, slug, title = 409, "x", ...`
SLUG = re.compile(r"""\bslug(?:\s*:\s*str)?\s*=\s*["']([a-z0-9-]+)["']|slug, title = \d+, ["']([a-z0-9-]+)["']""")
REASON = re.compile(r"""reason=["']([a-z_]+)["']""")


def raised_slugs() -> set[str]:
    found: set[str] = set()
    for folder in ("services", "shared"):
        for path in (ROOT / folder).rglob("*.py"):
            if "console" in path.parts:
                continue
            for m in SLUG.finditer(path.read_text(encoding="utf-8")):
                found.add(m.group(1) or m.group(2))
    return found


def test_every_raised_slug_is_catalogued() -> None:
    assert raised_slugs() - set(PROBLEM_TYPES) == set()


def test_every_ballot_rejection_is_catalogued() -> None:
    source = (ROOT / "services/nominations/voting/domain/rounds.py").read_text(encoding="utf-8")
    reasons = set(REASON.findall(source))
    assert reasons and {f"ballot-{r.replace('_', '-')}" for r in reasons} <= set(PROBLEM_TYPES)
    assert issubclass(BallotRejected, ValueError)


def test_the_scan_would_catch_an_unknown_slug() -> None:
    assert SLUG.search('raise Conflict("x", slug="brand-new")').group(1) == "brand-new"
    assert SLUG.search('    status, slug, title = 404, "not-found", "Not found"').group(2) == "not-found"
