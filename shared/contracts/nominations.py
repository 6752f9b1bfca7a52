"""Events the nominations service publishes (producer ``nominations``).

Provinces are named by code only (``ProvinceCode``): a round's payload lists codes; the names are
the registry's.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from shared.contracts.common import (
    Award,
    ClusterCode,
    Contract,
    Instant,
    Name,
    Outcome,
    ProvinceCode,
    RoundState,
)

ROUND_OPENED = "nominations.round.opened"
BALLOT_CAST = "nominations.round.ballot_cast"
ROUND_CLOSED = "nominations.round.closed"
RUNOFF_CREATED = "nominations.round.runoff_created"
ROUND_CERTIFIED = "nominations.round.certified"
ROUND_APPROVED = "nominations.round.approved"
ROUND_RETURNED = "nominations.round.returned"
RANKING_PUBLISHED = "nominations.ranking.published"
COVENANT_PUBLISHED = "nominations.covenant.published"
SHEET_ADJUSTED = "nominations.sheet.adjusted"
SHEETS_LOCKED = "nominations.sheets.locked"
PAPER_BALLOT_RECORDED = "nominations.round.paper_ballot_recorded"
PAPER_BALLOT_DISPUTED = "nominations.round.paper_ballot_disputed"
PAPER_BALLOT_RULED = "nominations.round.paper_ballot_ruled"
LEADERSHIP_ELECTED = "nominations.leadership.elected"


class _Round(Contract):
    round_id: uuid.UUID
    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    award: Award | None = Field(description="A flag round's award; null for an election or a motion")
    lead_code: ProvinceCode
    electorate: list[ProvinceCode]
    kind: Literal["nomination", "election", "motion"] = Field(
        "nomination", description="`nomination` (a flag vote), `election` (next year's lead or deputy: `post`) or "
                                  "`motion` (yes / no / abstain on `title`)")
    post: Literal["lead", "deputy"] | None = None
    title: Name | None = None


class RoundOpenedV1(_Round):
    """A vote round opened: its electorate must vote before ``closes_at`` (null: at the conference)."""

    seats: int = Field(ge=1)
    closes_at: Instant | None


class BallotCastV1(Contract):
    """A province voted (online or on paper): who voted, never how."""

    round_id: uuid.UUID
    cluster_code: ClusterCode
    year: int
    voter_code: ProvinceCode


class RoundClosedV1(_Round):
    """A round was closed and counted. ``state`` is the round's state after the close: a runoff that
    misses its quorum but carries units its parent proposed outright says ``failed_quorum`` as its
    outcome yet is ``closed`` (the lead certifies those units)."""

    outcome: Outcome
    state: RoundState


class RunoffCreatedV1(_Round):
    """The count was tied: a runoff round (``runoff_round_id``) opened among the ``tied`` units.
    ``round_id`` is the tied round."""

    runoff_round_id: uuid.UUID
    tied: list[ProvinceCode] = Field(min_length=1)
    closes_at: Instant | None


class RoundCertifiedV1(_Round):
    """The lead certified the result and submitted it to the ministry."""

    proposed: list[ProvinceCode]


class RoundApprovedV1(_Round):
    """The ministry approved the proposal: the result is final."""

    proposed: list[ProvinceCode]


class RoundReturnedV1(_Round):
    """The ministry returned the proposal to the lead with a reason."""

    proposed: list[ProvinceCode]
    reason: Name


class RankingPublishedV1(Contract):
    """A new ranking snapshot of a cluster's year was written."""

    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    snapshot_id: int
    lead_code: ProvinceCode | None
    members: list[ProvinceCode]


# ---------------------------------------------------------------- commendations

COMMENDATION_SUBMITTED = "nominations.commendation.submitted"
COMMENDATION_RETURNED = "nominations.commendation.returned"
COMMENDATION_SENT = "nominations.commendation.sent"
COMMENDATION_DECIDED = "nominations.commendation.decided"


