"""The notifications service's Celery worker: ``celery -A services.notifications.worker:app worker|beat``.

Queues (``shared.worker`` adds the common reliability settings; a deployment may run dedicated
workers per queue):

- ``events``: ``notifications.handle_events``, one message per batch of up to N outbox events
  (published by the relays), and ``notifications.handle_event``, one event (replays of failed
  events, messages published one by one);
- ``notify``: ``notifications.deliver``, one message per e-mail delivery (a webhook delivery found
  there moves to ``webhooks``);
- ``webhooks``: ``notifications.deliver`` for webhook deliveries, on their own queue (and, in
  production, their own workers): a slow receiver holds webhook workers only, and at most
  ``webhook_concurrency_per_receiver`` of them at once;
- ``beat``: the periodic jobs below.

Infrastructure errors are retried without a limit and events that cannot be processed are kept in
``failed_events`` (tasks.py). Every task is idempotent (event ids, delivery keys and reminder keys
are unique in the schema), so a message that runs twice does no harm.
"""
from __future__ import annotations

from celery import Celery

from services.notifications.settings import NotificationsSettings
from shared.production import refuse_unless_safe, shared_problems
from shared.settings import WorkerSettings
from shared.worker import BeatSchedule, WorkerSpec, create_worker

WEBHOOK_QUEUE = "webhooks"
QUEUES = ("events", "notify", WEBHOOK_QUEUE, "beat")

ROUTES = {
    "notifications.handle_event": "events",
    "notifications.handle_events": "events",
    "notifications.deliver": "notify",
    "notifications.send_reminders": "beat",
    "notifications.sweep_deliveries": "beat",
}


def beat_schedule(settings: WorkerSettings) -> BeatSchedule:
    every = settings.beat_interval_seconds
    # A periodic message not picked up before the next one is due is dropped, not piled up.
    options = {"queue": "beat", "expires": every}
    return {
        "notifications.send_reminders": {"task": "notifications.send_reminders", "schedule": every,
                                         "options": options},
        "notifications.sweep_deliveries": {"task": "notifications.sweep_deliveries", "schedule": every,
                                           "options": options},
    }


WORKER = WorkerSpec(
    service="notifications",
    task_modules=("services.notifications.tasks",),
    queues=QUEUES,
    routes=ROUTES,
    beat=beat_schedule,
    settings=NotificationsSettings,
    default_queue="notify",
)


def production_problems(settings: NotificationsSettings) -> list[str]:
    """What a production notifications process (API, worker, beat) refuses to start with."""
    problems = []
    if settings.webhook_allow_private:
        problems.append("the SSRF guard is off (NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE)")
    if not settings.secret_key:
        problems.append("no NOTIFICATIONS_SECRET_KEY to encrypt webhook secrets at rest")
    elif len(settings.secret_key) < 32:
        problems.append("NOTIFICATIONS_SECRET_KEY is shorter than 32 characters")
    return problems


def create_celery(settings: NotificationsSettings | None = None, *, set_as_current: bool = True) -> Celery:
    settings = settings or NotificationsSettings()
    refuse_unless_safe(settings, shared_problems(settings, verifies_remotely=False) + production_problems(settings))
    return create_worker("thidua-notifications", [WORKER], settings, set_as_current=set_as_current)


app = create_celery()
