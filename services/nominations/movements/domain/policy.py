"""Who may do what with a movement: pure rules, no I/O.

An organiser's staff are:

- **ministry** staff, for every organiser (the ministry BNV and those it oversees);
- a **staff** account of that organiser (its emulation office: ``organiser`` on the token);
- a **province** account, for the organisers of its province: codes ending in ``-<province code>``
  (its People's Committee ``UBND-22``, a steering committee ``BCD-DVK-22``...), while those have
  no staff accounts of their own.

A **unit** acts for itself and for the units whose parent level it is (a commune whose
``parent_code`` is the province): a province account for its province, a unit account for its
``unit_code``. The public sees launched movements and their recognised models only.
"""
from __future__ import annotations

from typing import Protocol

from .states import VISIBLE, ModelState, MovementState


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def province(self) -> str | None: ...


def _unit_of(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    if actor.role == "province":
        return actor.province
    if actor.role == "unit":
        code = getattr(actor, "unit_code", None)
        return code if isinstance(code, str) and code else None
    return None


def is_organiser_staff(actor: Actor | None, organiser_code: str) -> bool:
    if actor is None:
        return False
    if actor.role == "ministry":
        return True
    if actor.role == "staff":
        return bool(getattr(actor, "organiser", None) == organiser_code)
    return actor.role == "province" and actor.province is not None \
        and organiser_code.rsplit("-", 1)[-1] == actor.province and "-" in organiser_code


def may_create(actor: Actor | None, organiser_code: str) -> bool:
    return is_organiser_staff(actor, organiser_code)


def acts_for_unit(actor: Actor | None, *, unit_code: str, parent_code: str | None) -> bool:
    """The caller may register and report for this unit (itself, or a unit it is the parent of)."""
    own = _unit_of(actor)
    return own is not None and own in (unit_code, parent_code)


def may_see_movement(actor: Actor | None, *, organiser_code: str, state: str) -> bool:
    return MovementState(state) in VISIBLE or is_organiser_staff(actor, organiser_code)


def may_see_all_of_movement(actor: Actor | None, organiser_code: str) -> bool:
    """Every registration, model and report of the movement (not only recognised models)."""
    return is_organiser_staff(actor, organiser_code)


def visible_units(actor: Actor | None) -> str | None:
    """The unit whose rows (its own and its children's) a unit account sees beyond the public."""
    return _unit_of(actor)


def public_model(state: str) -> bool:
    return ModelState(state) is ModelState.recognised


def may_see_model(actor: Actor | None, *, organiser_code: str, state: str, unit_code: str,
                  parent_code: str | None) -> bool:
    return (public_model(state) or is_organiser_staff(actor, organiser_code)
            or acts_for_unit(actor, unit_code=unit_code, parent_code=parent_code))
