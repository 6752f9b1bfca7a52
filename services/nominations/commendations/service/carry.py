"""A flag vote carries its units in: the one use case another context (voting) calls."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import asyncpg

from services.nominations.commendations.domain import rules
from services.nominations.commendations.service.access import (
    SCHEMA,
)
from services.nominations.commendations.store import forms as form_store
from services.nominations.commendations.store import nominees as nominee_store
from services.nominations.commendations.store import proposals as proposal_store
from shared import audit
from shared.auth import Principal

# ---------------------------------------------------------------- a flag vote carries its units in

async def carry_approved_round(conn: asyncpg.Connection, *, actor: Principal,
                               round_row: Mapping[str, Any]) -> list[uuid.UUID]:
    """Called in the transaction that approves a vote round: each unit it proposed enters the
    cluster-year's list as an accepted proposal of the form configured for the round's award (the
    vote was the cluster's acceptance), ready for the lead to send. Nothing happens when no form
    takes that award; a unit already proposed for that form and year is left as it is."""
    organiser = round_row["organiser"]
    form_row = await form_store.for_round_award(conn, round_row["award"], organiser)
    if form_row is None:
        return []
    cluster, year = round_row["cluster_code"], round_row["year"]
    names: dict[str, str] = dict(round_row["unit_names"] or {})
    lst = await proposal_store.get_list(conn, cluster, year)
    if lst is None:
        await proposal_store.upsert_list(conn, cluster_code=cluster, year=year,
                                         cluster_name=round_row["cluster_name"], lead_code=round_row["lead_code"],
                                         unit_names=names, organiser=organiser)
    carried: list[uuid.UUID] = []
    for code in round_row["result"]["proposed"]:
        province_name = names.get(code, code)
        # A ministry's cluster of provinces proposes each province's department; any other
        # organiser's cluster proposes the member unit itself.
        name = rules.collective_name_of_province(province_name) if organiser == "BNV" else province_name
        key = rules.identity_key(kind="collective", name=name, province_code=code, birth_date=None)
        if await nominee_store.taken(conn, year=year, form_code=form_row["code"], identity_key=key):
            continue
        if await proposal_store.find_by_round(conn, round_row["id"], code) is not None:
            continue
        proposal_id = await proposal_store.insert(
            conn, cluster_code=cluster, year=year, province_code=code, province_name=province_name,
            form_code=form_row["code"], created_by=actor.subject, origin="vote", round_id=round_row["id"],
            state="accepted")
        approver = "Bộ Nội vụ" if organiser == "BNV" else "cơ quan tổ chức"
        summary = (f"Được {round_row['cluster_name']} suy tôn {form_row['name']} năm {year} "
                   f"(vòng bỏ phiếu {round_row['id']}, {approver} đã phê duyệt).")
        await nominee_store.insert(conn, proposal_id=proposal_id, year=year, form_code=form_row["code"],
                                   kind="collective", name=name, position=None, unit=None, birth_date=None,
                                   gender=None, fields={}, summary=summary, identity_key=key, state="accepted")
        carried.append(proposal_id)
        await audit.record(conn, schema=SCHEMA, actor=actor, action="proposal.carry_from_vote",
                           target=f"proposal:{proposal_id}",
                           details={"round_id": str(round_row["id"]), "province_code": code,
                                    "form": form_row["code"]})
    return carried
