"""Every service's worker in one Celery app, for one worker process serving every queue (``make run``,
the tests): ``celery -A deploy.worker:app worker|beat|flower``.

Each service declares its own tasks, queues and beat entries (``services/<name>/worker.py``);
this only puts them together. It runs with the first declaration's settings (notifications',
env prefix ``NOTIFICATIONS_``). docker-compose runs one worker and one beat per service instead.
"""
from __future__ import annotations

from celery import Celery

from services.nominations.worker import WORKER as NOMINATIONS
from services.notifications.worker import WORKER as NOTIFICATIONS
from services.registry.worker import WORKER as REGISTRY
from shared.settings import WorkerSettings
from shared.worker import create_worker

SPECS = (NOTIFICATIONS, NOMINATIONS, REGISTRY)
QUEUES = tuple(q for spec in SPECS for q in spec.queues)


def create_celery(settings: WorkerSettings | None = None, *, set_as_current: bool = True) -> Celery:
    return create_worker("thidua", SPECS, settings, set_as_current=set_as_current)


app = create_celery()
