"""Idempotency-Key for secret ballots, sealed so that the stored answer cannot link a voter to a ballot.

``shared.idempotency`` stores (caller scope, plain body hash, plain response): for a ballot that is
the voter's identity beside its receipt, and a body hash anyone can reverse by hashing the few
possible choice sets. Here everything stored is keyed by the Idempotency-Key itself, which only the
client holds:

- ``key_hash = sha256(scope, key)`` finds the row (scope = endpoint, round or session, caller);
- HKDF-SHA256 (salted per kind of ballot) derives two keys from the Idempotency-Key: one MACs the
  request body (so "same key, other body" is still detected: 422), the other seals the first answer
  with AES-GCM (the key hash is the associated data, so a sealed answer cannot be moved to another row).

Without the Idempotency-Key the row is noise, and the sealed answer is only as strong as the key:
it must be random, at least 128 bits. Ballots require at least 22 characters (16 random bytes in
base64url; a UUID4 is 36). Length is all the service can check: a long key that is not random (a
counter, a timestamp, the voter's code) protects nothing.

Each context keeps its keys in a table of its own (``KeyTable``); the key row is claimed in the
transaction that writes the ballot, so a concurrent request with the same key waits for that
transaction and then replays the committed answer, or claims the key itself if the first rolled back.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any, Awaitable, Callable, Protocol

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.errors import Unprocessable

MIN_KEY_LENGTH = 22  # 16 random bytes in base64url (128 bits); a UUID4 is 36

_NONCE_BYTES = 12


class SealedKey:
    """The keys derived from one Idempotency-Key in one scope. ``salt`` names the kind of ballot and
    must never change once keys are stored under it (a stored answer would no longer unseal)."""

    def __init__(self, key: str, *, scope: str, salt: bytes) -> None:
        if len(key) < MIN_KEY_LENGTH:
            raise Unprocessable(
                f"a ballot's Idempotency-Key seals the receipt and must be unguessable: use at least "
                f"{MIN_KEY_LENGTH} random characters (128 random bits: a UUID4, say)", field="Idempotency-Key",
                slug="weak-idempotency-key")
        raw = key.encode()
        self.key_hash = hashlib.sha256(scope.encode() + b"\n" + raw).hexdigest()
        derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=scope.encode()).derive(raw)
        self._mac_key, self._aead = derived[:32], AESGCM(derived[32:])

    def request_mac(self, body: Any) -> str:
        # A model straight to JSON types: what jsonable_encoder gives for it, without its walk.
        plain = body.model_dump(mode="json", by_alias=True) if isinstance(body, BaseModel) else jsonable_encoder(body)
        canonical = json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._mac_key, canonical.encode(), hashlib.sha256).hexdigest()

    def seal(self, response: Any) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        plain = json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode()
        return nonce + self._aead.encrypt(nonce, plain, self.key_hash.encode())

    def unseal(self, sealed: bytes) -> Any:
        nonce, cipher = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            return json.loads(self._aead.decrypt(nonce, cipher, self.key_hash.encode()))
        except InvalidTag as exc:  # only if the row was tampered with: the MAC matched, so the key is right
            raise RuntimeError("a sealed idempotent answer failed authentication") from exc


class KeyTable(Protocol):
    """A context's table of sealed keys, bound to the round or session the ballot belongs to."""

    async def claim(self, conn: asyncpg.Connection, *, key_hash: str, request_mac: str) -> bool: ...

    async def claimed(self, conn: asyncpg.Connection, key_hash: str) -> asyncpg.Record: ...

    async def seal(self, conn: asyncpg.Connection, *, key_hash: str, status_code: int, sealed: bytes) -> None: ...


async def sealed_idempotent(
    conn: asyncpg.Connection,
    *,
    key: str | None,
    scope: str,
    salt: bytes,
    table: KeyTable,
    body: Any,
    status_code: int,
    run: Callable[[], Awaitable[Any]],
) -> JSONResponse:
    """Run ``run`` once per (scope, key) inside the caller's transaction and answer with its result."""
    if key is None:
        return JSONResponse(jsonable_encoder(await run()), status_code=status_code)
    sealed_key = SealedKey(key, scope=scope, salt=salt)
    mac = sealed_key.request_mac(body)
    if not await table.claim(conn, key_hash=sealed_key.key_hash, request_mac=mac):
        row = await table.claimed(conn, sealed_key.key_hash)
        if not hmac.compare_digest(row["request_mac"], mac):
            raise Unprocessable("this Idempotency-Key was already used with a different request body",
                                field="Idempotency-Key", slug="idempotency-key-reused")
        return JSONResponse(sealed_key.unseal(row["sealed"]), status_code=row["status_code"],
                            headers={"Idempotent-Replayed": "true"})
    result = jsonable_encoder(await run())
    await table.seal(conn, key_hash=sealed_key.key_hash, status_code=status_code, sealed=sealed_key.seal(result))
    return JSONResponse(result, status_code=status_code)
