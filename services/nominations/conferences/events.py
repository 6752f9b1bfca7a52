"""The events the conferences context publishes through the outbox (schema ``nominations``); their
payload models are in ``shared/contracts/conferences.py``:

- ``nominations.conference.scheduled`` (:class:`ConferenceScheduledV1`): the members name their delegates;
- ``nominations.conference.opened`` / ``quorum_reached`` / ``adjourned`` (:class:`ConferenceAttendanceV1`):
  the session began, the check-in that made the quorum happened (once), the session ended; each
  with the attendance at that moment.
"""
from __future__ import annotations

from shared.contracts.conferences import (
    CONFERENCE_ADJOURNED,
    CONFERENCE_OPENED,
    CONFERENCE_QUORUM_REACHED,
    CONFERENCE_SCHEDULED,
)

EVENT_TYPES = (CONFERENCE_SCHEDULED, CONFERENCE_OPENED, CONFERENCE_QUORUM_REACHED, CONFERENCE_ADJOURNED)
