"""ASGI entry point: ``uvicorn services.registry.main:app``."""
from services.registry.app import create_registry_app

app = create_registry_app()
