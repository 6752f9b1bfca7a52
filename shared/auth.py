"""JWT (EdDSA / Ed25519) issuing and verification.

The registry signs short-lived tokens with its private key and publishes the public half at
``/.well-known/jwks.json``; every other service verifies locally with the cached JWKS and refetches
only when it meets an unknown key id.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt.algorithms import OKPAlgorithm

from shared.errors import Forbidden, Unauthorized, Unavailable
from shared.http_clients import tls_context
from shared.revocation import TokenFloors

ROLES = ("ministry", "province", "service", "staff", "unit")
#: The organiser the ``ministry`` role is the staff of (the Ministry of Home Affairs).
MINISTRY_ORGANISER = "BNV"
log = logging.getLogger("thidua.auth")
ALGORITHM = "EdDSA"
VERIFIED_CACHED = 10_000  # verified tokens remembered per process (TokenVerifier.verify)


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    province: str | None = None
    # The token's expiry (unix seconds): a long-lived answer such as an SSE stream ends there.
    expires_at: int | None = None
    # A ``staff`` account's organiser (its emulation office); a ``unit`` account's unit code.
    organiser: str | None = None
    unit_code: str | None = None

    @property
    def staff_of(self) -> str | None:
        """The organiser whose emulation office the caller is: the ministry's staff are BNV's."""
        if self.role == "ministry":
            return MINISTRY_ORGANISER
        return self.organiser if self.role == "staff" else None

    @property
    def unit(self) -> str | None:
        """The unit the caller acts for: a province account's province, a unit account's unit."""
        if self.role == "province":
            return self.province
        return self.unit_code if self.role == "unit" else None

    @property
    def is_unit(self) -> bool:
        """A member's account (a province's or any other unit's)."""
        return self.role in ("province", "unit") and self.unit is not None

    @property
    def is_ministry(self) -> bool:
        return self.role == "ministry"

    @property
    def is_service(self) -> bool:
        return self.role == "service"

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            raise role_refused(self.role, *roles)

    def require_province(self, code: str) -> None:
        """The caller acts for province ``code`` (ministry staff act for none)."""
        if self.role != "province" or self.province != code:
            raise Forbidden(f"only the account of province {code} may do this")


def role_refused(role: str, *roles: str) -> Forbidden:
    """The 403 a service raises when its policy refuses a caller for its role."""
    return Forbidden(f"this action needs the role {' or '.join(roles)}; the caller is {role}")


def unit_of(actor: Any) -> str | None:
    """The unit an actor acts for (a province account's province, a unit account's unit), for
    any object with ``role`` and ``province`` (a rule's test double may have no more)."""
    role = getattr(actor, "role", None)
    if role == "province":
        province: str | None = getattr(actor, "province", None)
        return province
    if role == "unit":
        unit: str | None = getattr(actor, "unit_code", None)
        return unit
    return None


def is_unit(actor: Any) -> bool:
    """A member's account: a province's or any other unit's."""
    return unit_of(actor) is not None


def office_of(actor: Any) -> str | None:
    """The organiser whose emulation office an actor is (the ministry's staff are BNV's)."""
    role = getattr(actor, "role", None)
    if role == "ministry":
        return MINISTRY_ORGANISER
    if role == "staff":
        organiser: str | None = getattr(actor, "organiser", None)
        return organiser
    return None


# ---------------------------------------------------------------- keys

def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be Ed25519")
    return key


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return load_private_key(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_private_key()
    path.write_bytes(private_key_pem(key))
    path.chmod(0o600)
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return uuid.uuid5(uuid.NAMESPACE_OID, raw.hex()).hex[:16]


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, Any]:
    jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
    jwk.update({"kid": key_id(public_key), "alg": ALGORITHM, "use": "sig"})
    return jwk


class TokenIssuer:
    def __init__(self, private_key: Ed25519PrivateKey, *, issuer: str, audience: str, ttl_seconds: int):
        self.private_key = private_key
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        self.kid = key_id(private_key.public_key())

    def issue(self, *, subject: str, role: str, province: str | None, ttl_seconds: int | None = None,
              version: int = 0, organiser: str | None = None, unit: str | None = None) -> tuple[str, int]:
        ttl = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "sub": subject, "role": role,
                  "iat": now, "nbf": now, "exp": now + ttl, "jti": uuid.uuid4().hex, "ver": version}
        if province is not None:
            claims["province"] = province
        if organiser is not None:
            claims["organiser"] = organiser
        if unit is not None:
            claims["unit"] = unit
        token = jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})
        return token, ttl

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.private_key.public_key())]}


# ---------------------------------------------------------------- verification

