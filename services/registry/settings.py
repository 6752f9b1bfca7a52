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
    # A merger takes effect within this many days of today (Vietnam's), before or after.
    merger_window_days: int = 731
    # Refresh tokens (grant_type=refresh_token): each lives this long after it is issued, and no
    # chain of rotations outlives refresh_token_max_seconds from the password sign-in.
    refresh_token_ttl_seconds: int = 12 * 3600
    refresh_token_max_seconds: int = 30 * 86400
    # argon2id cost of new password hashes (argon2-cffi's defaults; raise with the hardware).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    # Password policy: length, and zxcvbn's score (0-4) a new password must reach.
    password_min_length: int = 12
    password_min_score: int = 3
    # Sign-in throttling (Redis): failures per account, attempts per client address, per window.
    signin_account_failures: int = 5
    signin_account_window_seconds: int = 900
    signin_address_attempts: int = 30
    signin_address_window_seconds: int = 60
    # How often the token-version floors are re-published to Redis (repairs a write lost to an outage).
    token_floor_publish_seconds: float = 60.0
