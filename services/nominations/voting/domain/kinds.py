"""The kinds of vote round beside the flag votes: the election of next year's lead and deputy, and
the conference's motions. Pure rules, no I/O; the ballots, receipts, bulletin and their secrecy are
the rounds' own (a ballot is a set of candidate codes, whatever the kind).

- ``nomination`` (the default): the flag rounds, counted by :func:`.tally.decide`.
- ``election``: one post (``lead`` or ``deputy`` of the next year) among member units, one name per
  ballot. The first round elects the candidate with more than half of the valid ballots; without
  one, a second round between the two best placed (every unit tied for second place included);
  the second round elects the most votes, and a tie there is settled by the organiser's rule
  (:data:`TIE_RULES`: ``rotation_order``, the tied unit that comes first in the cluster's rotation
  after this year's lead; ``ranking``, the tied unit better placed in the cluster-year's latest
  ranking, unranked units after in rotation order: :func:`tie_order`). At most two rounds.
- ``motion``: ``yes`` / ``no`` / ``abstain``, one per ballot; adopted when the ``yes`` votes pass
  the ``threshold`` of the ``denominator``: the units ``present`` (at the conference when the vote
  opened; without a conference, the units that voted) or all ``members`` (the electorate).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from .tally import FAILED_QUORUM, PROPOSED, RUNOFF_REQUIRED, Ratio, TallyResult, decide, exact_fraction

__all__ = [
    "DENOMINATORS",
    "MOTION_CHOICES",
    "POSTS",
    "TIE_RULES",
    "MotionResult",
    "RoundKind",
    "decide_election",
    "decide_motion",
    "default_election_candidates",
    "elected",
    "election_order",
    "tie_order",
]


class RoundKind(str, Enum):
    nomination = "nomination"
    election = "election"
    motion = "motion"

    __str__ = str.__str__


POSTS = ("lead", "deputy")
DENOMINATORS = ("present", "members")
TIE_RULES = ("rotation_order", "ranking")
MOTION_CHOICES: tuple[str, ...] = ("abstain", "no", "yes")
"""A motion's candidates, in the canonical (sorted) order its ballots store them."""


def election_order(rotation: Sequence[str], *, lead: str | None) -> list[str]:
    """The rotation order starting with the unit after this year's ``lead`` (the order of the
    succession and of the tie rule); the rotation as given when the lead is not in it."""
    units = list(rotation)
    if lead is None or lead not in units:
        return units
    i = units.index(lead)
    return units[i + 1:] + units[:i + 1]


def default_election_candidates(rotation: Sequence[str], *, lead: str | None, post: str) -> list[str]:
    """By default the next in the rotation order: the unit after this year's lead for next year's
    lead, the one after that for its deputy."""
    if post not in POSTS:
        raise ValueError(f"post must be one of {', '.join(POSTS)}, got {post!r}")
    order = election_order(rotation, lead=lead)
    index = 0 if post == "lead" else 1
    if index >= len(order):
        raise ValueError("the rotation has too few units for this post")
    return [order[index]]


def tie_order(rotation: Sequence[str], *, rule: str, ranks: Mapping[str, int | None] | None = None) -> list[str]:
    """The order a second round's tie is settled in: the rotation (``rotation_order``), or the
    ranking's places (``ranking``: best first, unranked units after, each group in rotation order)."""
    if rule not in TIE_RULES:
        raise ValueError(f"unknown tie rule {rule!r}")
    units = list(rotation)
    if rule == "rotation_order":
        return units
    places = ranks or {}
    position = {code: i for i, code in enumerate(units)}

    def key(code: str) -> tuple[int, int, int]:
        place = places.get(code)
        return (0 if place is not None else 1, place if place is not None else 0, position[code])

    return sorted(units, key=key)


