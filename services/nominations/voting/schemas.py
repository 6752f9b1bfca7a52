"""The voting context's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Header
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.nominations.voting.domain.rounds import RoundState
from services.nominations.voting.sealed_idempotency import MIN_KEY_LENGTH as MIN_BALLOT_KEY_LENGTH
from shared.contracts.common import Answer, Award, Instant, Outcome
from shared.contracts.pages import Page
from shared.text import nfc

__all__ = ["BallotIn", "BallotReceipt", "Bulletin", "Code", "Dispute", "DisputeIn", "Minutes", "Page", "PaperBallotIn",
           "ReceiptCheck", "ReturnIn", "Round", "RoundIn", "RoundState", "RulingIn", "Share", "Turnout"]

Code = Annotated[str, Field(pattern=r"^[0-9A-Z][0-9A-Z-]{1,15}$")]
Share = Annotated[float | str, Field(description='A share as a number (0.5) or an exact fraction ("2/3")')]


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cluster_code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
    year: int = Field(ge=2000, le=2100)
    kind: Literal["nomination", "election", "motion"] = Field(
        default="nomination", description="`nomination`: a flag vote (award and seats required); `election`: next "
                                          "year's lead or deputy (`post`) among member units; `motion`: yes / no / "
                                          "abstain on `title`")
    award: Literal["government_flag", "ministry_flag", "certificate_of_merit"] | None = Field(
        default=None, description="A nomination's award (required for it, refused for the other kinds)")
    seats: int | None = Field(default=None, ge=1, le=100, description="How many units to propose (a nomination)")
    post: Literal["lead", "deputy"] | None = Field(
        default=None, description="An election's post of the next year; its candidates default to the next in the "
                                  "rotation order after this year's lead (the one after it for the deputy)")
    title: str | None = Field(default=None, min_length=1, max_length=500, description="A motion's question")
    denominator: Literal["present", "members"] | None = Field(
        default=None, description="A motion's threshold is a share of the member units present when it opened "
                                  "(`present`, the default) or of all members (`members`)")
    tie_rule: Literal["rotation_order", "ranking"] | None = Field(
        default=None, description="An election: the organiser's rule for a tie in its second round, "
                                  "`rotation_order` (the default: the tied unit first in the rotation after this "
                                  "year's lead) or `ranking` (the tied unit better placed in the latest ranking)")
    subject: Literal["year_report", "covenant"] | None = Field(
        default=None, description="What a motion adopts, if it is one of these: the year's report, or next year's "
                                  "covenant (the conference's minutes link it to the covenant's signatures)")
    max_choices: int | None = Field(default=None, ge=1, le=100, description="Default: seats")
    threshold: Share = Field(default="1/2", description="The share a unit must reach: by default strictly more "
                                                        "than this share of the valid ballots")
    threshold_base: Literal["valid_ballots", "electorate"] = Field(
        default="valid_ballots", description="What the threshold is a share of: the valid ballots (blank ballots "
                                             "included) or the whole electorate (every member entitled to vote)")
    threshold_comparison: Literal["more_than", "at_least"] = Field(
        default="more_than", description="`more_than`: strictly more than the share; `at_least`: the share is enough")
    quorum: Share = Field(default="2/3", description="Share of the electorate that must cast a ballot, at least 1/2")
    self_vote: bool = False
    candidates: list[Code] | None = Field(default=None, min_length=1, max_length=100,
                                          description="Default: every member of the cluster-year")
    closes_at: AwareDatetime | None = Field(default=None, description="Closed automatically at this time")
    conference_id: uuid.UUID | None = Field(
        default=None, description="The conference of the cluster-year holding this vote: the round then opens only "
                                  "while that conference is in session with its quorum (its runoff follows it)")

    _nfc = field_validator("title")(nfc)


MotionChoice = Literal["yes", "no", "abstain"]


class BallotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choices: list[Code | MotionChoice] = Field(
        max_length=100, description="0..max_choices distinct candidates; [] is a blank ballot. A motion's ballot is "
                                    "exactly one of `yes`, `no`, `abstain`")


class PaperBallotIn(BallotIn):
    voter: Code = Field(description="The absent member whose written ballot this is")
    document_ref: str = Field(min_length=1, max_length=200, description="The written ballot's document number")

    _nfc = field_validator("document_ref")(nfc)


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class DisputeIn(BaseModel):
    """A member disputes the paper ballot the lead entered for it."""

    reason: str = Field(min_length=1, max_length=2000, description="Why the paper ballot is not the member's")
    _nfc = field_validator("reason")(nfc)


class RulingIn(BaseModel):
    """The ministry's final ruling on a disputed paper ballot."""

    ruling: Literal["ballot_stands", "ballot_void"]
    note: str = Field(min_length=1, max_length=2000)
    _nfc = field_validator("note")(nfc)


