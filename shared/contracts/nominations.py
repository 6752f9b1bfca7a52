"""Events the nominations service publishes (producer ``nominations``).

Provinces are named by code only (``ProvinceCode``): a round's payload lists codes; the names are
the registry's.
"""
from __future__ import annotations

import uuid

from pydantic import Field

from shared.contracts.common import Award, ClusterCode, Contract, Instant, Name, Outcome, ProvinceCode, RoundState

ROUND_OPENED = "nominations.round.opened"
BALLOT_CAST = "nominations.round.ballot_cast"
ROUND_CLOSED = "nominations.round.closed"
RUNOFF_CREATED = "nominations.round.runoff_created"
ROUND_CERTIFIED = "nominations.round.certified"
ROUND_APPROVED = "nominations.round.approved"
ROUND_RETURNED = "nominations.round.returned"
RANKING_PUBLISHED = "nominations.ranking.published"


class _Round(Contract):
    round_id: uuid.UUID
    cluster_code: ClusterCode
    cluster_name: Name
    year: int
    award: Award
    lead_code: ProvinceCode
    electorate: list[ProvinceCode]


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
