"""Celery tasks owned by the nominations service (loaded by the notifications worker).

Tasks take ids, reload state, are idempotent, and touch only the ``nominations`` schema.
"""
