"""ASGI entry point: ``uvicorn services.notifications.main:app``."""
from services.notifications.app import create_notifications_app

app = create_notifications_app()
