"""The nominations service's Celery worker: ``celery -A services.nominations.worker:app worker|beat``.

Queues (``shared.worker`` adds the common reliability settings):

- ``rankings``: ``nominations.recompute_rankings``: after a sheet is submitted, cross-checked or
  reopened (debounced per cluster-year, ``scoring.service.rankings``), on a ministry's request, and
  nightly at 01:30 for every open year;
- ``rounds``: ``nominations.close_due_rounds``: every beat interval, closes the rounds whose
  ``closes_at`` has passed;
- ``movements``: ``nominations.movements_sweep``: hourly (at :10), opens and
  ends the movements' phases by the calendar and reminds unregistered units before a deadline
  (idempotent: a phase moves once, a deadline is reminded once).
"""
from __future__ import annotations

from celery import Celery
from celery.schedules import crontab

from services.nominations.settings import NominationsSettings
from shared.settings import WorkerSettings
from shared.worker import BeatSchedule, WorkerSpec, create_worker

QUEUES = ("rankings", "rounds", "movements")

ROUTES = {
    "nominations.close_due_rounds": "rounds",
    "nominations.recompute_rankings": "rankings",
    "nominations.*ranking*": "rankings",
    "nominations.movements_sweep": "movements",
}


def beat_schedule(settings: WorkerSettings) -> BeatSchedule:
    every = settings.beat_interval_seconds
    return {
        # A periodic message not picked up before the next one is due is dropped, not piled up.
        "nominations.close_due_rounds": {"task": "nominations.close_due_rounds", "schedule": every,
                                         "options": {"queue": "rounds", "expires": every}},
        # Nightly ranking of every open year (no arguments); a run whose inputs are unchanged writes nothing.
        "nominations.recompute_rankings": {"task": "nominations.recompute_rankings",
                                           "schedule": crontab(hour=1, minute=30),
                                           "options": {"queue": "rankings"}},
        # Hourly: a day's phase changes and reminders are late by an hour at most after a missed run.
        "nominations.movements_sweep": {"task": "nominations.movements_sweep", "schedule": crontab(minute=10),
                                        "options": {"queue": "movements", "expires": 3600}},
    }


WORKER = WorkerSpec(
    service="nominations",
    task_modules=("services.nominations.voting.tasks", "services.nominations.scoring.tasks",
                  "services.nominations.movements.tasks"),
    queues=QUEUES,
    routes=ROUTES,
    beat=beat_schedule,
    settings=NominationsSettings,
)


def create_celery(settings: NominationsSettings | None = None, *, set_as_current: bool = True) -> Celery:
    return create_worker("thidua-nominations", [WORKER], settings, set_as_current=set_as_current)


app = create_celery()
