"""The cluster's year-end conference (hội nghị tổng kết): roster, check-ins and quorum, and the
votes it holds.

``attach_round``, ``inherit_round`` and ``require_quorum`` are all voting may use of it: the rest is
the conferences' own.
"""
from __future__ import annotations

from services.nominations.conferences.service.rounds import attach_round, inherit_round, require_quorum

__all__ = ["attach_round", "inherit_round", "require_quorum"]
