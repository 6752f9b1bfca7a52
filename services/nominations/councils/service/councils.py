"""A council of an organiser, from its founding decision: its members per term; and the thresholds
the organiser configures per award form, versioned by date."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from fractions import Fraction
from typing import Any

import asyncpg

from services.nominations.councils.domain import policy, thresholds
from services.nominations.councils.domain.states import ROLE_LABELS_VI, InvalidTransition
from services.nominations.councils.store import councils as store
from services.nominations.ratios import exact_fraction
from shared import audit
from shared.auth import Principal, office_of
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

SCHEMA = "nominations"


@contextmanager
def refusals() -> Iterator[None]:
    """A move the state does not allow, or a database guard (the last line of defence): 409."""
    try:
        yield
    except InvalidTransition as exc:
        raise Conflict(str(exc), slug="invalid-transition") from exc
    except asyncpg.CheckViolationError as exc:
        raise Conflict(f"refused by the council's rules ({exc.constraint_name})", slug="invalid-transition") from exc


def fraction_text(share: Fraction) -> str:
    return f"{share.numerator}/{share.denominator}"


def read_share(value: str, field: str) -> Fraction:
    try:
        return thresholds.check_share(exact_fraction(value, name=field))
    except (ValueError, TypeError, ZeroDivisionError) as exc:
        raise Unprocessable(str(exc), field=field) from exc


def organiser_for(actor: Principal, given: str | None, what: str) -> str:
    organiser = given or office_of(actor)
    if organiser is None or not policy.may_found(actor, organiser=organiser):
        raise Forbidden(f"only the emulation office of {organiser or 'the organiser'} may {what}")
    return organiser


def member_public(m: asyncpg.Record) -> dict[str, Any]:
    return {"id": m["id"], "name": m["name"], "position": m["position"], "role": m["role"],
            "role_label": ROLE_LABELS_VI[m["role"]], "account": m["account"]}


async def public(conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
    return {**dict(row), "members": [member_public(m) for m in await store.members(conn, row["id"])]}


async def council_for(conn: asyncpg.Connection, council_id: uuid.UUID) -> asyncpg.Record:
    row = await store.get(conn, council_id)
    if row is None:
        raise NotFound(f"no council {council_id}", field="council_id")
    return row


async def found(conn: asyncpg.Connection, *, actor: Principal, values: dict[str, Any]) -> dict[str, Any]:
    organiser = organiser_for(actor, values["organiser"], "found its council")
    try:
        async with conn.transaction():
            row = await store.insert(conn, values=values, organiser=organiser, created_by=actor.subject)
    except asyncpg.UniqueViolationError as exc:
        raise Conflict(f"{organiser} has a council whose term begins {values['term_from']}", field="term_from",
                       slug="council-term-taken") from exc
    await store.add_members(conn, row["id"], values["members"])
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.found", target=f"council:{row['id']}",
                       details={"organiser": organiser, "decision_number": values["decision_number"],
                                "members": len(values["members"])})
    return await public(conn, row)


async def get(conn: asyncpg.Connection, *, council_id: uuid.UUID) -> dict[str, Any]:
    return await public(conn, await council_for(conn, council_id))


async def listing(conn: asyncpg.Connection, *, organiser: str | None, on: date | None) -> list[dict[str, Any]]:
    return [await public(conn, r) for r in await store.listing(conn, organiser=organiser, on=on)]


async def members(conn: asyncpg.Connection, *, council_id: uuid.UUID) -> list[dict[str, Any]]:
    await council_for(conn, council_id)
    return [member_public(m) for m in await store.members(conn, council_id)]


# ---------------------------------------------------------------- thresholds

def threshold_public(r: asyncpg.Record) -> dict[str, Any]:
    return {**{k: r[k] for k in ("organiser", "form_code", "effective_from", "basis", "created_by", "created_at")},
            "share": fraction_text(Fraction(r["numerator"], r["denominator"]))}


async def add_threshold(conn: asyncpg.Connection, *, actor: Principal, values: dict[str, Any]) -> dict[str, Any]:
    organiser = organiser_for(actor, values["organiser"], "configure its council's thresholds")
    share = read_share(values["share"], "share")
    try:
        async with conn.transaction():
            row = await store.add_threshold(conn, organiser=organiser, form_code=values["form_code"],
                                            effective_from=values["effective_from"], numerator=share.numerator,
                                            denominator=share.denominator, basis=values["basis"],
                                            created_by=actor.subject)
    except asyncpg.ForeignKeyViolationError as exc:
        raise Unprocessable(f"no award form {values['form_code']}", field="form_code") from exc
    if row is None:
        raise Conflict(f"a version for {values['form_code']} already begins {values['effective_from']}: "
                       "versions are never edited, a later one replaces it", field="effective_from",
                       slug="threshold-version-exists")
    await audit.record(conn, schema=SCHEMA, actor=actor, action="council.threshold.add",
                       target=f"council-threshold:{organiser}:{values['form_code']}",
                       details={"effective_from": values["effective_from"].isoformat(), "share": fraction_text(share),
                                "basis": values["basis"]})
    return threshold_public(row)


async def list_thresholds(conn: asyncpg.Connection, *, organiser: str) -> list[dict[str, Any]]:
    return [threshold_public(r) for r in await store.thresholds(conn, organiser)]


async def versions(conn: asyncpg.Connection, organiser: str) -> list[thresholds.ThresholdVersion]:
    return [thresholds.ThresholdVersion(organiser=r["organiser"], form_code=r["form_code"],
                                        effective_from=r["effective_from"],
                                        share=Fraction(r["numerator"], r["denominator"]), basis=r["basis"])
            for r in await store.thresholds(conn, organiser)]
