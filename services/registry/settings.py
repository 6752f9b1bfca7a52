from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
    # Sign-in throttling (Redis, services/registry/throttle.py). Every attempt counts against its
    # client address, per window.
    signin_address_attempts: int = 30
    signin_address_window_seconds: int = 60
    # Failures per (account, address), and per account from addresses it never signed in from:
    # after the free ones each doubles the wait before the next attempt (base, up to max seconds);
    # forgotten after signin_failure_memory_seconds without one. An address an account signed in
    # from is known for signin_known_address_days and skips the account-wide wait.
    signin_pair_free_failures: int = Field(3, ge=0)
    signin_account_free_failures: int = Field(10, ge=0)
    signin_delay_base_seconds: float = Field(2.0, gt=0)
    signin_delay_max_seconds: float = Field(900.0, gt=0)
    signin_failure_memory_seconds: int = Field(86400, gt=0)
    signin_known_address_days: int = Field(90, gt=0)
    # argon2 verifications allowed per window across every replica (the CPU it buys), and the share
    # of it attempts from unknown addresses may take (the rest waits for owners at known ones).
    signin_hash_budget: int = Field(20, gt=0)
    signin_hash_budget_window_seconds: int = Field(1, gt=0)
    signin_unknown_hash_share: float = Field(0.75, gt=0, le=1)
    # A one-time setup code (a new account's first password, a reset) works this long.
    setup_code_ttl_seconds: int = Field(3 * 86400, gt=0)
    # How often the token-version floors are re-published to Redis (repairs a write lost to an outage).
    token_floor_publish_seconds: float = 60.0
