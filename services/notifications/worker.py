"""The one Celery app of thidua: ``celery -A services.notifications.worker:app worker|beat|flower``.

Queues (a worker started with ``-Q events,notify,rankings,beat`` serves them all; a deployment
may run dedicated workers per queue):

- ``events``: ``notifications.handle_event``, one message per outbox event (published by the relays);
- ``notify``: ``notifications.deliver``, one message per e-mail or webhook delivery;
- ``rankings``: ranking recomputation owned by the nominations service;
- ``beat``: the periodic jobs below.

Reliability: messages are acknowledged after the task ran (``acks_late``) and put back if the
worker process dies (``reject_on_worker_lost``) or is killed at the hard time limit
(``acks_on_timeout=False``); infrastructure errors are retried without a limit and events that
cannot be processed are kept in ``failed_events`` (tasks.py). Redis hands an unacknowledged
message to another worker only after the visibility timeout, which is longer than any task time
limit and any retry delay. Every task is idempotent (event ids, delivery keys and reminder keys are unique in the
schema), so a message that runs twice does no harm.
"""
from __future__ import annotations

import importlib.util
import logging

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging
from kombu import Exchange, Queue

from services.notifications.settings import NotificationsSettings
from shared.logs import configure_logging

QUEUES = ("events", "notify", "rankings", "beat")

TASK_ROUTES = {
    "notifications.handle_event": {"queue": "events"},
    "notifications.deliver": {"queue": "notify"},
    "notifications.send_reminders": {"queue": "beat"},
    "notifications.sweep_deliveries": {"queue": "beat"},
    "nominations.close_due_rounds": {"queue": "beat"},
    "nominations.recompute_rankings": {"queue": "rankings"},
    "nominations.*ranking*": {"queue": "rankings"},
}

# Modules whose tasks this worker runs. Other services own theirs (each task touches only its own
# service's schema); a module that does not exist yet is skipped rather than failing start-up.
TASK_MODULES = ("services.notifications.tasks", "services.nominations.voting.tasks",
                "services.nominations.scoring.tasks")


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def beat_schedule(settings: NotificationsSettings) -> dict:
    every = settings.beat_interval_seconds
    # A periodic message not picked up before the next one is due is dropped, not piled up.
    options = {"queue": "beat", "expires": every}
    return {
        "notifications.send_reminders": {"task": "notifications.send_reminders", "schedule": every,
                                         "options": options},
        "notifications.sweep_deliveries": {"task": "notifications.sweep_deliveries", "schedule": every,
                                           "options": options},
        "nominations.close_due_rounds": {"task": "nominations.close_due_rounds", "schedule": every,
                                         "options": options},
        # Nightly ranking recomputation of every open year (no arguments), owned by services/nominations;
        # a run whose inputs are unchanged writes nothing.
        "nominations.recompute_rankings": {"task": "nominations.recompute_rankings",
                                           "schedule": crontab(hour=1, minute=30),
                                           "options": {"queue": "rankings"}},
    }


def create_celery(settings: NotificationsSettings, *, set_as_current: bool = True) -> Celery:
    app = Celery("thidua", broker=settings.redis_url, include=[m for m in TASK_MODULES if _present(m)],
                 set_as_current=set_as_current)
    app.conf.update(
        # One direct exchange per queue, named like it (what the outbox relays' publishers declare).
        # A bare Queue(name) would bind all four to the default exchange with one routing key, so
        # anything publishing through that exchange would reach every queue.
        task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES],
        task_default_queue="notify",
        task_routes=TASK_ROUTES,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # tasks record their effects in PostgreSQL; no result backend
        # At-least-once execution: ack after the run, requeue when the worker process dies.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # A task that fails (raises, as opposed to retrying) is acknowledged: by then nothing depends
        # on its message (handle_event records what it cannot process in failed_events and retries
        # infrastructure errors without a limit; deliveries and beat work live in PostgreSQL).
        # A task killed at the hard time limit is put back in its queue instead: it did not get to
        # decide, and every task is idempotent. (The soft limit, and the tasks' own timeout before
        # it, normally end a slow run first, as a retry with backoff.)
        task_acks_on_failure=True,
        task_acks_on_timeout=False,
        # Tasks are short; one message at a time per process keeps the others for other workers.
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout,
            "unacked_restore_interval": settings.broker_restore_interval,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": 5,
            "socket_timeout": 30,
            "health_check_interval": 25,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # Let Flower show every task.
        worker_send_task_events=True,
        task_send_sent_event=True,
        timezone="Asia/Ho_Chi_Minh",
        enable_utc=True,
        beat_schedule=beat_schedule(settings),
    )
    app.thidua_settings = settings
    return app


@setup_logging.connect
def _json_logs(loglevel=None, **_) -> None:
    # The same one-JSON-object-per-line logs as the HTTP services (with the task fields).
    level = logging.getLevelName(loglevel) if isinstance(loglevel, int) else (loglevel or "INFO")
    configure_logging("notifications-worker", level)


app = create_celery(NotificationsSettings())
