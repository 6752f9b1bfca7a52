"""The audit trail: who changed what, when, written on the caller's transaction."""
from __future__ import annotations

from typing import Any

import asyncpg

from shared.auth import Principal
from shared.logs import request_id_var


async def record(conn: asyncpg.Connection, *, schema: str, actor: Principal, action: str, target: str,
                 details: dict[str, Any] | None = None) -> None:
    await conn.execute(
        f"""INSERT INTO {schema}.audit_log (actor, actor_role, action, target, details, request_id)
            VALUES ($1, $2, $3, $4, $5, $6)""",
        actor.subject, actor.role, action, target, details or {}, request_id_var.get(),
    )
