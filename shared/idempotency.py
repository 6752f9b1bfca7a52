"""Idempotency-Key support for writes a client may retry.

The key row is inserted in the same transaction as the write. A concurrent request with the same
key blocks on the primary key until the first commits, then finds the stored answer and replays
it; if the first rolls back (a domain error, say) the key is free again. The same key with a
different body is 422.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Annotated, Any, Awaitable, Callable

import asyncpg
from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from shared.errors import Unprocessable

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200,
           description="Any unique string; a retry with the same key and body returns the first answer."),
]


def request_hash(body: Any, *, secret: bytes | None = None) -> str:
    """SHA-256 of the canonical body; keyed (HMAC) with ``secret`` when the body holds a secret
    such as a password, so the stored digest cannot be tested against guesses."""
    canonical = json.dumps(jsonable_encoder(body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if secret is not None:
        return "hmac:" + hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical.encode()).hexdigest()


async def idempotent(
    conn: asyncpg.Connection,
    *,
    schema: str,
    key: str | None,
    scope: str,
    body: Any,
    status_code: int,
    run: Callable[[], Awaitable[Any]],
    secret: bytes | None = None,
) -> JSONResponse:
    """Run ``run`` once per (scope, key) inside the caller's transaction and answer with its result."""
    if key is None:
        return JSONResponse(jsonable_encoder(await run()), status_code=status_code)
    digest = request_hash(body, secret=secret)
    claimed = await conn.fetchval(
        f"""INSERT INTO {schema}.idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING RETURNING true""",
        scope, key, digest,
    )
    if not claimed:
        row = await conn.fetchrow(
            f"SELECT request_hash, status_code, response FROM {schema}.idempotency_keys WHERE scope = $1 AND key = $2",
            scope, key,
        )
        if row["request_hash"] != digest:
            raise Unprocessable("this Idempotency-Key was already used with a different request body",
                                field="Idempotency-Key", slug="idempotency-key-reused")
        return JSONResponse(row["response"], status_code=row["status_code"], headers={"Idempotent-Replayed": "true"})
    result = jsonable_encoder(await run())
    await conn.execute(
        f"UPDATE {schema}.idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2",
        scope, key, status_code, result,
    )
    return JSONResponse(result, status_code=status_code)
