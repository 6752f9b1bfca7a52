"""The Celery app's contract: queues, routes, reliability settings and the beat schedule."""
from __future__ import annotations

import redis as redis_sync

from services.notifications.settings import NotificationsSettings
from services.notifications.worker import QUEUES, create_celery


def test_reliability_settings_and_beat_schedule():
    settings = NotificationsSettings(redis_url="redis://127.0.0.1:1/0")  # never contacted
    conf = create_celery(settings, set_as_current=False).conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    # Redis must not hand a running task (or a waiting retry) to a second worker.
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility > conf.task_time_limit > conf.task_soft_time_limit
    assert visibility > settings.retry_max_seconds
    schedule = conf.beat_schedule
    for name in ("notifications.send_reminders", "notifications.sweep_deliveries", "nominations.close_due_rounds"):
        assert schedule[name]["schedule"] == 60 and schedule[name]["options"]["queue"] == "beat"
    # Every scheduled task goes to a queue the worker consumes.
    assert {entry["options"]["queue"] for entry in schedule.values()} <= set(QUEUES)


def test_each_task_lands_in_its_own_queue_only(redis_url):
    app = create_celery(NotificationsSettings(redis_url=redis_url), set_as_current=False)
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.amqp.queues.values():  # what a worker consuming every queue declares
            queue(channel).declare()
        for task in ("notifications.handle_event", "notifications.deliver", "notifications.send_reminders",
                     "nominations.recompute_rankings"):
            app.send_task(task, args=[], connection=conn)
    client = redis_sync.Redis.from_url(redis_url)
    try:
        assert {q: client.llen(q) for q in QUEUES} == {"events": 1, "notify": 1, "webhooks": 0,
                                                          "beat": 1, "rankings": 1}
    finally:
        client.close()
    app.close()
