"""Vote rounds for emulation flags: the state machine and award rules, pure, no I/O.

A round proposes units of a cluster for an award by secret ballot. It is drafted, opened for
voting, closed and counted (:mod:`.tally`); a decided count is certified by the cluster and then
approved or returned by the ministry. A count that misses the quorum or ties across the last
seat ends the round (``failed_quorum`` / ``runoff_required``); a runoff is a new round. A runoff
that misses its quorum still carries the units its parent proposed outright: it stays ``closed``
(outcome ``failed_quorum``, proposing only those units) and is certified like any decided count.

::

    draft → open → closed ─┬→ certified ─┬→ approved
                           ├→ failed_quorum └→ returned
                           └→ runoff_required
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from shared.contracts.common import RoundState

from .kinds import MOTION_CHOICES, RoundKind
from .tally import FAILED_QUORUM, PROPOSED, RUNOFF_REQUIRED, Ratio, TallyResult, exact_fraction

__all__ = [
    "AWARD_LABELS_EN",
    "AWARD_LABELS_VI",
    "BALLOT_REJECTION_REASONS",
    "MIN_QUORUM",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Award",
    "BallotRejected",
    "InvalidTransition",
    "RoundRules",
    "RoundState",
    "RuleError",
    "check_transition",
    "state_after_close",
    "validate_ballot",
]


# ---------------------------------------------------------------------------------------- states

TRANSITIONS: dict[RoundState, frozenset[RoundState]] = {
    RoundState.draft: frozenset({RoundState.open}),
    RoundState.open: frozenset({RoundState.closed}),
    RoundState.closed: frozenset(
        {RoundState.certified, RoundState.failed_quorum, RoundState.runoff_required}
    ),
    RoundState.certified: frozenset({RoundState.approved, RoundState.returned}),
    RoundState.approved: frozenset(),
    RoundState.returned: frozenset(),
    RoundState.failed_quorum: frozenset(),
    RoundState.runoff_required: frozenset(),
}
"""Every state's allowed next states; a state with none is terminal."""

TERMINAL_STATES: frozenset[RoundState] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


class InvalidTransition(ValueError):
    """A round cannot move from ``current`` to ``target``."""

    def __init__(self, message: str, *, current: str, target: str) -> None:
        super().__init__(message)
        self.current = current
        self.target = target


def _state(value: RoundState | str, *, role: str, current: str, target: str) -> RoundState:
    try:
        return RoundState(value)
    except ValueError:
        raise InvalidTransition(
            f"unknown {role} round state {value!r}", current=current, target=target
        ) from None


def check_transition(current: RoundState | str, target: RoundState | str) -> RoundState:
    """Check that a round may move from ``current`` to ``target``; return ``target``.

    Raises :class:`InvalidTransition` (a ``ValueError``) naming both states and what is allowed.
    """
    current_s, target_s = str(current), str(target)
    cur = _state(current, role="current", current=current_s, target=target_s)
    tgt = _state(target, role="target", current=current_s, target=target_s)
    allowed = TRANSITIONS[cur]
    if tgt not in allowed:
        if not allowed:
            hint = f"'{cur}' is final"
        else:
            hint = "from '" + str(cur) + "' only to " + ", ".join(
                f"'{s}'" for s in sorted(allowed, key=lambda s: s.value))
        raise InvalidTransition(
            f"a vote round cannot go from '{cur}' to '{tgt}' ({hint})",
            current=cur.value, target=tgt.value,
        )
    return tgt


def state_after_close(result: TallyResult, *, carried_over: Sequence[str] = ()) -> RoundState:
    """The state a closed round takes once counted: ``closed`` (decided, awaiting
    certification), ``failed_quorum`` or ``runoff_required``.

    ``carried_over``: the units a runoff's parent proposed outright. A runoff that misses its
    quorum decides none of its own seats, but those units were decided by a vote that met its
    quorum: the runoff stays ``closed`` (proposing them only) so they can be certified and
    approved. Without carried-over units a missed quorum is final (``failed_quorum``)."""
    mapping = {
        PROPOSED: RoundState.closed,
        FAILED_QUORUM: RoundState.closed if carried_over else RoundState.failed_quorum,
        RUNOFF_REQUIRED: RoundState.runoff_required,
    }
    try:
        return mapping[result.outcome]
    except KeyError:
        raise ValueError(f"unknown tally outcome {result.outcome!r}") from None


# ---------------------------------------------------------------------------------------- awards

