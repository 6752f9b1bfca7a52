"""Idempotency-Key for a council member's ballot, sealed so that the stored answer cannot link the
member to its ballot: ``shared.sealed_idempotency`` (the vote rounds' scheme) under this context's
salt, on its own table."""
from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable

import asyncpg
from fastapi.responses import JSONResponse

from services.nominations.councils.store.ballots import SessionKeys
from shared import sealed_idempotency as sealed

# Never change: keys stored under it would no longer unseal.
SALT = b"thidua-nominations/council-ballot-idempotency/v1"


async def sealed_idempotent(conn: asyncpg.Connection, *, key: str | None, scope: str, session_id: uuid.UUID,
                            body: Any, status_code: int, run: Callable[[], Awaitable[Any]]) -> JSONResponse:
    """Run ``run`` once per (scope, key) inside the caller's transaction and answer with its result."""
    return await sealed.sealed_idempotent(conn, key=key, scope=scope, salt=SALT, table=SessionKeys(session_id),
                                          body=body, status_code=status_code, run=run)
