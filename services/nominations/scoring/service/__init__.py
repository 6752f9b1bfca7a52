"""Scoring use cases: ``scores`` (covenants and score sheets) and ``rankings`` (the ranking job,
its triggers and snapshot views)."""
