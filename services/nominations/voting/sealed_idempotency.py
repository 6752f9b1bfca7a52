"""The vote rounds' sealed Idempotency-Key: ``shared.sealed_idempotency`` (its module says why a ballot's
stored answer is sealed) under this context's salt, on the rounds' own table."""
from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable

import asyncpg
from fastapi.responses import JSONResponse

from services.nominations.voting.store.ballots import RoundKeys
from shared import sealed_idempotency as sealed
from shared.sealed_idempotency import MIN_KEY_LENGTH as MIN_KEY_LENGTH

# Never change: keys stored under it would no longer unseal.
SALT = b"thidua-nominations/ballot-idempotency/v1"


class SealedKey(sealed.SealedKey):
    def __init__(self, key: str, *, scope: str) -> None:
        super().__init__(key, scope=scope, salt=SALT)


async def sealed_idempotent(conn: asyncpg.Connection, *, key: str | None, scope: str, round_id: uuid.UUID,
                            body: Any, status_code: int, run: Callable[[], Awaitable[Any]]) -> JSONResponse:
    """Run ``run`` once per (scope, key) inside the caller's transaction and answer with its result."""
    return await sealed.sealed_idempotent(conn, key=key, scope=scope, salt=SALT, table=RoundKeys(round_id),
                                          body=body, status_code=status_code, run=run)
