"""ASGI entry point: ``uvicorn services.console.main:app``."""
from services.console.app import create_console_app

app = create_console_app()
