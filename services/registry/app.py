"""The registry's FastAPI application."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from services.registry.api import auth, clusters, provinces
from services.registry.settings import RegistrySettings
from shared.app import create_app
from shared.auth import (
    TokenIssuer,
    TokenVerifier,
    generate_private_key,
    load_or_create_private_key,
    load_private_key,
)

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


def create_registry_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    issuer = build_issuer(settings)
    # The registry verifies its own tokens with its own public key: no HTTP call to itself.
    verifier = TokenVerifier(jwks_url=None, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                             static_jwks=issuer.jwks())
    app = create_app(settings, title="thidua registry", description=DESCRIPTION, schema=SCHEMA,
                     routers=[provinces.router, clusters.router, auth.router], verifier=verifier)
    app.state.issuer = issuer
    return app
