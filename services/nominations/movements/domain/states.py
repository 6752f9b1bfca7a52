"""The states of a movement, a phase, a registration and a model, and the moves between them.

::

    movement:      draft ──launch──► launched ──review──► reviewing ──close──► closed
    phase:         planned ──start──► open ──end──► ended ──review (sơ kết)──► reviewed
    registration:  registered ◄──► withdrawn
    model:         registered ──assess──► under_assessment ──recognise──► recognised
                                                   └──────reject───────► not_recognised ──reassess──┘

The database checks the same pairs (``migrations/070_movements.sql``; a test compares them).
"""
from __future__ import annotations

from enum import StrEnum


class MovementState(StrEnum):
    draft = "draft"
    launched = "launched"
    reviewing = "reviewing"
    closed = "closed"


class PhaseState(StrEnum):
    planned = "planned"
    open = "open"
    ended = "ended"
    reviewed = "reviewed"


class RegistrationState(StrEnum):
    registered = "registered"
    withdrawn = "withdrawn"


class ModelState(StrEnum):
    registered = "registered"
    under_assessment = "under_assessment"
    recognised = "recognised"
    not_recognised = "not_recognised"


MACHINES: dict[str, tuple[type[StrEnum], frozenset[tuple[str, str]]]] = {
    "movement": (MovementState, frozenset({("draft", "launched"), ("launched", "reviewing"),
                                           ("reviewing", "closed")})),
    "phase": (PhaseState, frozenset({("planned", "open"), ("open", "ended"), ("ended", "reviewed")})),
    "registration": (RegistrationState, frozenset({("registered", "withdrawn"), ("withdrawn", "registered")})),
    "model": (ModelState, frozenset({("registered", "under_assessment"), ("under_assessment", "recognised"),
                                     ("under_assessment", "not_recognised"),
                                     ("not_recognised", "under_assessment")})),
}

# The transition routes of a model: route name → the state it leads to.
MODEL_ROUTES: dict[str, ModelState] = {
    "assess": ModelState.under_assessment,
    "recognise": ModelState.recognised,
    "reject": ModelState.not_recognised,
}

# A movement others may see (the public, the units in scope): anything launched.
VISIBLE: frozenset[MovementState] = frozenset(MovementState) - {MovementState.draft}

MODEL_STATE_LABELS_VI: dict[ModelState, str] = {
    ModelState.registered: "Đã đăng ký",
    ModelState.under_assessment: "Đang thẩm định",
    ModelState.recognised: "Đã công nhận",
    ModelState.not_recognised: "Không công nhận",
}
MOVEMENT_STATE_LABELS_VI: dict[MovementState, str] = {
    MovementState.draft: "Dự thảo",
    MovementState.launched: "Đã phát động",
    MovementState.reviewing: "Đang tổng kết",
    MovementState.closed: "Đã kết thúc",
}


class InvalidTransition(Exception):
    def __init__(self, machine: str, current: str, target: str):
        super().__init__(f"a {machine.replace('_', ' ')} that is {current} cannot become {target}")
        self.machine, self.current, self.target = machine, current, target


def allowed(machine: str, current: str, target: str) -> bool:
    return (current, target) in MACHINES[machine][1]


def check(machine: str, current: str, target: str) -> None:
    if not allowed(machine, current, target):
        raise InvalidTransition(machine, current, target)


def all_pairs() -> set[tuple[str, str, str]]:
    """Every (machine, from, to) pair, as the database's ``movement_transition_allowed`` lists them."""
    return {(machine, a, b) for machine, (_, pairs) in MACHINES.items() for a, b in pairs}
