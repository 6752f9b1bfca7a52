"""The scoring context's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.contracts.common import Answer, Instant
from shared.contracts.pages import Page
from shared.text import StorableStr, nfc

__all__ = ["AdjustmentIn", "Covenant", "CovenantIn", "CriterionIn", "Locked", "Page", "Points", "Recomputed",
           "SignatureIn", "Signatures",
           "RecomputeQueued", "ReviewIn", "Sheet", "SheetIn", "SheetList", "SheetSummary", "Snapshot"]


#: Points on the wire: a JSON number (a numeric string is read too) with at most two decimal places.
Points = Annotated[Decimal, Field(decimal_places=2, allow_inf_nan=False,
                                  description="Points: a number with at most two decimal places")]


class CriterionIn(BaseModel):
    """One criterion. The covenant's rules (a code once, ignoring case; a non-blank title;
    ``max_points`` > 0 with at most two decimals; a known ``kind``; a regular criterion at least)
    are the domain's, which names every offending field at once (``criteria[2].kind``)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=200, description="Letters, digits, '.', '_' and '-'; at most 20")
    title: str = Field(max_length=2000)
    group: str | None = Field("", max_length=2000, description="Optional; null or empty means no group")
    max_points: Decimal = Field(allow_inf_nan=False, description="Greater than 0, at most two decimal places")
    kind: str = Field("regular", json_schema_extra={"enum": ["regular", "bonus", "penalty"]},
                      description="regular | bonus | penalty")


class CovenantIn(BaseModel):
    criteria: list[CriterionIn] = Field(max_length=500, examples=[[
        {"code": "CM1", "title": "Thực hiện nhiệm vụ chuyên môn", "group": "I", "max_points": 40, "kind": "regular"},
        {"code": "TR1", "title": "Vi phạm kỷ luật", "group": "III", "max_points": 10, "kind": "penalty"}]])
    publish: bool = False
    reason: str | None = Field(default=None, max_length=2000, description="required to amend a published covenant")

    _nfc = field_validator("reason")(nfc)


class SheetIn(BaseModel):
    scores: dict[str, Points] = Field(max_length=500, description="criterion code → points (penalties ≤ 0)")
    notes: dict[str, Annotated[StorableStr, Field(max_length=2000)]] = Field(default_factory=dict, max_length=500)


class AdjustmentIn(BaseModel):
    points: Points = Field(description="the cross-checked value, within the criterion's bounds")
    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class ReviewIn(BaseModel):
    adjustments: dict[str, AdjustmentIn] = Field(max_length=500, description="criterion code → adjustment; "
                                                 "{} records a cross-check that found nothing to adjust")


# ---------------------------------------------------------------- answers
# Points are JSON numbers (two decimals at most, so a float shows them exactly).

class CriterionOut(Answer):
    code: str
    title: str
    group: str
    max_points: float
    kind: Literal["regular", "bonus", "penalty"]


class CovenantVersion(Answer):
    version: int
    state: Literal["draft", "published", "superseded"]
    digest: str
    reason: str | None
    published_at: Instant | None
    superseded_at: Instant | None


class Covenant(Answer):
    cluster_code: str
    year: int
    version: int
    state: Literal["draft", "published", "superseded"]
    digest: str = Field(description="SHA-256 of the criteria: equal criteria, equal digest")
    reason: str | None
    created_by: str
    created_at: Instant
    published_at: Instant | None
    published_by: str | None
    superseded_at: Instant | None
    max_total: float | None
    criteria: list[CriterionOut]
    versions: list[CovenantVersion]
    reopened: list[str] | None = Field(None, description="After an amendment: provinces whose submitted sheets "
                                                         "were reopened")
    drafts: list[str] | None = Field(None, description="After an amendment: provinces whose drafts were carried over")


class CriterionScore(Answer):
    self: float | None = Field(description="The province's own points")
    checked: float | None = Field(description="The cross-checked points, if adjusted")
    points: float | None = Field(description="What counts: checked, else self")


class SheetTotals(Answer):
    regular: float | None
    bonus: float | None
    penalty: float | None
    total: float | None
    max_total: float | None
    share: float | None


