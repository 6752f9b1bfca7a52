"""Fixtures for the production-hardening tests: the nominations and notifications services served
beside the registry (the same fixtures their own tests use)."""
from __future__ import annotations

from tests.nominations.conftest import nominations, nominations_settings, vote  # noqa: F401
