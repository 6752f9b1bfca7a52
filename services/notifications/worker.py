"""The notifications service's Celery worker: ``celery -A services.notifications.worker:app worker|beat``.

Queues (``shared.worker`` adds the common reliability settings; a deployment may run dedicated
workers per queue):

- ``events``: ``notifications.handle_event``, one message per outbox event (published by the relays);
- ``notify``: ``notifications.deliver``, one message per e-mail or webhook delivery;
- ``beat``: the periodic jobs below.

Infrastructure errors are retried without a limit and events that cannot be processed are kept in
``failed_events`` (tasks.py). Every task is idempotent (event ids, delivery keys and reminder keys
are unique in the schema), so a message that runs twice does no harm.
"""
from __future__ import annotations

from celery import Celery

from services.notifications.settings import NotificationsSettings
from shared.settings import WorkerSettings
from shared.worker import BeatSchedule, WorkerSpec, create_worker

QUEUES = ("events", "notify", "beat")

ROUTES = {
    "notifications.handle_event": "events",
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


def create_celery(settings: NotificationsSettings | None = None, *, set_as_current: bool = True) -> Celery:
    return create_worker("thidua-notifications", [WORKER], settings, set_as_current=set_as_current)


app = create_celery()
