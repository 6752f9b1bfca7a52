"""Events commendations publish through the nominations outbox; their payload models are
``shared.contracts.nominations.Commendation*V1`` (``emit`` validates every payload against them).
The notifications service routes on these payloads (services/notifications/domain/routing.py).

- ``nominations.commendation.submitted``: a member submitted its proposal to the lead:
  ``{proposal_id, cluster_code, cluster_name, year, form_code, form_name, province_code, province_name,
  lead_code (None: no lead yet, or the lead's own), nominees}``
- ``nominations.commendation.returned``: the lead returned a nominee to its province:
  ``{proposal_id, nominee_id, nominee_name, cluster_code, cluster_name, year, form_code, form_name,
  province_code, lead_code, reason}``
- ``nominations.commendation.sent``: the lead sent the cluster's list to the ministry:
  ``{cluster_code, cluster_name, year, lead_code, provinces: [codes], proposals: [ids], nominees: n}``
- ``nominations.commendation.decided``: the ministry issued a decision:
  ``{decision_id, number, signed_on, year, summary, provinces: [codes], leads: [codes], clusters: [codes],
  awarded: {province code: number of collectives and individuals}, collectives: n, individuals: n}``
"""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from shared.contracts import nominations as contracts
from shared.events import emit

SCHEMA = "nominations"
SUBMITTED = contracts.COMMENDATION_SUBMITTED
RETURNED = contracts.COMMENDATION_RETURNED
SENT = contracts.COMMENDATION_SENT
DECIDED = contracts.COMMENDATION_DECIDED


async def publish(conn: asyncpg.Connection, type: str, *, aggregate_id: Any, payload: dict[str, Any]) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=str(aggregate_id), payload=payload)