class Adjustment(Answer):
    criterion: str
    points: float
    previous: float | None
    reason: str
    adjusted_by: str
    adjusted_for: str | None
    adjusted_for_name: str | None
    adjusted_at: Instant


class Sheet(Answer):
    cluster_code: str
    year: int
    province: str
    province_name: str | None
    covenant_version: int
    state: Literal["draft", "submitted", "reopened", "locked"]
    locked: bool
    updated_at: Instant | None
    updated_by: str | None
    submitted_at: Instant | None
    submitted_by: str | None
    member: bool = Field(description="false: the unit left the cluster-year; its sheet is kept, never ranked")
    reviewed_at: Instant | None
    reviewed_by: str | None
    scores: dict[str, CriterionScore] = Field(description="Criterion code → points")
    missing: list[str] = Field(description="Criteria not scored yet")
    notes: dict[str, str]
    totals: SheetTotals
    adjustments: list[Adjustment] = Field(description="Every cross-check, oldest first")


class Locked(Answer):
    cluster_code: str
    year: int
    covenant_version: int
    sheets: int
    locked_at: Instant
    locked_by: str


class Band(Answer):
    threshold: str | float
    label: str


class RankingConfigOut(Answer):
    tie_break: list[str]
    bands: list[Band]


class RankingRow(Answer):
    cluster: str | None = Field(None, description="National view only")
    province: str
    name: str | None
    rank: int
    cluster_rank: int | None = Field(None, description="National view only")
    total: float
    max_total: float | None = Field(None, description="National view only")
    share: float | None
    band: str | None
    regular: float
    bonus: float
    penalty: float


class Snapshot(Answer):
    snapshot_id: int
    scope: Literal["national", "cluster"]
    cluster_code: str | None
    cluster_name: str | None = None
    organiser: str | None = Field(None, description="The national view's organiser (BNV: the ministry)")
    year: int
    computed_at: Instant
    inputs_digest: str
    previous_id: int | None
    covenant_version: int | None
    max_total: float | None
    config: RankingConfigOut
    unit_count: int
    rows: list[RankingRow] | None = Field(None, description="The table (not in lists)")


class RecomputeQueued(Answer):
    task_id: str
    year: int
    cluster: str | None
    queue: str


class Written(Answer):
    scope: str
    snapshot_id: int


class Recomputed(Answer):
    year: int
    cluster: str | None
    written: list[Written]
    unchanged: list[str]


class SheetSummary(Answer):
    province: str
    province_name: str | None
    member: bool = Field(description="false: the unit left the cluster-year; its sheet is kept, never ranked")
    state: Literal["draft", "reopened", "submitted", "locked"] | None = Field(description="The stored state; "
                                                                                "null: no sheet yet")
    status: Literal["not_started", "draft", "submitted", "reviewed", "adjusted"]
    locked: bool
    adjustments: int
    updated_at: Instant | None
    submitted_at: Instant | None
    reviewed_at: Instant | None
    reviewed_by: str | None


class SheetList(Page[SheetSummary]):
    cluster_code: str
    year: int
    covenant_version: int | None
    locked_at: Instant | None


# ---------------------------------------------------------------- the covenant signed

class SignatureIn(BaseModel):
    """The signer of the calling member unit (its own account signs, for itself)."""

    model_config = ConfigDict(extra="forbid")

    signer_name: str = Field(min_length=1, max_length=200)
    signer_position: str = Field(min_length=1, max_length=300)

    _nfc = field_validator("signer_name", "signer_position")(nfc)


class SignedUnit(BaseModel):
    code: str
    name: str


class Signer(BaseModel):
    name: str
    position: str


class Signature(BaseModel):
    unit: SignedUnit
    signer: Signer
    signed_at: Instant


class Signatures(BaseModel):
    cluster_code: str
    year: int
    version: int = Field(description="The covenant version in force, which the signatures are of")
    signatures: list[Signature] = Field(description="Oldest first")
    not_signed: list[SignedUnit] = Field(description="The members that have not signed yet")
    in_force: bool = Field(description="Every member has signed")
