"""Scoring use cases: ``scores`` (covenants and score sheets) and ``rankings`` (the recompute job,
its triggers, the snapshots). Who may do what is decided by ``scoring.domain.policy``."""
from __future__ import annotations

from services.nominations.registry_client import Registry

__all__ = ["Registry"]
