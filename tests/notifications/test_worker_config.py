"""The Celery apps' contract: queues, routes, reliability settings and the beat schedules.

Each service declares its own worker (services/<name>/worker.py, built by shared.worker);
deploy/worker.py puts them together for one process serving every queue."""
from __future__ import annotations

import pytest
import redis as redis_sync

from deploy.worker import QUEUES, create_celery
from services.nominations import worker as nominations_worker
from services.nominations.settings import NominationsSettings
from services.notifications import worker as notifications_worker
from services.notifications.settings import NotificationsSettings
from shared.broker import TRANSPORT
from shared.worker import WorkerSpec, create_worker, queues_of

OFFLINE = "redis://127.0.0.1:1/0"  # never contacted


def test_reliability_settings_and_beat_schedule():
    settings = NotificationsSettings(redis_url=OFFLINE)
    conf = create_celery(settings, set_as_current=False).conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    # Redis must not hand a running task (or a waiting retry) to a second worker.
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility > conf.task_time_limit > conf.task_soft_time_limit
    assert visibility > settings.retry_max_seconds
    # A worker killed while restoring others' messages must not hold the restore lock for long.
    options = conf.broker_transport_options
    assert options["unacked_restore_interval"] < options["unacked_mutex_expire"] <= 60
    assert conf.broker_transport == TRANSPORT  # kombu's Redis transport minus its crash on a lost broker
    schedule = conf.beat_schedule
    for name in ("notifications.send_reminders", "notifications.sweep_deliveries"):
        assert schedule[name]["schedule"] == 60 and schedule[name]["options"]["queue"] == "beat"
    assert schedule["nominations.close_due_rounds"]["schedule"] == 60
    assert schedule["nominations.close_due_rounds"]["options"]["queue"] == "rounds"
    # Every scheduled task goes to a queue the worker consumes.
    assert {entry["options"]["queue"] for entry in schedule.values()} <= set(QUEUES)


def test_each_task_lands_in_its_own_queue_only(redis_url):
    app = create_celery(NotificationsSettings(redis_url=redis_url), set_as_current=False)
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.amqp.queues.values():  # what a worker consuming every queue declares
            queue(channel).declare()
        for task in ("notifications.handle_event", "notifications.deliver", "notifications.send_reminders",
                     "nominations.recompute_rankings", "nominations.close_due_rounds", "nominations.movements_sweep",
                     "registry.handle_events"):
            app.send_task(task, args=[], connection=conn)
    client = redis_sync.Redis.from_url(redis_url)
    try:
        assert {q: client.llen(q) for q in QUEUES} == {"events": 1, "notify": 1, "webhooks": 0, "beat": 1, "rankings": 1,
                                                       "rounds": 1, "movements": 1, "registry": 1}
    finally:
        client.close()
    app.close()


def test_each_service_declares_its_own_queues_routes_and_beat():
    notifications = notifications_worker.create_celery(NotificationsSettings(redis_url=OFFLINE), set_as_current=False)
    nominations = nominations_worker.create_celery(NominationsSettings(redis_url=OFFLINE), set_as_current=False)
    assert queues_of(notifications) == ("events", "notify", "webhooks", "beat")
    assert queues_of(nominations) == ("rankings", "rounds", "movements")
    # Routes and beat entries name only the service's own tasks and queues.
    for app, service in ((notifications, "notifications"), (nominations, "nominations")):
        assert all(task.startswith(f"{service}.") for task in app.conf.task_routes)
        assert {r["queue"] for r in app.conf.task_routes.values()} <= set(queues_of(app))
        assert app.conf.beat_schedule and all(e["task"].startswith(f"{service}.")
                                              for e in app.conf.beat_schedule.values())
    # Nominations schedules its own jobs; notifications no longer knows them.
    assert set(nominations.conf.beat_schedule) == {"nominations.close_due_rounds", "nominations.recompute_rankings",
                                                   "nominations.movements_sweep"}
    assert not any(name.startswith("nominations.") for name in notifications.conf.beat_schedule)
    assert "nominations.close_due_rounds" not in notifications.conf.task_routes
    # Each loads only its own task modules; the combined app loads both.
    assert notifications_worker.WORKER.task_modules == ("services.notifications.tasks",)
    assert all(m.startswith("services.nominations.") for m in nominations_worker.WORKER.task_modules)
    # The same reliability settings for every worker.
    for key in ("task_acks_late", "task_reject_on_worker_lost", "task_acks_on_timeout", "worker_prefetch_multiplier",
                "task_serializer", "task_ignore_result"):
        assert notifications.conf[key] == nominations.conf[key]
    notifications.close()
    nominations.close()


def test_a_worker_refuses_another_services_tasks_or_a_shared_queue():
    stray = WorkerSpec(service="nominations", task_modules=(), queues=("rounds",),
                       routes={"notifications.deliver": "rounds"})
    with pytest.raises(ValueError, match="only nominations"):
        create_worker("x", [stray], NominationsSettings(redis_url=OFFLINE), set_as_current=False)
    with pytest.raises(ValueError, match="does not consume"):
        create_worker("x", [WorkerSpec(service="nominations", task_modules=(), queues=("rounds",),
                                       routes={"nominations.x": "elsewhere"})],
                      NominationsSettings(redis_url=OFFLINE), set_as_current=False)
    twice = WorkerSpec(service="registry", task_modules=(), queues=("beat",), routes={})
    with pytest.raises(ValueError, match="two services"):
        create_worker("x", [notifications_worker.WORKER, twice], NotificationsSettings(redis_url=OFFLINE),
                      set_as_current=False)
