"""Nominations service: covenants, scoring, rankings and secret-ballot flag votes."""
