"""Commendations (khen thưởng): proposals of collectives and individuals for an award form, the
cluster lead's review, the ministry's review and decision, and the public award register.

``carry_approved_round`` is the one thing voting may use, ``propose_from_movement`` the one thing
movements may use, ``council_nominees``, ``apply_council_verdict`` and ``decision_nominees`` the three councils may use: the
rest is commendations' own.
"""
from __future__ import annotations

from services.nominations.commendations.service.carry import carry_approved_round
from services.nominations.commendations.service.council import (
    apply_council_verdict,
    council_nominees,
    decision_nominees,
)
from services.nominations.commendations.service.from_movements import propose_from_movement

__all__ = ["apply_council_verdict", "carry_approved_round", "council_nominees", "decision_nominees",
           "propose_from_movement"]
