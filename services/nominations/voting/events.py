"""Events the nominations service publishes through its outbox (schema ``nominations``).

Their payloads are the models in :mod:`shared.contracts.nominations` (the event catalogue); the
notifications service parses them with the same models. The builders below fill them from a
round's row:

- ``nominations.round.opened``: :class:`~shared.contracts.nominations.RoundOpenedV1`
- ``nominations.round.ballot_cast``: :class:`~shared.contracts.nominations.BallotCastV1`: who voted,
  never how (online and paper ballots alike)
- ``nominations.round.closed``: :class:`~shared.contracts.nominations.RoundClosedV1`; ``outcome`` is
  ``proposed``, ``failed_quorum`` or ``runoff_required`` and ``state`` the round's state after the
  close (a runoff that misses its quorum but carries units its parent proposed outright says
  ``failed_quorum`` yet its state is ``closed``: the lead certifies those units)
- ``nominations.round.runoff_created``: :class:`~shared.contracts.nominations.RunoffCreatedV1`
  (``round_id`` is the tied round)
- ``nominations.round.certified`` / ``.approved`` / ``.returned``: ``RoundCertifiedV1``,
  ``RoundApprovedV1``, ``RoundReturnedV1`` (with the ministry's ``reason``)
- ``nominations.leadership.elected``: :class:`~shared.contracts.nominations.LeadershipElectedV1`, once both
  election rounds (lead and deputy of the next year) of a cluster-year are certified; the registry
  records that year's leadership from it
- ``nominations.round.paper_ballot_recorded`` / ``.paper_ballot_disputed`` / ``.paper_ballot_ruled``:
  ``PaperBallotRecordedV1``, ``PaperBallotDisputedV1`` (with ``reason``), ``PaperBallotRuledV1``
  (with ``ruling`` and ``ruling_note``): the member a paper ballot was entered for is told at once
  and may dispute it while the round is open; the ministry rules (``voting.disputes``)
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

import asyncpg
from pydantic import BaseModel

from shared.contracts.nominations import (
    BALLOT_CAST,
    LEADERSHIP_ELECTED,
    PAPER_BALLOT_DISPUTED,
    PAPER_BALLOT_RECORDED,
    PAPER_BALLOT_RULED,
    ROUND_APPROVED,
    ROUND_CERTIFIED,
    ROUND_CLOSED,
    ROUND_OPENED,
    ROUND_RETURNED,
    RUNOFF_CREATED,
    BallotCastV1,
    LeadershipElectedV1,
    PaperBallotDisputedV1,
    PaperBallotRecordedV1,
    PaperBallotRuledV1,
    RoundApprovedV1,
    RoundCertifiedV1,
    RoundClosedV1,
    RoundOpenedV1,
    RoundReturnedV1,
    RunoffCreatedV1,
)
from shared.events import emit

__all__ = ["BALLOT_CAST", "LEADERSHIP_ELECTED", "leadership_elected", "PAPER_BALLOT_DISPUTED", "PAPER_BALLOT_RECORDED", "PAPER_BALLOT_RULED",
           "paper_ballot_disputed", "paper_ballot_recorded", "paper_ballot_ruled", "ROUND_APPROVED", "ROUND_CERTIFIED", "ROUND_CLOSED", "ROUND_OPENED", "ROUND_RETURNED",
           "RUNOFF_CREATED", "SCHEMA", "ballot_cast", "closed", "decided", "opened", "publish", "runoff_created"]

SCHEMA = "nominations"


async def publish(conn: asyncpg.Connection, type: str, *, round_id: Any, payload: BaseModel) -> uuid.UUID:
    return await emit(conn, schema=SCHEMA, type=type, aggregate_id=str(round_id), payload=payload)


def _round(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"round_id": r["id"], "cluster_code": r["cluster_code"], "cluster_name": r["cluster_name"],
            "year": r["year"], "award": r["award"], "lead_code": r["lead_code"], "electorate": list(r["electorate"]),
            "kind": r["kind"], "post": r["post"], "title": r["title"]}


def opened(r: Mapping[str, Any]) -> RoundOpenedV1:
    return RoundOpenedV1(**_round(r), seats=r["seats"], closes_at=r["closes_at"])


def ballot_cast(r: Mapping[str, Any], *, voter: str) -> BallotCastV1:
    return BallotCastV1(round_id=r["id"], cluster_code=r["cluster_code"], year=r["year"], voter_code=voter)


def paper_ballot(r: Mapping[str, Any], *, voter: str, document_ref: str) -> dict[str, Any]:
    """The fields every paper-ballot event carries (the callers pick the model)."""
    return {"round_id": r["id"], "cluster_code": r["cluster_code"], "cluster_name": r["cluster_name"],
            "year": r["year"], "award": r["award"], "lead_code": r["lead_code"], "voter_code": voter,
            "document_ref": document_ref, "closes_at": r["closes_at"]}


def paper_ballot_recorded(r: Mapping[str, Any], *, voter: str, document_ref: str) -> PaperBallotRecordedV1:
    return PaperBallotRecordedV1(**paper_ballot(r, voter=voter, document_ref=document_ref))


def paper_ballot_disputed(r: Mapping[str, Any], *, voter: str, document_ref: str,
                          reason: str) -> PaperBallotDisputedV1:
    return PaperBallotDisputedV1(**paper_ballot(r, voter=voter, document_ref=document_ref), reason=reason)


def paper_ballot_ruled(r: Mapping[str, Any], *, voter: str, document_ref: str, ruling: str,
                       note: str) -> PaperBallotRuledV1:
    return PaperBallotRuledV1(**paper_ballot(r, voter=voter, document_ref=document_ref), ruling=ruling,
                              ruling_note=note)


def closed(r: Mapping[str, Any], *, outcome: str) -> RoundClosedV1:
    # ``state`` says whether there is something to certify: a runoff that missed its quorum still
    # closes (state "closed") with its parent's outright winners, though its outcome is failed_quorum.
    return RoundClosedV1(**_round(r), outcome=outcome, state=r["state"])


def runoff_created(parent: Mapping[str, Any], runoff: Mapping[str, Any]) -> RunoffCreatedV1:
    return RunoffCreatedV1(**{**_round(runoff), "round_id": parent["id"]}, runoff_round_id=runoff["id"],
                           tied=list(runoff["candidates"]), closes_at=runoff["closes_at"])


def decided(r: Mapping[str, Any], *, reason: str | None = None
            ) -> RoundCertifiedV1 | RoundApprovedV1 | RoundReturnedV1:
    """The payload of ``certified``, ``approved`` (by the round's state) and, with ``reason``, ``returned``."""
    proposed = list(r["result"]["proposed"])
    if reason is not None:
        return RoundReturnedV1(**_round(r), proposed=proposed, reason=reason)
    if r["state"] == "approved":
        return RoundApprovedV1(**_round(r), proposed=proposed)
    return RoundCertifiedV1(**_round(r), proposed=proposed)


def leadership_elected(r: Mapping[str, Any], *, lead_round: Mapping[str, Any],
                       deputy_round: Mapping[str, Any]) -> LeadershipElectedV1:
    """Both posts of ``r``'s cluster's next year are elected (``r`` certified last)."""
    return LeadershipElectedV1(
        cluster_code=r["cluster_code"], cluster_name=r["cluster_name"], organiser=r["organiser"], year=r["year"] + 1,
        lead=lead_round["result"]["proposed"][0], deputy=deputy_round["result"]["proposed"][0],
        source_round_id=r["id"], lead_round_id=lead_round["id"], deputy_round_id=deputy_round["id"],
        certified_by=r["certified_by"])
