"""Leadership rotation and carrying a cluster across a province merger.

Members are opaque unit keys (the store uses province row ids, so a reused code never confuses
two different units).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Mapping, Sequence, TypeVar

from shared.errors import Conflict, Unprocessable

K = TypeVar("K", bound=Hashable)


def validate_rotation_order(members: Sequence[K], rotation_order: Sequence[K] | None) -> list[K]:
    """The rotation order is a permutation of the member list (default: the list itself)."""
    if len(set(members)) != len(members):
        raise Unprocessable("a province appears twice in the member list", field="members")
    if len(members) < 2:
        raise Unprocessable("a cluster period needs at least two members (a lead and a deputy)", field="members")
    if rotation_order is None:
        return list(members)
    if len(set(rotation_order)) != len(rotation_order):
        raise Unprocessable("a province appears twice in the rotation order", field="rotation_order")
    if set(rotation_order) != set(members):
        raise Unprocessable("the rotation order must list exactly the members", field="rotation_order")
    return list(rotation_order)


def follow_successors(start: K, successor_of: Callable[[K], K | None], *, until: Callable[[K], bool]) -> K | None:
    """The first unit along ``start``'s merger chain (``start`` itself included) for which
    ``until`` holds, or None when the chain ends (or loops) first."""
    seen: set[K] = set()
    unit: K | None = start
    while unit is not None and unit not in seen:
        if until(unit):
            return unit
        seen.add(unit)
        unit = successor_of(unit)
    return None


def resolve_previous_lead(previous_lead: K, members: Sequence[K], successor_of: Callable[[K], K | None]) -> K:
    """Last year's lead, or the unit that absorbed it when it merged away."""
    unit = follow_successors(previous_lead, successor_of, until=lambda u: u in members)
    if unit is None:
        raise Conflict("last year's lead is not a member of this period and neither is any unit that absorbed it; "
                       "decide this year's leadership by election", slug="rotation-impossible")
    return unit


def rotate_leadership(*, rotation_order: Sequence[K], previous_lead: K) -> tuple[K, K]:
    """This year's lead follows last year's lead in the rotation order; the deputy follows the lead."""
    if len(rotation_order) < 2:
        raise Conflict("rotation needs at least two members", slug="rotation-impossible")
    i = list(rotation_order).index(previous_lead)
    n = len(rotation_order)
    return rotation_order[(i + 1) % n], rotation_order[(i + 2) % n]


@dataclass(frozen=True)
class Replacement:
    old: Hashable
    new: Hashable


def carry_over(
    rotation_order: Sequence[K], *, in_force: Callable[[K], bool], successor_of: Callable[[K], K | None]
) -> tuple[list[K], list[Replacement], list[K]]:
    """Replace members that ended by their successors, keeping the first occurrence of each unit.

    Returns the new rotation order, the replacements made, and the units dropped as duplicates
    (two members that merged into one).
    """
    result: list[K] = []
    replaced: list[Replacement] = []
    dropped: list[K] = []
    for unit in rotation_order:
        current = follow_successors(unit, successor_of, until=in_force)
        if current is None:
            raise Unprocessable("a member has ended without a successor in force", field="copy_from")
        if current != unit:
            replaced.append(Replacement(old=unit, new=current))
        if current in result:
            dropped.append(unit)
        else:
            result.append(current)
    return result, replaced, dropped


def check_election(*, lead: K, deputy: K, members: Mapping[K, object] | Sequence[K]) -> None:
    if lead not in members:
        raise Unprocessable("the elected lead is not a member of this period", field="lead")
    if deputy not in members:
        raise Unprocessable("the elected deputy is not a member of this period", field="deputy")
    if lead == deputy:
        raise Unprocessable("lead and deputy must be different members", field="deputy")
