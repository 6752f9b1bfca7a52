"""Organisers (cơ quan tổ chức) and who acts for them.

An organiser runs its own clusters through its emulation office staff: the ``ministry`` role is the
staff of the Ministry of Home Affairs (``BNV``), a ``staff`` account the staff of the organiser its
token names. Staff act on their own organiser's clusters, units and accounts, and on nothing of
another's (403); the ministry reads every organiser's (reads are public in the registry) and
changes only its own.
"""
from __future__ import annotations

from typing import Literal

from shared.auth import MINISTRY_ORGANISER, Principal, office_of
from shared.errors import Forbidden, Unprocessable

MINISTRY = MINISTRY_ORGANISER
OrganiserKind = Literal["ministry", "province", "other"]
AwardLevel = Literal["ministry", "province"]
ORGANISER_CODE = r"^[A-Z][A-Z0-9-]{1,15}$"


def manages(actor: Principal, organiser: str) -> bool:
    """The caller is the emulation office of ``organiser``."""
    return office_of(actor) is not None and office_of(actor) == organiser


def require_manages(actor: Principal, organiser: str, *, what: str) -> None:
    if not manages(actor, organiser):
        raise Forbidden(f"only the emulation office of {organiser} may {what}"
                        + (f"; the caller acts for {office_of(actor)}" if office_of(actor) else ""),
                        slug="other-organiser")


def require_staff(actor: Principal, *, what: str) -> str:
    """The organiser the caller is staff of (403 for unit and service accounts)."""
    office = office_of(actor)
    if office is None:
        raise Forbidden(f"only an organiser's emulation office may {what}; the caller is {actor.role}")
    return office


def award_level(kind: OrganiserKind) -> AwardLevel:
    """A provincial People's Committee gives the province's awards; a ministry (or another body at
    that level) its own."""
    return "province" if kind == "province" else "ministry"


def check_organiser(*, kind: OrganiserKind, province_code: str | None, province_in_force: bool) -> None:
    """A province's People's Committee names its province (in force today); no other organiser does."""
    if kind == "province":
        if province_code is None:
            raise Unprocessable("a province's organiser names its province", field="province_code")
        if not province_in_force:
            raise Unprocessable(f"no province has code {province_code} today", field="province_code")
    elif province_code is not None:
        raise Unprocessable(f"a {kind} organiser names no province", field="province_code")


# ---------------------------------------------------------------- accounts

def check_account_target(*, role: str, province_code: str | None, organiser: str | None,
                         unit_code: str | None) -> None:
    """Each role names exactly what it acts for: a province account its province, a staff account its
    organiser, a unit account its unit; the others none (the 422 names the field given wrongly)."""
    wants = {"province": "province_code", "staff": "organiser", "unit": "unit_code"}.get(role)
    given = {"province_code": province_code, "organiser": organiser, "unit_code": unit_code}
    for field, value in given.items():
        if field == wants and value is None:
            raise Unprocessable(f"a {role} account names its {field.replace('_code', '')}", field=field)
        if field != wants and value is not None:
            raise Unprocessable(f"a {role} account names no {field.replace('_code', '')}", field=field)


def may_create_account(actor: Principal, *, role: str, organiser: str | None) -> bool:
    """The ministry creates every kind of account; an organiser's staff create staff accounts of
    their organiser and unit accounts for its units (``organiser`` is the unit's)."""
    if actor.is_ministry:
        return True
    if actor.role != "staff" or organiser is None:
        return False
    return role in ("staff", "unit") and manages(actor, organiser)
