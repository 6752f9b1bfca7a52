"""The event catalogue: every event type a service publishes, with its payload model and version.

``shared.events.emit`` refuses a type that is not here and a payload its model refuses; consumers
parse payloads with the same models. A change that is not backward compatible gets a new model and
version (``...V2``), listed here in place of the old one once every consumer reads it.
"""
from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel

from shared.contracts import conferences, councils, movements, nominations, registry
from shared.contracts.conferences import ConferenceAttendanceV1, ConferenceScheduledV1, CovenantSignedV1
from shared.contracts.councils import CouncilResultV1, CouncilSessionV1
from shared.contracts.movements import (
    MovementLaunchedV1,
    MovementModelRecognisedV1,
    MovementPhaseV1,
    MovementRegistrationDueV1,
)
from shared.contracts.nominations import (
    BallotCastV1,
    CommendationDecidedV1,
    CommendationReturnedV1,
    CommendationSentV1,
    CommendationSubmittedV1,
    CovenantPublishedV1,
    PaperBallotDisputedV1,
    PaperBallotRecordedV1,
    PaperBallotRuledV1,
    RankingPublishedV1,
    RoundApprovedV1,
    RoundCertifiedV1,
    RoundClosedV1,
    RoundOpenedV1,
    RoundReturnedV1,
    RunoffCreatedV1,
    SheetAdjustedV1,
    SheetsLockedV1,
)
from shared.contracts.registry import (
    ClusterUpdatedV1,
    LeadershipCorrectedV1,
    LeadershipRotatedV1,
    MembersChangedV1,
    MergerUndoneV1,
    PeriodUpdatedV1,
    ProvinceMergedV1,
    UnitChangedV1,
)


class EventContract(NamedTuple):
    version: int
    model: type[BaseModel]
    producer: str


CATALOGUE: dict[str, EventContract] = {
    registry.PROVINCE_MERGED: EventContract(1, ProvinceMergedV1, "registry"),
    registry.PERIOD_UPDATED: EventContract(1, PeriodUpdatedV1, "registry"),
    registry.LEADERSHIP_ROTATED: EventContract(1, LeadershipRotatedV1, "registry"),
    registry.LEADERSHIP_CORRECTED: EventContract(1, LeadershipCorrectedV1, "registry"),
    registry.MEMBERS_CHANGED: EventContract(1, MembersChangedV1, "registry"),
    registry.CLUSTER_UPDATED: EventContract(1, ClusterUpdatedV1, "registry"),
    registry.MERGER_UNDONE: EventContract(1, MergerUndoneV1, "registry"),
    registry.UNIT_CHANGED: EventContract(1, UnitChangedV1, "registry"),
    nominations.ROUND_OPENED: EventContract(1, RoundOpenedV1, "nominations"),
    nominations.LEADERSHIP_ELECTED: EventContract(1, nominations.LeadershipElectedV1, "nominations"),
    nominations.BALLOT_CAST: EventContract(1, BallotCastV1, "nominations"),
    nominations.ROUND_CLOSED: EventContract(1, RoundClosedV1, "nominations"),
    nominations.RUNOFF_CREATED: EventContract(1, RunoffCreatedV1, "nominations"),
    nominations.ROUND_CERTIFIED: EventContract(1, RoundCertifiedV1, "nominations"),
    nominations.ROUND_APPROVED: EventContract(1, RoundApprovedV1, "nominations"),
    nominations.ROUND_RETURNED: EventContract(1, RoundReturnedV1, "nominations"),
    nominations.RANKING_PUBLISHED: EventContract(1, RankingPublishedV1, "nominations"),
    nominations.COVENANT_PUBLISHED: EventContract(1, CovenantPublishedV1, "nominations"),
    nominations.SHEET_ADJUSTED: EventContract(1, SheetAdjustedV1, "nominations"),
    nominations.SHEETS_LOCKED: EventContract(1, SheetsLockedV1, "nominations"),
    nominations.COMMENDATION_SUBMITTED: EventContract(1, CommendationSubmittedV1, "nominations"),
    nominations.COMMENDATION_RETURNED: EventContract(1, CommendationReturnedV1, "nominations"),
    nominations.COMMENDATION_SENT: EventContract(1, CommendationSentV1, "nominations"),
    nominations.COMMENDATION_DECIDED: EventContract(1, CommendationDecidedV1, "nominations"),
    nominations.PAPER_BALLOT_RECORDED: EventContract(1, PaperBallotRecordedV1, "nominations"),
    nominations.PAPER_BALLOT_DISPUTED: EventContract(1, PaperBallotDisputedV1, "nominations"),
    nominations.PAPER_BALLOT_RULED: EventContract(1, PaperBallotRuledV1, "nominations"),
    movements.MOVEMENT_LAUNCHED: EventContract(1, MovementLaunchedV1, "nominations"),
    movements.MOVEMENT_PHASE_STARTED: EventContract(1, MovementPhaseV1, "nominations"),
    movements.MOVEMENT_PHASE_ENDED: EventContract(1, MovementPhaseV1, "nominations"),
    movements.MOVEMENT_REGISTRATION_DUE: EventContract(1, MovementRegistrationDueV1, "nominations"),
    movements.MOVEMENT_MODEL_RECOGNISED: EventContract(1, MovementModelRecognisedV1, "nominations"),
    conferences.CONFERENCE_SCHEDULED: EventContract(1, ConferenceScheduledV1, "nominations"),
    conferences.CONFERENCE_OPENED: EventContract(1, ConferenceAttendanceV1, "nominations"),
    conferences.CONFERENCE_QUORUM_REACHED: EventContract(1, ConferenceAttendanceV1, "nominations"),
    conferences.CONFERENCE_ADJOURNED: EventContract(1, ConferenceAttendanceV1, "nominations"),
    conferences.COVENANT_SIGNED: EventContract(1, CovenantSignedV1, "nominations"),
    councils.COUNCIL_SESSION_SCHEDULED: EventContract(1, CouncilSessionV1, "nominations"),
    councils.COUNCIL_SESSION_OPENED: EventContract(1, CouncilSessionV1, "nominations"),
    councils.COUNCIL_SESSION_CLOSED: EventContract(1, CouncilSessionV1, "nominations"),
    councils.COUNCIL_RESULT: EventContract(1, CouncilResultV1, "nominations"),
}
"""Event type → (version, payload model, producing service)."""