class CommendationSubmittedV1(Contract):
    """A member submitted (or resubmitted) its proposal to the cluster's lead, who reviews it;
    ``lead_code`` is None while the cluster-year has no lead, or when the lead proposes for itself
    (its own nominees are reviewed by the organiser's office)."""

    proposal_id: uuid.UUID
    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    form_code: str = Field(min_length=1)
    form_name: Name
    province_code: ProvinceCode
    province_name: Name
    lead_code: ProvinceCode | None
    nominees: int = Field(ge=1)


class CommendationReturnedV1(Contract):
    """The cluster's lead returned a nominee to the proposing province with a reason."""

    proposal_id: uuid.UUID
    nominee_id: uuid.UUID
    nominee_name: Name
    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    form_code: str = Field(min_length=1)
    form_name: Name
    province_code: ProvinceCode
    lead_code: ProvinceCode
    reason: Name


class CommendationSentV1(Contract):
    """The lead sent the cluster-year's list (every accepted proposal) to the ministry."""

    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    lead_code: ProvinceCode
    provinces: list[ProvinceCode] = Field(min_length=1)
    proposals: list[uuid.UUID] = Field(min_length=1)
    nominees: int = Field(ge=1)


class CommendationDecidedV1(Contract):
    """The ministry issued an award decision: ``awarded`` counts each province's collectives and
    individuals; ``leads`` are the leads of the cluster-years whose lists it drew on."""

    decision_id: uuid.UUID
    number: Name
    signed_on: date
    year: int
    summary: Name
    provinces: list[ProvinceCode] = Field(min_length=1)
    leads: list[ProvinceCode]
    clusters: list[ClusterCode]
    awarded: dict[ProvinceCode, int]
    collectives: int = Field(ge=0)
    individuals: int = Field(ge=0)


# ---------------------------------------------------------------- covenants and score sheets

class CovenantPublishedV1(Contract):
    """A covenant version was published: version 1 (signed) or an amendment (``amended``, with its reason)."""

    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    version: int = Field(ge=1)
    amended: bool
    reason: str | None
    lead_code: ProvinceCode | None
    members: list[ProvinceCode]


class Adjustment(Contract):
    criterion: str
    points: float
    reason: Name


class SheetAdjustedV1(Contract):
    """The cross-checker changed points on a member's sheet, each with its reason."""

    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    province: ProvinceCode
    province_name: str | None
    reviewer: ProvinceCode | None
    adjustments: list[Adjustment] = Field(min_length=1)


class SheetsLockedV1(Contract):
    """The lead locked the members' sheets for the conference."""

    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    covenant_version: int = Field(ge=1)
    sheets: int = Field(ge=0)
    lead_code: ProvinceCode | None
    members: list[ProvinceCode]
class _PaperBallot(Contract):
    round_id: uuid.UUID
    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    award: Award | None = Field(description="A flag round's award; null for an election or a motion")
    lead_code: ProvinceCode
    voter_code: ProvinceCode
    document_ref: Name
    closes_at: Instant | None


class PaperBallotRecordedV1(_PaperBallot):
    """The lead entered a paper ballot (document ``document_ref``) for the absent member
    ``voter_code``, who is told at once and may dispute it until the round is certified."""


class PaperBallotDisputedV1(_PaperBallot):
    """The member disputes the paper ballot entered for it; the round cannot be certified until the
    ministry rules."""

    reason: Name


class PaperBallotRuledV1(_PaperBallot):
    """The ministry ruled on a disputed paper ballot: it stands, or it is void (the count cannot be
    certified; the lead holds a new vote)."""

    ruling: Literal["ballot_stands", "ballot_void"]
    ruling_note: Name


class LeadershipElectedV1(Contract):
    """The conference elected next year's lead and deputy: both election rounds are certified. The
    registry records ``year``'s leadership from it (method ``election``, the rounds as its source),
    once: a repeat of the event, or a year already decided, changes nothing."""

    cluster_code: ClusterCode
    cluster_name: Name
    organiser: str = "BNV"
    year: int = Field(description="The year whose lead and deputy were elected (the conference's year + 1)")
    method: Literal["election"] = "election"
    lead: ProvinceCode
    deputy: ProvinceCode
    source_round_id: uuid.UUID = Field(description="The round whose certification completed the election")
    lead_round_id: uuid.UUID
    deputy_round_id: uuid.UUID
    certified_by: str