class Award(str, Enum):
    """The awards a round can propose units for."""

    government_flag = "government_flag"
    ministry_flag = "ministry_flag"
    certificate_of_merit = "certificate_of_merit"

    __str__ = str.__str__


# Plain string keys; Award members look them up too (a str Enum equals and hashes as its value).
AWARD_LABELS_VI: dict[str, str] = {
    Award.government_flag.value: "Cờ thi đua của Chính phủ",
    Award.ministry_flag.value: "Cờ thi đua của Bộ Nội vụ",
    Award.certificate_of_merit.value: "Bằng khen",
}
AWARD_LABELS_EN: dict[str, str] = {
    Award.government_flag.value: "Government Emulation Flag",
    Award.ministry_flag.value: "Ministry of Home Affairs Emulation Flag",
    Award.certificate_of_merit.value: "Certificate of Merit",
}

MIN_QUORUM = Fraction(1, 2)
"""The lowest quorum a new round may set. A vote's per-candidate counts are published once the
quorum is met; a lower quorum would let a lead publish the count of a handful of ballots (one or
two voters' choices). Enforced by :meth:`RoundRules.build` (creating a round), not on stored rounds."""


# ----------------------------------------------------------------------------------------- rules

# A candidate's code: a province's two digits, a commune's five, or an office's code (a letter first).
_PROVINCE_CODE_RE = re.compile(r"[0-9]{2}|[0-9]{5}|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")


class RuleError(ValueError):
    """A round's rules are invalid; ``field`` names the offending field."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RoundRules:
    """The rules of one vote round, validated on construction (use :meth:`build`).

    - ``seats``: how many units may be proposed (≥ 1).
    - ``max_choices``: how many candidates one ballot may name (≥ 1; :meth:`build` defaults it
      to ``seats``).
    - ``threshold``: a unit needs strictly more than this share of valid ballots, in [0, 1).
    - ``quorum``: the share of the electorate that must vote, in (0, 1]; a new round
      (:meth:`build`) needs at least :data:`MIN_QUORUM`.
    - ``self_vote``: whether a unit may vote for itself.
    - ``candidates``: distinct two-digit province codes, kept in the order given.

    ``threshold`` and ``quorum`` are stored as exact :class:`~fractions.Fraction` values.
    """

    seats: int
    max_choices: int
    threshold: Fraction
    quorum: Fraction
    self_vote: bool
    candidates: tuple[str, ...]
    kind: str = "nomination"

    def __post_init__(self) -> None:
        # Validate here rather than only in build(), so no invalid RoundRules can exist.
        for name in ("seats", "max_choices"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise RuleError(f"must be an integer, got {value!r}", field=name)
            if value < 1:
                raise RuleError(f"must be at least 1, got {value}", field=name)

        for name in ("threshold", "quorum"):
            try:
                value = exact_fraction(getattr(self, name), name=name)
            except (TypeError, ValueError) as exc:
                raise RuleError(str(exc), field=name) from None
            object.__setattr__(self, name, value)
        if not 0 <= self.threshold < 1:
            raise RuleError(f"must be in [0, 1), got {self.threshold}", field="threshold")
        if not 0 < self.quorum <= 1:
            raise RuleError(f"must be in (0, 1], got {self.quorum}", field="quorum")

        if not isinstance(self.self_vote, bool):
            raise RuleError(f"must be true or false, got {self.self_vote!r}", field="self_vote")

        if isinstance(self.candidates, (str, bytes)):
            raise RuleError("must be a list of province codes", field="candidates")
        try:
            candidates = tuple(self.candidates)
        except TypeError:
            raise RuleError("must be a list of province codes", field="candidates") from None
        if not candidates:
            raise RuleError("a round needs at least one candidate", field="candidates")
        if self.kind not in {k.value for k in RoundKind}:
            raise RuleError(f"unknown kind {self.kind!r}", field="kind")
        if self.kind == RoundKind.motion:
            if candidates != MOTION_CHOICES:
                raise RuleError("a motion's choices are yes, no and abstain", field="candidates")
            if self.max_choices != 1:
                raise RuleError("a motion's ballot says one of yes, no, abstain", field="max_choices")
            object.__setattr__(self, "candidates", candidates)
            return
        if self.kind == RoundKind.election and (self.seats != 1 or self.max_choices != 1):
            raise RuleError("an election fills one post with one name per ballot", field="seats")
        seen: set[str] = set()
        for code in candidates:
            if not isinstance(code, str) or not _PROVINCE_CODE_RE.fullmatch(code):
                raise RuleError(
                    f"{code!r} is not a two-digit province code nor another unit's code", field="candidates")
            if code in seen:
                raise RuleError(f"province {code} is listed more than once", field="candidates")
            seen.add(code)
        object.__setattr__(self, "candidates", candidates)

    @classmethod
    def build(
        cls,
        *,
        seats: int,
        candidates: Iterable[str],
        max_choices: int | None = None,
        threshold: Ratio = Fraction(1, 2),
        quorum: Ratio = Fraction(2, 3),
        self_vote: bool = False,
        kind: str = "nomination",
    ) -> RoundRules:
        """Validated rules for a new round; ``max_choices`` defaults to ``seats``, ``quorum`` must be
        at least :data:`MIN_QUORUM`. Raises :class:`RuleError`."""
        rules = cls(
            seats=seats,
            max_choices=seats if max_choices is None else max_choices,
            threshold=threshold,  # type: ignore[arg-type]  # normalised by __post_init__
            quorum=quorum,  # type: ignore[arg-type]
            self_vote=self_vote,
            candidates=candidates,  # type: ignore[arg-type]  # made a tuple by __post_init__
            kind=kind,
        )
        # A creation rule, not an invariant: rounds stored before it keep their quorum.
        if rules.quorum < MIN_QUORUM:
            raise RuleError(f"must be at least {MIN_QUORUM}, got {rules.quorum}: a lower quorum would publish "
                            "the count of too few ballots to keep them secret", field="quorum")
        return rules


# --------------------------------------------------------------------------------------- ballots

BALLOT_REJECTION_REASONS = frozenset(
    {"duplicate_choice", "unknown_candidate", "too_many_choices", "self_vote", "no_choice"}
)


class BallotRejected(ValueError):
    """A ballot breaks the round's rules. ``reason`` is one of :data:`BALLOT_REJECTION_REASONS`,
    ``field`` is always ``"choices"``."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.field = "choices"
        self.message = message


