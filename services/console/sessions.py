"""Console sessions, kept in Redis under a hash of their id.

The browser holds only an opaque random id in an HttpOnly cookie. Redis holds, per session, the
user's access and refresh tokens (never sent to the browser), sealed (AES-GCM, shared.secretbox)
with a key made of the console's session secret and the session's id, which Redis does not hold
(its key is a hash of the id): a copy of Redis alone opens no token, the CSRF token that every form of the
session carries, and when the session began. A visitor who has not signed in gets an anonymous
session the first time a page shows them a form (the sign-in form too has a CSRF token); signing in
always starts a new session id.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis.asyncio as aioredis
from cryptography.exceptions import InvalidTag

from shared.secretbox import SecretBox

COOKIE = "thidua_session"
# Production's name: a __Host- cookie is Secure, has path / and no Domain, so no other host of the
# site can set or shadow it.
HOST_COOKIE = "__Host-thidua_session"
SEALED = ("access_token", "refresh_token")
PREFIX = "console:session:"


def new_secret() -> str:
    """32 random bytes, URL-safe: 43 characters."""
    return secrets.token_urlsafe(32)


def _key(session_id: str) -> str:
    # Only a hash of the id is stored, so a Redis dump holds no usable cookie.
    return PREFIX + hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class Session:
    id: str
    csrf: str
    created_at: float
    username: str | None = None
    role: str | None = None
    province: str | None = None
    # A staff account's organiser (its emulation office); a unit account signs in as its unit,
    # with the province pages (role "province", ``province`` its unit code).
    organiser: str | None = None
    # Who the pages greet: the person's name (when the account names one) and the unit's name.
    display_name: str | None = None
    unit_name: str | None = None
    access_token: str | None = None
    access_expires_at: float = 0.0
    refresh_token: str | None = None
    # One-shot messages shown on the next page (e.g. "signed out").
    flash: list[dict[str, Any]] = field(default_factory=list)
    # A page a form's POST rendered, kept for the GET it redirects to (post/redirect/get), shown
    # once: {"at": path, "html": ..., "status": ..., "until": epoch seconds}. See web.show_again.
    page: dict[str, Any] | None = None

    @property
    def signed_in(self) -> bool:
        return self.username is not None and self.access_token is not None

    def data(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("id")
        return values


class SessionStore:
    def __init__(self, redis: aioredis.Redis, *, idle_seconds: int, max_seconds: int, secret: str):
        self.redis = redis
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._secret = secret

    def _box(self, session_id: str) -> SecretBox:
        return SecretBox(f"{self._secret}\0{session_id}", purpose="console-session-tokens")

    async def load(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        raw = await self.redis.get(_key(session_id))
        if raw is None:
            return None
        values = json.loads(raw)
        box = self._box(session_id)
        try:
            for name in SEALED:
                if values.get(name):
                    values[name] = box.open(values[name])
        except (InvalidTag, ValueError):
            return None  # sealed with another secret (rotated): the user signs in again
        session = Session(id=session_id, **values)
        if time.time() - session.created_at > self.max_seconds:
            await self.delete(session_id)
            return None
        return session

    async def save(self, session: Session) -> None:
        remaining = self.max_seconds - (time.time() - session.created_at)
        ttl = max(1, int(min(self.idle_seconds, remaining)))
        values = session.data()
        box = self._box(session.id)
        for name in SEALED:
            if values.get(name):
                values[name] = box.seal(values[name])
        await self.redis.set(_key(session.id), json.dumps(values), ex=ttl)

    async def create(self, **values: Any) -> Session:
        session = Session(id=new_secret(), csrf=new_secret(), created_at=time.time(), **values)
        await self.save(session)
        return session

    async def delete(self, session_id: str) -> None:
        await self.redis.delete(_key(session_id))

    def lock(self, session_id: str, *, timeout: float = 15.0) -> Any:
        """Serialise token refreshes of one session: two parallel requests must not both spend the
        same refresh token (the registry would take the second for a stolen token's reuse)."""
        return self.redis.lock(_key(session_id) + ":refresh", timeout=timeout, blocking_timeout=timeout)