# ---------------------------------------------------------------- answers

class PaperBallotRef(Answer):
    document_ref: str | None


class RoundResult(Answer):
    """The count. When the quorum was missed, what derives from the ballots' content is null. An
    election adds ``tie_broken_by``; a motion ``adopted``, ``denominator_size`` and ``bar``."""

    votes: dict[str, int] | None = Field(description="Every candidate's votes, by code (null: quorum missed)")
    ballots_cast: int
    blank_ballots: int | None
    valid_ballots: int | None
    electorate_size: int
    turnout: float = Field(description="ballots_cast / electorate_size, for display")
    quorum_met: bool
    outcome: Outcome
    proposed: list[str] = Field(description="The units proposed, best first (with a runoff's carried-over units)")
    tied: list[str]
    remaining_seats: int
    ranking: list[tuple[str, int]] | None = Field(description="[code, votes], by votes then code (null: quorum missed)")
    carried_over: list[str] = Field(default_factory=list, description="A runoff's units its parent proposed outright")
    runoff_round_id: uuid.UUID | None = None
    # Present only for their kind (a flag round's result is as it was):
    # an election's ``tie_broken_by`` (its ``tie_rule`` when its second round tied, else null);
    # a motion's ``adopted`` (bool), ``denominator_size`` (the units its threshold is a share of) and
    # ``bar`` (threshold × denominator_size, an exact fraction such as "7/2").


class CandidateRank(Answer):
    code: str
    name: str | None
    rank: int | None
    total: float | None
    share: float | None
    band: str | None


class Round(Answer):
    id: uuid.UUID
    parent_round_id: uuid.UUID | None = Field(description="The tied round, for a runoff")
    cluster_code: str
    cluster_name: str
    organiser: str = Field("BNV", description="The organiser whose cluster it is (its office decides the round)")
    year: int
    award: Award | None
    award_label: str = Field(description="What the round decides: the award, the post elected or the motion")
    kind: Literal["nomination", "election", "motion"] = "nomination"
    post: Literal["lead", "deputy"] | None = None
    elects_year: int | None = Field(None, description="An election: the year whose lead or deputy it elects")
    title: str | None = None
    denominator: Literal["present", "members"] | None = None
    present_at_open: int | None = Field(None, description="Member units present at the conference when it opened")
    tie_rule: Literal["rotation_order", "ranking"] | None = None
    subject: Literal["year_report", "covenant"] | None = None
    rotation_order: list[str] | None = Field(None, description="An election: the rotation after this year's lead")
    seats: int
    max_choices: int
    threshold: str = Field(description="An exact fraction, e.g. `1/2`")
    quorum: str = Field(description="An exact fraction, e.g. `2/3`")
    self_vote: bool
    candidates: list[str]
    electorate: list[str] | None = Field(description="Snapshotted from the registry when the round opens")
    names: dict[str, str] | None = Field(description="Code → name of every unit the round names")
    lead_code: str
    carried_over: list[str]
    state: RoundState
    closes_at: Instant | None
    result: RoundResult | None
    created_by: str
    created_at: Instant
    opened_at: Instant | None
    closed_at: Instant | None
    certified_at: Instant | None
    certified_by: str | None
    decided_at: Instant | None
    decided_by: str | None
    return_reason: str | None
    candidate_ranks: list[CandidateRank] | None = Field(
        description="Flag rounds: each candidate's place in the cluster-year's latest ranking")
    voted: bool | None = Field(None, description="Whether the calling province has voted (null for other callers), "
                                                 "never how")
    paper_ballot: PaperBallotRef | None = Field(
        None, description="For the calling province: the paper ballot the lead entered for it (its document "
                          "number), which it may dispute while the round is open; null otherwise")
    threshold_base: Literal["valid_ballots", "electorate"] | None = Field(
        None, description="What the threshold is a share of")
    threshold_comparison: Literal["more_than", "at_least"] | None = Field(
        None, description="Must a unit exceed the bar, or is reaching it enough")
    threshold_rule: str | None = Field(None, description="The rule in words (Vietnamese)")