def decide_election(*, candidates: Sequence[str], electorate_size: int, votes: Mapping[str, int], ballots_cast: int,
                    blank_ballots: int, quorum: Ratio, second_round: bool,
                    order: Sequence[str], tie_rule: str = "rotation_order") -> tuple[TallyResult, str | None]:
    """Decide one round of an election (see the module docstring); returns the count and the tie
    rule applied (``None`` unless a second round's tie was settled by it).

    The first round is :func:`.tally.decide` for one seat with more than half of the valid ballots;
    when nobody has that, the outcome is ``runoff_required`` with the two best placed as ``tied``
    (a single candidate without a majority is not elected: ``proposed`` empty). The second round
    elects the most votes; a tie goes to the first of the tied in ``order`` (:func:`tie_order` of
    ``tie_rule``, which the result names)."""
    if not second_round:
        counted = decide(candidates=candidates, electorate_size=electorate_size, votes=votes,
                         ballots_cast=ballots_cast, blank_ballots=blank_ballots, seats=1,
                         threshold=Fraction(1, 2), quorum=quorum)
        if not counted.quorum_met or counted.proposed or len(counted.ranking) < 2:
            return counted, None
        second_votes = counted.ranking[1][1]
        finalists = sorted(code for code, n in counted.ranking if n >= second_votes)
        return _replace(counted, outcome=RUNOFF_REQUIRED, proposed=[], tied=finalists, remaining_seats=1), None
    counted = decide(candidates=candidates, electorate_size=electorate_size, votes=votes, ballots_cast=ballots_cast,
                     blank_ballots=blank_ballots, seats=1, threshold=0, quorum=quorum, at_least=True)
    if not counted.quorum_met:
        return counted, None
    top = counted.ranking[0][1]
    tied = [code for code, n in counted.ranking if n == top]
    if len(tied) == 1:
        return _replace(counted, outcome=PROPOSED, proposed=tied, tied=[], remaining_seats=0), None
    rank = {code: i for i, code in enumerate(order)}
    winner = min(tied, key=lambda code: (rank.get(code, len(rank)), code))
    return _replace(counted, outcome=PROPOSED, proposed=[winner], tied=sorted(tied), remaining_seats=0), tie_rule


def elected(result: Mapping[str, object]) -> str | None:
    """The unit a counted election round elected, if any."""
    proposed = result.get("proposed")
    if isinstance(proposed, list) and len(proposed) == 1 and isinstance(proposed[0], str):
        return proposed[0]
    return None


@dataclass(frozen=True)
class MotionResult:
    """A motion's count: ``adopted`` when ``yes`` passes the bar (``bar`` = threshold × base)."""

    count: TallyResult
    adopted: bool
    base: int
    bar: Fraction


def decide_motion(*, electorate_size: int, votes: Mapping[str, int], ballots_cast: int, blank_ballots: int,
                  quorum: Ratio, threshold: Ratio, at_least: bool, denominator: str,
                  present: int | None) -> MotionResult:
    """Decide a motion. ``present``: the units present when the vote opened (``None`` without a
    conference: the units that voted stand for them). A motion that misses its quorum is not adopted."""
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator must be present or members, got {denominator!r}")
    threshold_f = exact_fraction(threshold, name="threshold")
    count = decide(candidates=MOTION_CHOICES, electorate_size=electorate_size, votes=votes, ballots_cast=ballots_cast,
                   blank_ballots=blank_ballots, seats=len(MOTION_CHOICES), threshold=0, quorum=quorum, at_least=True)
    if denominator == "members":
        base = electorate_size
    else:
        base = present if present is not None else ballots_cast
        if base < ballots_cast:
            raise ValueError(f"{ballots_cast} ballots but only {base} units present")
    bar = threshold_f * base
    yes = count.votes.get("yes", 0)
    adopted = count.quorum_met and (yes >= bar if at_least else yes > bar) and yes > 0
    # A motion proposes nobody: its decision is ``adopted``.
    count = _replace(count, proposed=[], tied=[], remaining_seats=0,
                     outcome=PROPOSED if count.quorum_met else FAILED_QUORUM)
    return MotionResult(count=count, adopted=adopted, base=base, bar=bar)


def _replace(counted: TallyResult, **changes: object) -> TallyResult:
    from dataclasses import replace

    return replace(counted, **changes)  # type: ignore[arg-type]
