"""The councils context's use cases: ``councils`` (found a council, its members, its thresholds),
``sessions`` (schedule, roster, check-ins, open with the quorum, close and decide) and ``ballots``
(the member's secret ballot, an absent member's written one, the bulletin) and ``minutes`` (the
session's minutes, and those in a decision's file)."""
from __future__ import annotations

from services.nominations.registry_client import Registry
from services.nominations.settings import Settings

__all__ = ["Registry", "Settings"]