def validate_ballot(*, rules: RoundRules, voter: str, choices: Sequence[str]) -> list[str]:
    """Check one unit's ballot against ``rules``; return its choices sorted (canonical order).

    An empty ballot is a valid blank ballot. Checks run in this order, the first failure wins:
    ``duplicate_choice``, ``unknown_candidate``, ``too_many_choices``, ``self_vote`` (only when
    ``rules.self_vote`` is false), ``no_choice`` (a motion's ballot must say yes, no or abstain). Raises :class:`BallotRejected`.
    """
    if isinstance(choices, (str, bytes)):
        # A bare "34" would otherwise be read as the choices "3" and "4".
        raise TypeError("choices must be a list of province codes, not one string")
    picked = list(choices)

    seen: set[object] = set()
    for code in picked:
        try:
            repeated = code in seen
        except TypeError:  # unhashable: certainly not a candidate; reported below
            continue
        if repeated:
            raise BallotRejected(f"province {code} is chosen more than once",
                                 reason="duplicate_choice")
        seen.add(code)

    allowed = set(rules.candidates)
    for code in picked:
        if not isinstance(code, str) or code not in allowed:
            raise BallotRejected(f"{code!r} is not a candidate in this round",
                                 reason="unknown_candidate")

    if len(picked) > rules.max_choices:
        raise BallotRejected(
            f"a ballot may name at most {rules.max_choices} candidate(s), this one names "
            f"{len(picked)}",
            reason="too_many_choices",
        )

    if rules.kind == RoundKind.motion and not picked:
        raise BallotRejected("a motion's ballot says yes, no or abstain", reason="no_choice")

    if not rules.self_vote and voter in picked:
        raise BallotRejected(f"province {voter} may not vote for itself",
                             reason="self_vote")

    return sorted(picked)


def threshold_rule_vi(*, threshold: Fraction, base: str, comparison: str) -> str:
    """The threshold as the minutes write it, in Vietnamese: "phải được trên 1/2 tổng số phiếu hợp lệ"."""
    percent = threshold * 100
    share = f"{percent.numerator // percent.denominator}%" if percent.denominator == 1 else str(threshold)
    verb = "ít nhất" if comparison == "at_least" else "trên"
    of = "tổng số thành viên của cụm, khối" if base == "electorate" else "tổng số phiếu hợp lệ"
    return f"Đơn vị được đề nghị phải đạt {verb} {share} {of}"
