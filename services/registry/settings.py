from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.settings import REGISTRY_PORT, ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    port: int = REGISTRY_PORT
    # The Ed25519 signing key (PEM). Production mounts a file; the dev stack generates one.
    jwt_private_key_file: Path | None = None
    jwt_private_key_pem: str | None = None
    token_ttl_seconds: int = 900
    # Refresh tokens (grant_type=refresh_token): each lives this long after it is issued, and no
    # chain of rotations outlives refresh_token_max_seconds from the password sign-in.
    refresh_token_ttl_seconds: int = 12 * 3600
    refresh_token_max_seconds: int = 30 * 86400
