"""Fixtures for the production-hardening tests: the nominations and notifications services served
beside the registry, webhook receivers and worker settings (the same fixtures their own tests use)."""
from __future__ import annotations

from tests.nominations.commendations.conftest import comm  # noqa: F401
from tests.nominations.conftest import nominations, nominations_settings, vote  # noqa: F401
from tests.notifications.conftest import (  # noqa: F401
    db,
    notifications,
    notifications_settings,
    receivers,
    smtp_server,
    tokens,
    worker_env,
)
