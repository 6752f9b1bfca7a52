"""Counting a secret-ballot flag vote: pure rules, no I/O.

A cluster's members vote on which units to propose for an emulation flag. Each ballot names
zero or more *distinct* candidates (province codes such as ``"34"``); an empty ballot is a valid
**blank** ballot. :func:`decide` turns the counts (votes per candidate, ballots cast, blank ballots)
into a :class:`TallyResult`; :func:`tally` counts a list of ballots and hands the counts to
:func:`decide`, so the rules below live in one place whether the counting happened in Python or in
SQL (the close path counts in the database: ``store.ballots.counts``).

Rules
-----
1. **Quorum**: the vote counts only if ``ballots_cast / electorate_size >= quorum`` (default 2/3).
   Otherwise the outcome is ``"failed_quorum"`` and nobody is proposed (the votes are still
   counted, for the record).
2. **Threshold**: a candidate is *eligible* only if its votes **strictly exceed**
   ``threshold × valid_ballots`` (default one half), so exactly 50 % is not enough.
   Blank ballots are valid ballots: they count in that denominator (a blank is a deliberate
   "none of them", which must weigh against every candidate). Councils may write the rule
   otherwise: ``threshold_base="electorate"`` counts the share against the whole electorate
   (at least 80 % of all members, say), ``at_least=True`` makes reaching the bar enough.
3. **Seats**: eligible candidates, best first, fill up to ``seats`` places. If the last seat is
   tied with the first candidate left out, nobody below the tie is chosen by chance: the outcome
   is ``"runoff_required"``; candidates strictly above the tie are in (``proposed``), the tied
   ones (``tied``) go to a runoff for ``remaining_seats`` seats. A tie that fits entirely within
   the seats is not a runoff.

Numbers
-------
Every comparison uses exact :class:`~fractions.Fraction` arithmetic, so 6 ballots of 9 meet a
2/3 quorum. ``threshold``/``quorum``/shares may be given as ``int``, ``Fraction``, ``Decimal``,
a string (``"2/3"``, ``"0.5"``) or a ``float``; a float means the simplest fraction (denominator
at most a million) that rounds to that float, so ``2/3`` written as ``0.6666666666666666`` is
exactly two thirds, ``0.5`` is one half and ``0.2`` one fifth (see :func:`exact_fraction`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.nominations.ratios import Ratio, exact_fraction

__all__ = [
    "FAILED_QUORUM",
    "OUTCOMES",
    "PROPOSED",
    "RUNOFF_REQUIRED",
    "Ratio",
    "TallyResult",
    "decide",
    "exact_fraction",
    "tally",
]

PROPOSED = "proposed"
FAILED_QUORUM = "failed_quorum"
RUNOFF_REQUIRED = "runoff_required"
OUTCOMES = frozenset({PROPOSED, FAILED_QUORUM, RUNOFF_REQUIRED})

@dataclass(frozen=True)
class TallyResult:
    """The count of one vote round.

    - ``votes``: every candidate's votes (0 if none), keyed by code in code order.
    - ``ballots_cast``: all stored ballots, blanks included; ``blank_ballots``: the empty ones.
    - ``valid_ballots``: equals ``ballots_cast``: ballots are validated when cast, so every stored
      ballot is valid, and blanks are valid ballots (they count in the threshold denominator).
    - ``turnout``: ``ballots_cast / electorate_size`` (0.0 when the electorate is empty); for
      display only: ``quorum_met`` is decided exactly.
    - ``outcome``: ``"proposed"`` (decided), ``"failed_quorum"`` or ``"runoff_required"``.
    - ``proposed``: the units chosen, best first (ties in code order); empty unless the quorum
      was met. Under a runoff: only the units strictly above the tie.
    - ``tied``: under a runoff, the units tied across the last seat, in code order; else empty.
    - ``remaining_seats``: under a runoff, the seats left for it; else 0.
    - ``ranking``: every candidate as ``(code, votes)``, by votes descending then code: a
      deterministic display order.
    """

    votes: dict[str, int]
    ballots_cast: int
    blank_ballots: int
    valid_ballots: int
    electorate_size: int
    turnout: float
    quorum_met: bool
    outcome: str
    proposed: list[str]
    tied: list[str]
    remaining_seats: int
    ranking: list[tuple[str, int]]


def _check_int(value: object, *, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _ratio(value: Ratio, *, name: str) -> Fraction:
    try:
        return exact_fraction(value, name=name)
    except TypeError as exc:  # one exception type for every bad argument of tally()
        raise ValueError(str(exc)) from None


def _rules(*, candidates: Sequence[str], electorate_size: int, seats: int, threshold: Ratio,
           quorum: Ratio) -> tuple[list[str], int, int, Fraction, Fraction]:
    """Validate the rules shared by :func:`tally` and :func:`decide`; return them normalised:
    (candidates, electorate_size, seats, threshold, quorum)."""
    seats = _check_int(seats, name="seats", minimum=1)
    electorate_size = _check_int(electorate_size, name="electorate_size", minimum=0)
    threshold_f = _ratio(threshold, name="threshold")
    if not 0 <= threshold_f < 1:
        raise ValueError(f"threshold must be in [0, 1), got {threshold_f}")
    quorum_f = _ratio(quorum, name="quorum")
    if not 0 < quorum_f <= 1:
        raise ValueError(f"quorum must be in (0, 1], got {quorum_f}")

    if isinstance(candidates, str):
        raise ValueError("candidates must be a sequence of codes, not one string")
    candidate_list = list(candidates)
    if not candidate_list:
        raise ValueError("there must be at least one candidate")
    for code in candidate_list:
        if not isinstance(code, str):
            raise ValueError(f"candidate codes must be strings, got {code!r}")
    if len(set(candidate_list)) != len(candidate_list):
        repeated = sorted({c for c in candidate_list if candidate_list.count(c) > 1})
        raise ValueError(f"candidate listed more than once: {', '.join(repeated)}")
    return candidate_list, electorate_size, seats, threshold_f, quorum_f


def tally(
    *,
    candidates: Sequence[str],
    electorate_size: int,
    ballots: Iterable[Sequence[str]],
    seats: int,
    threshold: Ratio = Fraction(1, 2),
    quorum: Ratio = Fraction(2, 3),
) -> TallyResult:
    """Count ``ballots`` for ``seats`` places among ``candidates`` (see the module docstring).

    ``electorate_size`` is the number of units entitled to vote. Raises ``ValueError`` when
    ``seats < 1``, ``threshold`` is not in [0, 1), ``quorum`` is not in (0, 1], the candidates
    are empty or repeated, there are more ballots than voters, or a ballot names an unknown
    candidate or one candidate twice. The counts are decided by :func:`decide`.
    """
    candidate_list, electorate_size, seats, threshold_f, quorum_f = _rules(
        candidates=candidates, electorate_size=electorate_size, seats=seats, threshold=threshold, quorum=quorum)

    votes = {code: 0 for code in candidate_list}
    ballots_cast = 0
    blank_ballots = 0
    for ballot in ballots:
        # A bare string would otherwise be read character by character ("34" → "3", "4").
        if isinstance(ballot, (str, bytes)):
            raise ValueError(f"ballot {ballots_cast + 1} must be a list of codes, got {ballot!r}")
        choices = list(ballot)
        seen: set[str] = set()
        for code in choices:
            if not isinstance(code, str) or code not in votes:
                raise ValueError(f"ballot {ballots_cast + 1} names unknown candidate {code!r}")
            if code in seen:
                raise ValueError(f"ballot {ballots_cast + 1} names candidate {code} twice")
            seen.add(code)
        for code in choices:
            votes[code] += 1
        ballots_cast += 1
        if not choices:
            blank_ballots += 1

    return decide(candidates=candidate_list, electorate_size=electorate_size, votes=votes,
                  ballots_cast=ballots_cast, blank_ballots=blank_ballots, seats=seats, threshold=threshold_f,
                  quorum=quorum_f)


def decide(
    *,
    candidates: Sequence[str],
    electorate_size: int,
    votes: Mapping[str, int],
    ballots_cast: int,
    blank_ballots: int,
    seats: int,
    threshold: Ratio = Fraction(1, 2),
    quorum: Ratio = Fraction(2, 3),
    threshold_base: str = "valid_ballots",
    at_least: bool = False,
) -> TallyResult:
    """Decide a round from its counts (see the module docstring for the rules).

    ``votes`` maps a candidate to the ballots naming it; a candidate left out has 0.
    ``ballots_cast`` counts every ballot, blanks included; ``blank_ballots`` the empty ones.
    Raises ``ValueError`` for the rule errors of :func:`tally`, more ballots than voters, and
    counts no set of valid ballots can produce: a negative or non-integer count, more blanks than
    ballots, a vote for an unknown candidate, a candidate named by more ballots than the non-blank
    ones, or fewer votes in all than non-blank ballots (each names at least one candidate).
    """
    candidate_list, electorate_size, seats, threshold_f, quorum_f = _rules(
        candidates=candidates, electorate_size=electorate_size, seats=seats, threshold=threshold, quorum=quorum)
    ballots_cast = _check_int(ballots_cast, name="ballots_cast", minimum=0)
    blank_ballots = _check_int(blank_ballots, name="blank_ballots", minimum=0)
    if blank_ballots > ballots_cast:
        raise ValueError(f"{blank_ballots} blank ballots but only {ballots_cast} ballots cast")
    if ballots_cast > electorate_size:
        raise ValueError(
            f"{ballots_cast} ballots cast but the electorate is only {electorate_size}")

    counted = {code: 0 for code in sorted(candidate_list)}
    marked = ballots_cast - blank_ballots  # ballots naming at least one candidate
    for code, n in votes.items():
        if not isinstance(code, str) or code not in counted:
            raise ValueError(f"votes name unknown candidate {code!r}")
        n = _check_int(n, name=f"votes for {code}", minimum=0)
        if n > marked:
            raise ValueError(f"{code} has {n} votes but only {marked} ballots name anyone")
        counted[code] = n
    if sum(counted.values()) < marked:
        raise ValueError(f"{marked} ballots name someone but only {sum(counted.values())} votes were counted")

    valid_ballots = ballots_cast
    # An empty electorate can never meet a positive quorum (0/0 is not "everyone voted").
    quorum_met = electorate_size > 0 and Fraction(ballots_cast, electorate_size) >= quorum_f
    turnout = ballots_cast / electorate_size if electorate_size else 0.0
    ranking = sorted(counted.items(), key=lambda item: (-item[1], item[0]))

    proposed: list[str] = []
    tied: list[str] = []
    remaining_seats = 0
    if not quorum_met:
        outcome = FAILED_QUORUM
    else:
        if threshold_base not in ("valid_ballots", "electorate"):
            raise ValueError(f"threshold_base must be valid_ballots or electorate, got {threshold_base!r}")
        bar = threshold_f * (valid_ballots if threshold_base == "valid_ballots" else electorate_size)
        eligible = [(code, n) for code, n in ranking if (n >= bar if at_least else n > bar)]
        if len(eligible) <= seats:
            outcome = PROPOSED
            proposed = [code for code, _ in eligible]
        elif eligible[seats - 1][1] == eligible[seats][1]:
            outcome = RUNOFF_REQUIRED
            tie_votes = eligible[seats - 1][1]
            proposed = [code for code, n in eligible if n > tie_votes]
            tied = sorted(code for code, n in eligible if n == tie_votes)
            remaining_seats = seats - len(proposed)
        else:
            outcome = PROPOSED
            proposed = [code for code, _ in eligible[:seats]]

    return TallyResult(
        votes=counted,
        ballots_cast=ballots_cast,
        blank_ballots=blank_ballots,
        valid_ballots=valid_ballots,
        electorate_size=electorate_size,
        turnout=turnout,
        quorum_met=quorum_met,
        outcome=outcome,
        proposed=proposed,
        tied=tied,
        remaining_seats=remaining_seats,
        ranking=ranking,
    )
