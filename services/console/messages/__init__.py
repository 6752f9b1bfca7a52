"""The console's message catalogue: one module per feature (as the pages are), each with a VI and an EN
dict holding the same keys (tests/console/test_i18n.py holds that). Keys are dotted by page or area
(``nav.*``, ``ballot.*``…); placeholders use ``{name}``, filled by ``t(key, name=...)``. Vietnamese is NFC
with diacritics. A new feature adds its module to FEATURES."""
from __future__ import annotations

from services.console.messages import (
    accounts,
    ballots,
    commendations,
    conference_setup,
    conferences,
    councils,
    covenant,
    disputes,
    frame,
    home,
    movements,
    notifications,
    office,
    problems,
    public,
    rankings,
    rounds,
    scores,
    statistics,
    workspace,
    year,
)

FEATURES = (frame, home, public, ballots, scores, covenant, workspace, rounds, rankings, year, notifications, commendations,
            accounts, disputes, problems, movements, office, conferences, conference_setup, councils, statistics)

VI: dict[str, str] = {}
EN: dict[str, str] = {}
for _feature in FEATURES:
    duplicated = (VI.keys() & _feature.VI.keys()) | (EN.keys() & _feature.EN.keys())
    assert not duplicated, f"keys defined twice: {sorted(duplicated)}"
    VI.update(_feature.VI)
    EN.update(_feature.EN)

CATALOGUES: dict[str, dict[str, str]] = {"vi": VI, "en": EN}
