"""The baseline for the pipeline benchmark: the same Celery app configuration as the real worker
(broker, acks_late, prefetch, queues) running a task that does nothing."""
from services.notifications.settings import NotificationsSettings
from services.notifications.worker import create_celery

app = create_celery(NotificationsSettings())


@app.task(name="bench.noop")
def noop(envelope: dict) -> None:
    return None
