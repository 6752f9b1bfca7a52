"""The states of a proposal and of each nominee, and how a proposal follows its nominees.

::

    draft ──submit──► submitted ──accept (lead)──► accepted ──send (lead)──► sent ──approve (ministry)──► approved ──decision──► awarded
                          │                           │                         └──reject (ministry)──► rejected
                          └──return (lead)──► returned ◄┘ (the lead changes its mind before sending)
                                                  └──resubmit──► submitted

The same pairs hold for a proposal and for each of its nominees, and the database checks them
(``migrations/051_commendation_guards.sql``; a test compares the two tables pair by pair).
"""
from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class State(StrEnum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"
    sent = "sent"
    approved = "approved"
    rejected = "rejected"
    awarded = "awarded"


TRANSITIONS: frozenset[tuple[State, State]] = frozenset({
    (State.draft, State.submitted),
    (State.submitted, State.accepted), (State.submitted, State.returned),
    (State.returned, State.submitted),
    (State.accepted, State.returned), (State.accepted, State.sent),
    (State.sent, State.approved), (State.sent, State.rejected),
    (State.approved, State.awarded),
})

# The province edits (nominees, summaries, files) only in these states.
EDITABLE: frozenset[State] = frozenset({State.draft, State.returned})

STATE_LABELS_VI: dict[State, str] = {
    State.draft: "Dự thảo",
    State.submitted: "Đã gửi Trưởng cụm",
    State.accepted: "Trưởng cụm đã chấp nhận",
    State.returned: "Trưởng cụm trả lại",
    State.sent: "Đã trình Bộ Nội vụ",
    State.approved: "Bộ Nội vụ đồng ý",
    State.rejected: "Bộ Nội vụ không đồng ý",
    State.awarded: "Đã có quyết định khen thưởng",
}


class InvalidTransition(Exception):
    def __init__(self, current: str, target: str):
        super().__init__(f"cannot go from {current} to {target}")
        self.current, self.target = current, target


def check_transition(current: str, target: str) -> None:
    if (State(current), State(target)) not in TRANSITIONS:
        raise InvalidTransition(current, target)


def proposal_state(current: str, nominee_states: Iterable[str]) -> State:
    """The state a submitted proposal takes from its nominees' states.

    Any nominee returned → returned (the province has something to fix); any still under the lead's
    review → submitted; all accepted → accepted. After sending: any nominee still before the
    ministry → sent; then approved if the ministry approved any (rejected if none), awarded once a
    decision covers every approved one. A draft stays draft until the province submits it.
    """
    if State(current) == State.draft:
        return State.draft
    states = [State(s) for s in nominee_states]
    if not states:
        return State(current)
    if any(s == State.returned for s in states):
        return State.returned
    if any(s in (State.draft, State.submitted) for s in states):
        return State.submitted
    if all(s == State.accepted for s in states):
        return State.accepted
    if any(s == State.sent for s in states):
        return State.sent
    if any(s == State.approved for s in states):
        return State.approved
    if any(s == State.awarded for s in states):
        return State.awarded
    return State.rejected


def path(current: str, target: str) -> list[State]:
    """The legal steps from ``current`` to ``target`` (shortest), so a proposal whose nominees moved
    on can follow them through the machine: returned → submitted → accepted on a resubmission whose
    only remaining nominees were already accepted. Empty when they are equal; InvalidTransition
    when there is no way."""
    start, goal = State(current), State(target)
    if start == goal:
        return []
    frontier: list[list[State]] = [[start]]
    seen = {start}
    while frontier:
        route = frontier.pop(0)
        for a, b in sorted(TRANSITIONS):
            if a == route[-1] and b not in seen:
                if b == goal:
                    return route[1:] + [b]
                seen.add(b)
                frontier.append(route + [b])
    raise InvalidTransition(current, target)
