"""The voting context's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.nominations.voting.domain.rounds import RoundState
from shared.text import nfc

__all__ = ["BallotIn", "Code", "DisputeIn", "PaperBallotIn", "ReturnIn", "RoundIn", "RoundState", "RulingIn", "Share"]

Code = Annotated[str, Field(pattern=r"^[0-9]{2}$")]
Share = Annotated[float | str, Field(description='A share as a number (0.5) or an exact fraction ("2/3")')]


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cluster_code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
    year: int = Field(ge=2000, le=2100)
    award: Literal["government_flag", "ministry_flag", "certificate_of_merit"]
    seats: int = Field(ge=1, le=100, description="How many units to propose")
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


class BallotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choices: list[Code] = Field(max_length=100, description="0..max_choices distinct candidates; [] is a blank ballot")


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