class Receipt(Answer):
    round_id: uuid.UUID
    secret: str = Field(description="Keep it: with the choices it opens the commitment")
    commitment: str = Field(description="SHA-256, published on the bulletin after the close")


class BallotReceipt(Answer):
    receipt: Receipt


class Voter(Answer):
    code: str
    name: str | None
    channel: Literal["online", "paper"]
    document_ref: str | None


class NonVoter(Answer):
    code: str
    name: str | None


class Turnout(Answer):
    round_id: uuid.UUID
    state: RoundState
    electorate_size: int
    ballots_cast: int
    turnout: float
    voted: list[Voter]
    not_voted: list[NonVoter]


class BulletinBallot(Answer):
    commitment: str
    choices: list[str]


class Bulletin(Answer):
    round_id: uuid.UUID
    state: RoundState
    ballots_cast: int
    ballots: list[BulletinBallot]


class ReceiptQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="The commitment from the ballot's receipt")


class ReceiptCheck(Answer):
    round_id: uuid.UUID
    commitment: str
    counted: bool
    choices: list[str] | None


class Unit(Answer):
    code: str
    name: str


class MinutesRules(Answer):
    seats: int
    max_choices: int
    threshold: str
    quorum: str
    self_vote: bool
    threshold_base: Literal["valid_ballots", "electorate"] | None = None
    threshold_comparison: Literal["more_than", "at_least"] | None = None
    threshold_rule: str | None = None


class MinutesElector(Unit):
    voted: bool
    channel: Literal["online", "paper"] | None


class PaperBallot(Unit):
    document_ref: str | None


class PaperBallotWindow(Unit):
    """A paper ballot's dispute window: when the member's notice left the service, until when it
    could dispute the ballot (null: not told yet, or entered before windows existed), and whether it
    confirmed or disputed it."""

    document_ref: str | None
    notice_sent_at: Instant | None
    disputes_until: Instant | None
    confirmed_at: Instant | None
    disputed: bool


class UnitVotes(Unit):
    votes: int


class Minutes(Answer):
    """The certified round's minutes; times in Vietnam time (`timezone`)."""

    round_id: uuid.UUID
    parent_round_id: uuid.UUID | None
    cluster: Unit
    year: int
    award: Award | None
    award_label: str
    kind: Literal["nomination", "election", "motion"] = "nomination"
    post: Literal["lead", "deputy"] | None = None
    elects_year: int | None = None
    title: str | None = None
    denominator: Literal["present", "members"] | None = None
    present_at_open: int | None = None
    state: RoundState
    lead: Unit
    rules: MinutesRules
    electorate: list[MinutesElector]
    paper_ballots: list[PaperBallot]
    paper_ballot_windows: list[PaperBallotWindow] = Field(default_factory=list)
    electorate_size: int
    ballots_cast: int
    blank_ballots: int | None
    turnout: float
    quorum_met: bool
    votes: list[UnitVotes] | None = Field(description="Null when the quorum was missed")
    carried_over: list[Unit]
    proposed: list[Unit]
    opened_at: Instant | None
    closed_at: Instant | None
    certified_at: Instant | None
    certified_by: str | None
    decided_at: Instant | None
    decided_by: str | None
    return_reason: str | None
    timezone: Literal["Asia/Ho_Chi_Minh"]


class Dispute(Answer):
    """A member's dispute of the paper ballot the lead entered for it, and the ministry's ruling."""

    round_id: uuid.UUID
    province_code: str
    reason: str
    disputed_by: str
    disputed_at: Instant
    ruling: Literal["ballot_stands", "ballot_void"] | None
    ruling_note: str | None
    ruled_by: str | None
    ruled_at: Instant | None


class PaperBallotConfirmation(Answer):
    """The member confirmed the paper ballot the lead entered for it: certification need not wait."""

    round_id: uuid.UUID
    province_code: str
    confirmed_at: Instant
    confirmed_by: str


# The header as ballots document it: the stricter rule is part of the OpenAPI contract.
BallotIdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, json_schema_extra={"minLength": MIN_BALLOT_KEY_LENGTH},
           description=f"Random, at least {MIN_BALLOT_KEY_LENGTH} characters (128 random bits: a UUID4, or 16 random "
                       f"bytes in base64url). It seals the ballot's receipt for a retry, so it must be "
                       f"unguessable; a shorter key is refused (422, `weak-idempotency-key`). A retry with the "
                       f"same key and body returns the first receipt."),
]
