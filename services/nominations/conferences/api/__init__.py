"""Routers of the conferences context."""
