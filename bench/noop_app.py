"""The baseline for the pipeline benchmark: the real worker's Celery app (the same broker,
acks_late, prefetch, queues and processes) with a consumer that takes the same batches of events
off the queue and does nothing with them."""
from services.notifications.settings import NotificationsSettings
from services.notifications.worker import create_celery

app = create_celery(NotificationsSettings())


@app.task(name="bench.noop_events")
def noop_events(envelopes: list[dict]) -> None:
    return None


@app.task(name="bench.noop_event")
def noop_event(envelope: dict) -> None:
    return None
