"""The states of a conference and the moves between them::

    scheduled ──open──► in_session ──adjourn──► adjourned

The database checks the same pairs (``migrations/100_conferences.sql``; a test compares them).
"""
from __future__ import annotations

from enum import StrEnum


class ConferenceState(StrEnum):
    scheduled = "scheduled"
    in_session = "in_session"
    adjourned = "adjourned"


TRANSITIONS: frozenset[tuple[ConferenceState, ConferenceState]] = frozenset({
    (ConferenceState.scheduled, ConferenceState.in_session),
    (ConferenceState.in_session, ConferenceState.adjourned),
})

ROSTER_OPEN: frozenset[ConferenceState] = frozenset(
    s for s in ConferenceState if any(a is s for a, _ in TRANSITIONS))
"""States in which delegates are named and check in: every state a move leaves (not the last)."""


class InvalidTransition(Exception):
    pass


def check(old: str, new: str) -> None:
    if (ConferenceState(old), ConferenceState(new)) not in TRANSITIONS:
        raise InvalidTransition(f"a conference cannot go from {old} to {new}")
