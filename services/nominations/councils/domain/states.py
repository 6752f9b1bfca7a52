"""The states of a council session and the moves between them::

    scheduled ──open──► open ──close──► closed

A session opens only while its quorum holds (two thirds of all the council's members checked in,
unless the session says otherwise); ballots enter only while it is open; the close counts them and
its result decides the nominees. The database checks the same pairs
(``migrations/120_councils.sql``; a test compares them).
"""
from __future__ import annotations

from enum import StrEnum


class SessionState(StrEnum):
    scheduled = "scheduled"
    open = "open"
    closed = "closed"


TRANSITIONS: frozenset[tuple[SessionState, SessionState]] = frozenset({
    (SessionState.scheduled, SessionState.open),
    (SessionState.open, SessionState.closed),
})

ROSTER_OPEN: frozenset[SessionState] = frozenset(s for s in SessionState if any(a is s for a, _ in TRANSITIONS))
"""States in which members check in: every state a move leaves (not the last)."""

MEMBER_ROLES: tuple[str, ...] = ("chair", "vice_chair", "member")
ROLE_LABELS_VI: dict[str, str] = {"chair": "Chủ tịch Hội đồng", "vice_chair": "Phó Chủ tịch Hội đồng",
                                  "member": "Ủy viên"}


class InvalidTransition(Exception):
    pass


def check(old: str, new: str) -> None:
    if (SessionState(old), SessionState(new)) not in TRANSITIONS:
        raise InvalidTransition(f"a council session cannot go from {old} to {new}")
