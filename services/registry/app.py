"""The registry's FastAPI application."""
from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI

from services.registry import demo, passwords
from services.registry.api import auth, clusters, credentials, organisers, provinces
from services.registry.service import signin
from services.registry.settings import RegistrySettings
from services.registry.store import accounts as account_store
from shared.app import create_app
from shared.auth import TokenIssuer, TokenVerifier, generate_private_key, load_or_create_private_key, load_private_key
from shared.production import refuse_unless_safe
from shared.revocation import TokenFloors

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = "registry"
log = logging.getLogger("thidua.registry")

DESCRIPTION = """Provinces with their history across the 2025 merger, emulation clusters (cụm/khối thi đua),
their members per year, leadership rotation, accounts and tokens.

Reads are public; writes need a bearer token from `POST /v1/auth/token`. Errors are RFC 9457
problem+json. Writes a client may retry accept an `Idempotency-Key` header."""


def build_issuer(settings: RegistrySettings) -> TokenIssuer:
    if settings.jwt_private_key_pem:
        key = load_private_key(settings.jwt_private_key_pem.encode())
    elif settings.jwt_private_key_file:
        key = load_or_create_private_key(settings.jwt_private_key_file) if settings.demo \
            else load_private_key(Path(settings.jwt_private_key_file).read_bytes())
    elif settings.demo:
        log.warning("no signing key configured: using a throw-away key (demo mode only)")
        key = generate_private_key()
    else:
        raise RuntimeError("REGISTRY_JWT_PRIVATE_KEY_FILE or REGISTRY_JWT_PRIVATE_KEY_PEM must be set")
    return TokenIssuer(key, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                       ttl_seconds=settings.token_ttl_seconds)


def key_problems(settings: RegistrySettings) -> list[str]:
    """A production registry signs with a key the operator provides (never one generated here)."""
    if settings.jwt_private_key_pem:
        return []
    if not settings.jwt_private_key_file:
        return ["no signing key: mount one at REGISTRY_JWT_PRIVATE_KEY_FILE"]
    if not Path(settings.jwt_private_key_file).exists():
        return [f"the signing key {settings.jwt_private_key_file} does not exist (it is never generated "
                "in production)"]
    return []


async def demo_account_problems(app: FastAPI) -> list[str]:
    """Accounts the demo seed made, or demo names whose password is still the demo one."""
    async with app.state.db.connection() as conn:
        rows = await account_store.demo_candidates(conn, [name for name, _, _ in demo.demo_accounts()])
    found = [r["username"] for r in rows
             if r["demo"] or await passwords.verify_password(r["password_hash"], demo.DEMO_PASSWORD)]
    if found:
        return [f"demo accounts are present and active ({', '.join(sorted(found))}): disable them "
                "(POST /v1/accounts/{username}/disable) or drop the demo database"]
    return []


async def _publish_floors_forever(app: FastAPI, every: float) -> None:
    while True:
        try:
            await signin.republish_floors(db=app.state.db, redis=app.state.redis)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - Redis or PostgreSQL away: next time
            log.warning("token floors not published", extra={"fields": {"error": type(exc).__name__}})
        await asyncio.sleep(every)


async def _start(app: FastAPI) -> None:
    settings: RegistrySettings = app.state.settings
    if settings.production:
        refuse_unless_safe(settings, key_problems(settings) + await demo_account_problems(app))
    # The registry's own verifier honours disabled accounts too.
    app.state.verifier.floors = TokenFloors(app.state.redis)
    app.state.floor_publisher = asyncio.create_task(
        _publish_floors_forever(app, settings.token_floor_publish_seconds), name="registry-token-floors")


async def _stop(app: FastAPI) -> None:
    task = getattr(app.state, "floor_publisher", None)
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def idempotency_secret(issuer: TokenIssuer) -> bytes:
    """A server secret for keyed request digests, derived from the signing key (no extra setting)."""
    raw = issuer.private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                           serialization.NoEncryption())
    return hashlib.sha256(b"thidua idempotency digest\0" + raw).digest()


def create_registry_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    if settings.production:
        refuse_unless_safe(settings, key_problems(settings))
    passwords.configure(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
                        parallelism=settings.argon2_parallelism)
    issuer = build_issuer(settings)
    # The registry verifies its own tokens with its own public key: no HTTP call to itself.
    verifier = TokenVerifier(jwks_url=None, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                             static_jwks=issuer.jwks(), leeway=settings.jwt_leeway_seconds)
    app = create_app(settings, title="thidua registry", description=DESCRIPTION, schema=SCHEMA,
                     routers=[provinces.router, organisers.router, clusters.router, auth.router, credentials.router],
                     verifier=verifier, on_startup=[_start], on_shutdown=[_stop])
    app.state.issuer = issuer
    app.state.idempotency_secret = idempotency_secret(issuer)
    return app