class TokenVerifier:
    def __init__(self, *, jwks_url: str | None, issuer: str, audience: str,
                 static_jwks: dict[str, Any] | None = None, refresh_interval: float = 60.0,
                 leeway: int = 30, redis: Any = None):
        self.jwks_url = jwks_url
        self.leeway = leeway
        # Token-version floors (shared.revocation) read from Redis; None skips the check.
        self.floors = TokenFloors(redis) if redis is not None else None
        self.issuer = issuer
        self.audience = audience
        self.refresh_interval = refresh_interval
        self._keys: dict[str, Any] = {}
        # Tokens already verified, with their version claim: a client sends the same token with
        # every request, and checking its signature again each time is most of a request's CPU.
        # An entry lives at most as long as the keys it was checked with (refresh_interval) and
        # never past the token's expiry; the revocation floor is checked on every request.
        self._verified: OrderedDict[str, tuple[Principal, Any, float]] = OrderedDict()
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        if static_jwks:
            self._load(static_jwks)
            self._fetched_at = float("inf")

    def _load(self, jwks: dict[str, Any]) -> None:
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks.get("keys", []) if "kid" in k}
        self._verified.clear()  # checked with keys that may be gone now

    def _stale(self) -> bool:
        return time.monotonic() - self._fetched_at >= self.refresh_interval

    async def _refresh(self, *, unknown_kid: bool) -> None:
        """Fetch the JWKS when the cache is empty or stale, or (at most once a second) when a token
        names a key we do not know: the registry may have rotated its key. A stale cache is
        refetched on a timer too, so a key the registry withdrew stops verifying everywhere."""
        async with self._lock:
            if not self.jwks_url:
                return
            if self._keys and not self._stale() and (not unknown_kid or time.monotonic() - self._fetched_at < 1.0):
                return  # fresh enough, or someone just fetched: don't hammer the registry
            try:
                async with httpx.AsyncClient(timeout=5, verify=tls_context()) as client:
                    resp = await client.get(self.jwks_url)
                    resp.raise_for_status()
                self._load(resp.json())
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                if not self._keys:
                    raise Unavailable(f"cannot fetch signing keys from the registry: {exc!r}") from exc
                # The registry is briefly away: keep verifying with the keys we have.
                log.warning("jwks refresh failed; using cached keys", extra={"fields": {"error": repr(exc)}})
            self._fetched_at = time.monotonic()

    async def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            principal, version, until = cached
            if time.monotonic() < until and time.time() <= principal.expires_at + self.leeway and not self._stale():  # type: ignore[operator]
                await self._check_floor(principal.subject, version)
                return principal
            del self._verified[token]
        principal, version = await self._verify(token)
        self._verified[token] = (principal, version, time.monotonic() + min(self.refresh_interval, 60.0))
        if len(self._verified) > VERIFIED_CACHED:
            self._verified.popitem(last=False)
        return principal

    async def _check_floor(self, subject: str, version: Any) -> None:
        if self.floors is not None:
            if not isinstance(version, int) or version < await self.floors.floor(subject):
                raise Unauthorized("this token was revoked (account disabled or password changed)",
                                   slug="token-revoked")

    async def _verify(self, token: str) -> tuple[Principal, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"malformed token: {exc}") from exc
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("token algorithm not accepted")
        kid = header.get("kid")
        if kid not in self._keys or self._stale():
            await self._refresh(unknown_kid=kid not in self._keys)
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise Unauthorized("token signed by an unknown key")
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=self.audience,
                                issuer=self.issuer, leeway=self.leeway,
                                options={"require": ["exp", "iat", "sub", "role"]})
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired", slug="token-expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        role = claims.get("role")
        if role not in ROLES:
            raise Unauthorized("token carries an unknown role")
        version = claims.get("ver", 0)
        await self._check_floor(claims["sub"], version)
        return Principal(subject=claims["sub"], role=role, province=claims.get("province"),
                         expires_at=int(claims["exp"]), organiser=claims.get("organiser"),
                         unit_code=claims.get("unit")), version


_bearer = HTTPBearer(auto_error=False, description="JWT from the registry's POST /v1/auth/token")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send a bearer token from POST /v1/auth/token")
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


class _BearerPrincipal(HTTPBearer):
    """The bearer scheme and :func:`current_principal` as one dependency: every authenticated
    request resolves it, and each level of dependencies costs FastAPI a pass of its own. Documented
    exactly as ``_bearer`` (same scheme name and description)."""

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        credentials = await super().__call__(request)
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthorized("send a bearer token from POST /v1/auth/token")
        verifier: TokenVerifier = request.app.state.verifier
        return await verifier.verify(credentials.credentials)


# The dependency behind CurrentPrincipal (a route's fast path calls it as the dependency would).
bearer_principal = _BearerPrincipal(auto_error=False, scheme_name="HTTPBearer",
                                    description="JWT from the registry's POST /v1/auth/token")

CurrentPrincipal = Annotated[Principal, Depends(bearer_principal)]

_optional_bearer = HTTPBearer(auto_error=False,
                              description="Optional: JWT from the registry's POST /v1/auth/token")


async def optional_principal(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)]) -> Principal | None:
    """The caller when it sent a token (then it must be valid), None for the public (public reads)."""
    if credentials is None:
        return None
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def maybe_principal(request: Request) -> Principal | None:
    """:func:`optional_principal` resolved as FastAPI resolves it (its bearer scheme first), for a
    route's fast path (``shared.app.fast_path``)."""
    return await optional_principal(request, await _optional_bearer(request))


async def get_verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


# The app's token verifier (a route that checks a token it did not get as a bearer header).
Verifier = Annotated[TokenVerifier, Depends(get_verifier)]
