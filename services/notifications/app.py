"""The notifications service's FastAPI application (the Celery side is in worker.py and tasks.py).

Jobs it sends after a commit (a delivery retried, an event replayed) go through ``app.state.jobs``
(``shared.jobs``)."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from services.notifications.api import deliveries, events, inbox, subscriptions
from services.notifications.live import InboxHub
from services.notifications.settings import NotificationsSettings
from shared.app import create_app
from shared.logs import log_fields
from shared.production import refuse_unless_safe

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = "notifications"
log = logging.getLogger("thidua.notifications")

DESCRIPTION = """Every event the registry and nominations services emit reaches the right people: an in-app
inbox (with a server-sent event stream), e-mail and signed webhooks, in Vietnamese or English, plus
vote reminders before a round closes. Celery workers do the work; this API is the inbox,
the subscriptions, the delivery operations and the events the worker could not process (replayable).

Every call needs a bearer token from the registry's `POST /v1/auth/token`: a province account reads
its province's inbox, a ministry account the ministry's. Errors are RFC 9457 problem+json."""


def create_notifications_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    from services.notifications.worker import production_problems

    refuse_unless_safe(settings, production_problems(settings))

    async def start(app: FastAPI) -> None:
        # Webhook secrets saved before encryption at rest are sealed now (every replica may do it:
        # sealed ones are left alone).
        from services.notifications.store import subscriptions as subscription_store
        from shared.secretbox import SecretBox

        box = SecretBox(settings.secret_box_key, purpose="webhook-secret")
        async with app.state.db.transaction() as conn:
            sealed = await subscription_store.seal_clear_secrets(conn, box.seal)
        if sealed:
            log_fields(log, "webhook secrets encrypted at rest", rows=sealed)
        app.state.inbox_hub = InboxHub(settings.database_url)
        await app.state.inbox_hub.start()

    async def stop(app: FastAPI) -> None:
        await app.state.inbox_hub.stop()

    return create_app(settings, title="thidua notifications", description=DESCRIPTION, schema=SCHEMA,
                      routers=[inbox.router, subscriptions.router, deliveries.router, events.router],
                      on_startup=[start], on_shutdown=[stop])
