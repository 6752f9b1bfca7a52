"""ASGI entry point: ``uvicorn services.nominations.main:app``."""
from services.nominations.app import create_nominations_app

app = create_nominations_app()
