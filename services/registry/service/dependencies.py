"""The registry's collaborators as route dependencies (built once per app, in ``app.py``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.registry.settings import RegistrySettings
from shared.auth import TokenIssuer


async def get_settings(request: Request) -> RegistrySettings:
    settings: RegistrySettings = request.app.state.settings
    return settings


async def get_issuer(request: Request) -> TokenIssuer:
    issuer: TokenIssuer = request.app.state.issuer
    return issuer


async def get_idempotency_secret(request: Request) -> bytes:
    secret: bytes = request.app.state.idempotency_secret
    return secret


Settings = Annotated[RegistrySettings, Depends(get_settings)]
Issuer = Annotated[TokenIssuer, Depends(get_issuer)]
# A server secret for keyed request digests (requests that carry a password).
IdempotencySecret = Annotated[bytes, Depends(get_idempotency_secret)]
