"""Who may do what with a movement: pure rules, no I/O.

Until organisers have their own staff accounts, an organiser's staff are:

- **ministry** staff, for every organiser (the ministry BNV and those it oversees);
- a **province** account, for the organisers of its province: codes ending in ``-<province code>``
  (its People's Committee ``UBND-22``, a steering committee ``BCĐDVK-22``...).

A **unit** acts for itself: a province account for the unit whose code is its province code and for
the units whose parent level it is (a commune whose ``parent_code`` is the province). The public
sees launched movements and their recognised models only.
"""
from __future__ import annotations

from typing import Protocol

from .states import VISIBLE, ModelState, MovementState


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def is_organiser_staff(actor: Actor | None, organiser_code: str) -> bool:
    if actor is None:
        return False
    if actor.role == "ministry":
        return True
    return actor.role == "province" and actor.province is not None \
        and organiser_code.rsplit("-", 1)[-1] == actor.province and "-" in organiser_code


def may_create(actor: Actor | None, organiser_code: str) -> bool:
    return is_organiser_staff(actor, organiser_code)


def acts_for_unit(actor: Actor | None, *, unit_code: str, parent_code: str | None) -> bool:
    """The caller may register and report for this unit (itself, or a unit it is the parent of)."""
    if actor is None or actor.role != "province" or actor.province is None:
        return False
    return actor.province in (unit_code, parent_code)


def may_see_movement(actor: Actor | None, *, organiser_code: str, state: str) -> bool:
    return MovementState(state) in VISIBLE or is_organiser_staff(actor, organiser_code)


def may_see_all_of_movement(actor: Actor | None, organiser_code: str) -> bool:
    """Every registration, model and report of the movement (not only recognised models)."""
    return is_organiser_staff(actor, organiser_code)


def visible_units(actor: Actor | None) -> str | None:
    """The province whose units (itself and its children) a unit account sees beyond the public."""
    if actor is None or actor.role != "province":
        return None
    return actor.province


def public_model(state: str) -> bool:
    return ModelState(state) is ModelState.recognised


def may_see_model(actor: Actor | None, *, organiser_code: str, state: str, unit_code: str,
                  parent_code: str | None) -> bool:
    return (public_model(state) or is_organiser_staff(actor, organiser_code)
            or acts_for_unit(actor, unit_code=unit_code, parent_code=parent_code))
