"""The events the councils context publishes through the outbox (schema ``nominations``); their
payload models are in ``shared/contracts/councils.py``:

- ``nominations.council.session_scheduled`` / ``session_opened`` / ``session_closed``
  (:class:`CouncilSessionV1`): the office scheduled a session / it began voting (its quorum held) / its
  ballots were counted; with its attendance, turnout and the members' accounts;
- ``nominations.council.result`` (:class:`CouncilResultV1`): each nominee's votes against all members
  and its outcome (approved, below its threshold, over the quota or the cap).
"""
from __future__ import annotations

from shared.contracts.councils import (
    COUNCIL_RESULT,
    COUNCIL_SESSION_CLOSED,
    COUNCIL_SESSION_OPENED,
    COUNCIL_SESSION_SCHEDULED,
)

EVENT_TYPES = (COUNCIL_SESSION_SCHEDULED, COUNCIL_SESSION_OPENED, COUNCIL_SESSION_CLOSED, COUNCIL_RESULT)
