"""Idempotency-Key for a council member's ballot, sealed so that the stored answer cannot link the
member to its ballot (the vote rounds' scheme, ``voting/sealed_idempotency.py``, on this context's
own table): the row is found by ``sha256(scope, key)``, the request is MACed and the first answer
sealed (AES-GCM) under keys derived (HKDF) from the Idempotency-Key, which only the client holds."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.nominations.councils.store import ballots as store
from shared.errors import Unprocessable

MIN_KEY_LENGTH = 22
_SALT = b"thidua-nominations/council-ballot-idempotency/v1"


class SealedKey:
    def __init__(self, key: str, *, scope: str) -> None:
        if len(key) < MIN_KEY_LENGTH:
            raise Unprocessable(f"a ballot's Idempotency-Key seals the receipt and must be unguessable: use at least "
                                f"{MIN_KEY_LENGTH} random characters (a UUID4, say)", field="Idempotency-Key",
                                slug="weak-idempotency-key")
        raw = key.encode()
        self.key_hash = hashlib.sha256(scope.encode() + b"\n" + raw).hexdigest()
        derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=_SALT, info=scope.encode()).derive(raw)
        self._mac_key, self._aead = derived[:32], AESGCM(derived[32:])

    def request_mac(self, body: Any) -> str:
        canonical = json.dumps(jsonable_encoder(body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._mac_key, canonical.encode(), hashlib.sha256).hexdigest()

    def seal(self, response: Any) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, json.dumps(response).encode(), self.key_hash.encode())

    def unseal(self, sealed: bytes) -> Any:
        return json.loads(self._aead.decrypt(sealed[:12], sealed[12:], self.key_hash.encode()))


async def sealed_idempotent(conn: asyncpg.Connection, *, key: str | None, scope: str, session_id: uuid.UUID,
                            body: Any, status_code: int, run: Callable[[], Awaitable[Any]]) -> JSONResponse:
    """Run ``run`` once per (scope, key) inside the caller's transaction and answer with its result."""
    if key is None:
        return JSONResponse(jsonable_encoder(await run()), status_code=status_code)
    sealed_key = SealedKey(key, scope=scope)
    mac = sealed_key.request_mac(body)
    if not await store.claim_key(conn, key_hash=sealed_key.key_hash, session_id=session_id, request_mac=mac):
        row = await store.claimed_key(conn, sealed_key.key_hash)
        if not hmac.compare_digest(row["request_mac"], mac):
            raise Unprocessable("this Idempotency-Key was already used with a different request body",
                                field="Idempotency-Key", slug="idempotency-key-reused")
        return JSONResponse(sealed_key.unseal(row["sealed"]), status_code=row["status_code"],
                            headers={"Idempotent-Replayed": "true"})
    result = jsonable_encoder(await run())
    await store.seal_key(conn, key_hash=sealed_key.key_hash, status_code=status_code, sealed=sealed_key.seal(result))
    return JSONResponse(result, status_code=status_code)
