"""The registry's typed contract: the answer of every operation (pydantic). Lists answer with the
shared ``Page[T]`` (``items``, ``next``)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from services.registry.domain.provinces import check_unit_name
from shared.contracts.common import Answer, ClusterCode, Year
from shared.contracts.pages import Page
from shared.errors import FieldValueError
from shared.names import Name, optional_name
from shared.names import name as visible_name
from shared.text import nfc

__all__ = ["Page"]  # with every model below

#: A province's code as the registry's requests name it (two digits).
PROVINCE_CODE = r"^[0-9]{2}$"
#: An account's username (the accounts table holds the same check).
USERNAME = r"^[a-z0-9][a-z0-9._-]{2,63}$"
ProvinceCodeIn = Annotated[str, Field(pattern=PROVINCE_CODE)]
ORGANISER_CODE = r"^[A-Z][A-Z0-9-]{1,15}$"
UNIT_CODE = r"^[0-9A-Z][0-9A-Z-]{1,15}$"
#: A member's code: any unit's (a province's two digits for the ministry's clusters).
UnitCodeIn = Annotated[str, Field(pattern=UNIT_CODE)]



class UnitRef(BaseModel):
    code: str
    name: str


class Cluster(BaseModel):
    code: str
    name: str
    organizer: str = Field(description="The organiser's name as the cluster's documents show it")
    organiser: str = Field(description="The organiser's code (BNV: the Ministry of Home Affairs)")
    kind: Literal["cum", "khoi"]
    allow_shared_members: bool = Field(description="Its members may also sit in another cluster of the same "
                                                   "kind in one year (the ministry allows it)")


class ClusterDetail(Cluster):
    years: list[int]


class ClusterYear(Cluster):
    """A cluster in the year asked for with ``?year=``."""
    year: int
    member_count: int = Field(description="Members on today's date (Vietnam) within that year, else on its "
                                          "first or last day")
    lead: UnitRef | None
    deputy: UnitRef | None
    leadership_method: Literal["rotation", "election"] | None


class Account(BaseModel):
    id: int
    username: str
    role: Literal["ministry", "province", "service", "staff", "unit"]
    province_code: str | None
    organiser: str | None = Field(None, description="A staff account's organiser")
    unit_code: str | None = Field(None, description="A unit account's unit")
    display_name: str | None = Field(description="The person's full name, printed on what they sign")
    position: str | None = Field(None, description="The person's position, printed under their name")
    active: bool
    has_password: bool = Field(True, description="False until the person sets a password with the one-time code")
    last_signed_in_at: datetime | None = None
    disabled_at: datetime | None = None
    created_at: datetime


class AccountCreated(Account):
    setup_code: str | None = Field(None, description="The one-time code to set the first password (created without "
                                                     "one): shown in this answer only, never replayed nor stored")
    setup_code_expires_at: datetime | None = None


class SetupCode(BaseModel):
    username: str
    setup_code: str = Field(description="One-time; the account's password stops working until it is used")
    setup_code_expires_at: datetime


class MembershipChange(BaseModel):
    id: int
    kind: Literal["set", "change"] = Field(description="`set`: the member list was set (PUT); "
                                                       "`change`: members joined or left on a date")
    effective_date: date
    added: list[UnitRef]
    removed: list[UnitRef]
    reason: str | None
    changed_by: str
    changed_at: datetime


class PeriodMember(BaseModel):
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None
    joined_on: date | None = Field(description="Member from this day (null: from the start of the year)")
    left_on: date | None = Field(description="Member until the day before (null: to the end of the year)")


class Period(BaseModel):
    cluster_code: str
    cluster_name: str
    cluster_kind: Literal["cum", "khoi"]
    organiser: str = Field("BNV", description="The cluster's organiser")
    year: int
    on: date | None = Field(description="The day whose members are shown")
    reference_date: date
    members: list[PeriodMember]
    former_members: list[PeriodMember] = Field(description="Members that left on or before `on`")
    rotation_order: list[str]
    lead: UnitRef | None
    deputy: UnitRef | None
    leadership_method: Literal["rotation", "election"] | None
    copied_from: int | None


class MembershipChangeResult(BaseModel):
    change: MembershipChange
    period: Period


class Correction(BaseModel):
    reason: str
    corrected_by: str
    corrected_at: datetime


class Leadership(BaseModel):
    year: int
    lead: UnitRef
    deputy: UnitRef
    method: Literal["rotation", "election"]
    decided_by: str
    source: str | None = Field(None, description="An election at the conference: `round:<id>`, the round whose "
                                                 "certification completed it")
    decided_at: datetime
    correction: Correction | None = None


class MergerUndone(BaseModel):
    merger_id: int
    undone: bool
    successor: UnitRef
    sources: list[UnitRef]
    effective_date: date


# ---------------------------------------------------------------- provinces

class Province(Answer):
    code: str = Field(description="Two-digit code; with the validity period it names one unit")
    name: str
    kind: Literal["province", "city"]
    valid_from: date | None = Field(description="First day in force (null: since before the records)")
    valid_to: date | None = Field(description="Last day in force (null: still in force)")
    successor_code: str | None = Field(description="The unit that absorbed it, if it merged")


class DatedUnit(Answer):
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None


class SuccessorRef(Answer):
    code: str
    name: str
    valid_from: date | None


class ProvinceDetail(Province):
    successor: SuccessorRef | None = Field(None, description="Present when the unit merged into another")
    predecessors: list[DatedUnit] = Field(description="Units that merged into this one")


class Merged(ProvinceDetail):
    merger_id: int = Field(description="Undo with DELETE /v1/provinces/mergers/{merger_id}")


# ---------------------------------------------------------------- clusters and periods

class Replacement(Answer):
    model_config = {"populate_by_name": True}

    replaced: UnitRef = Field(alias="from")
    by: UnitRef = Field(alias="to")


class CopyChanges(Answer):
    replaced: list[Replacement] = Field(description="Members that merged away, replaced by their successors")
    merged_duplicates_removed: list[UnitRef] = Field(description="Successors already members: kept once")


class PeriodSet(Period):
    changes: CopyChanges | None = Field(None, description="With `copy_from`: what the mergers changed")


# ---------------------------------------------------------------- accounts and tokens

class TokenAnswer(Answer):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_token: str
    refresh_expires_in: int = Field(description="Seconds the refresh token is valid")


class Revoked(Answer):
    revoked: bool


class Jwk(Answer):
    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str


class Jwks(Answer):
    keys: list[Jwk]


class Me(Answer):
    """Who the token says the caller is. A ``staff`` account's answer adds ``organiser``, a ``unit``
    account's ``unit_code`` (the others answer as they always have)."""

    username: str
    role: Literal["ministry", "province", "service", "staff", "unit"]
    province_code: str | None


class AccountState(BaseModel):
    username: str
    role: str
    province_code: str | None
    active: bool
    disabled_at: datetime | None
    disabled_by: str | None
    token_version: int


# ---------------------------------------------------------------- request bodies

class Successor(BaseModel):
    code: str = Field(pattern=PROVINCE_CODE)
    name: str = Field(min_length=2, max_length=100, description="Words of letters: no digits or symbols")
    kind: Literal["province", "city"] = "province"

    _visible = field_validator("name")(visible_name)
    _is_a_name = field_validator("name")(check_unit_name)


class MergerIn(BaseModel):
    sources: list[ProvinceCodeIn] = Field(min_length=1, max_length=20)
    successor: Successor
    effective_date: date = Field(gt=date.min, description="The successor's first day; the sources' last is the day "
                                                          "before. Within the configured window around today "
                                                          "(REGISTRY_MERGER_WINDOW_DAYS, 731 by default)")


# ---------------------------------------------------------------- organisers and units

class Organiser(Answer):
    code: str = Field(description="BNV: the Ministry of Home Affairs")
    name: str
    kind: Literal["ministry", "province", "other"]
    province_code: str | None = Field(description="A provincial People's Committee's province")
    award_level: Literal["ministry", "province"] = Field(description="The level of the awards it gives")


class UnitAnswer(Answer):
    code: str = Field(description="With the validity period it names one unit: national codes for provinces (2 "
                                  "digits), districts (3) and communes (5); an office's code (starting with a "
                                  "letter) for any other unit")
    name: str
    kind: Literal["province", "department", "district", "commune", "public_service", "enterprise", "collective"]
    form: str | None = Field(description="A national unit's form: province|city, huyen|quan|thi_xa|thanh_pho, "
                                         "xa|phuong|dac_khu|thi_tran")
    organiser: str | None = Field(description="The organiser the unit belongs to (the provinces: BNV; a commune of "
                                              "the national list: its province's People's Committee, none until "
                                              "that is an organiser)")
    province_code: str | None = Field(description="The province it lies in")
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None


class UnitChange(Answer):
    kind: Literal["created", "renamed", "merged", "absorbed", "dissolved"]
    effective_date: date | None
    details: dict
    reason: str | None
    changed_by: str
    changed_at: datetime


class UnitDetail(UnitAnswer):
    successor: SuccessorRef | None
    predecessors: list[DatedUnit]
    changes: list[UnitChange] = Field(description="What happened to the units that carried this code, oldest first")
class ClusterIn(BaseModel):
    code: ClusterCode
    name: str = Field(min_length=1, max_length=300)
    organizer: str | None = Field(default=None, min_length=1, max_length=300, examples=["Bộ Nội vụ"],
                                  description="The name its documents show (default: the organiser's name)")
    organiser: str = Field(default="BNV", pattern=ORGANISER_CODE,
                           description="Whose cluster it is (default: the ministry); its emulation office creates it")
    kind: Literal["cum", "khoi"] = Field(description="cụm (by region) or khối (by sector)")
    allow_shared_members: bool = Field(default=False, description="Its members may also sit in another cluster of "
                                                                  "the same kind in one year")

    # Names shown publicly: no invisible or reordering characters (U+202E would turn one round).
    _visible = field_validator("name")(visible_name)
    _visible_organizer = field_validator("organizer")(optional_name)


class PeriodIn(BaseModel):
    members: list[UnitCodeIn] | None = Field(default=None, max_length=100)
    rotation_order: list[UnitCodeIn] | None = Field(default=None, max_length=100)
    copy_from: Year | None = None
    reference_date: date | None = Field(default=None, description="Members must be in force on this date "
                                                                   "(default: 1 January of the year)")


class ClusterPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    organizer: str | None = Field(default=None, min_length=1, max_length=300)
    allow_shared_members: bool | None = Field(
        default=None, description="Allow this cluster's members to sit in another cluster of the same kind "
                                  "in one year")

    _visible = field_validator("name", "organizer")(optional_name)

    @model_validator(mode="after")
    def _changes_something(self) -> ClusterPatch:
        if self.name is None and self.organizer is None and self.allow_shared_members is None:
            raise FieldValueError("name", "give name, organizer or allow_shared_members")
        return self


class MembersChangeIn(BaseModel):
    effective_date: date = Field(description="The first day the change holds (members added join, members "
                                             "removed are no longer members); within the period's year")
    add: list[UnitCodeIn] = Field(default_factory=list, max_length=100)
    remove: list[UnitCodeIn] = Field(default_factory=list, max_length=100)
    reason: str = Field(min_length=1, max_length=2000, description="Why (a decision's number, say)")

    _nfc = field_validator("reason")(nfc)


class LeadershipCorrectionIn(BaseModel):
    lead: UnitCodeIn
    deputy: UnitCodeIn
    reason: str = Field(min_length=1, max_length=2000)

    _nfc = field_validator("reason")(nfc)


class LeadershipIn(BaseModel):
    method: Literal["rotation", "election"]
    lead: UnitCodeIn | None = None
    deputy: UnitCodeIn | None = None

    @model_validator(mode="after")
    def _election_names_both(self) -> LeadershipIn:
        if self.method == "election" and (self.lead is None or self.deputy is None):
            raise FieldValueError("lead" if self.lead is None else "deputy", "an election names both lead and deputy")
        return self


class AccountIn(BaseModel):
    username: str = Field(pattern=USERNAME)
    password: str | None = Field(default=None, min_length=1, max_length=200,
                                 description="At least 12 characters, hard to guess (checked with zxcvbn); "
                                             "omitted: the answer carries a one-time `setup_code` with which the "
                                             "person sets it (no password travels by e-mail)")
    role: Literal["ministry", "province", "service", "staff", "unit"] = Field(
        description="`staff`: an organiser's emulation office (names `organiser`); `unit`: one unit (names "
                    "`unit_code`); `province`: a province's unit account (names `province_code`, kept as it was)")
    province_code: str | None = Field(default=None, pattern=PROVINCE_CODE)
    organiser: str | None = Field(default=None, pattern=ORGANISER_CODE)
    unit_code: str | None = Field(default=None, pattern=UNIT_CODE)
    display_name: Name | None = Field(default=None, max_length=200)
    position: Name | None = Field(default=None, max_length=200, examples=["Giám đốc Sở Nội vụ"])

    @model_validator(mode="after")
    def _target_matches_role(self) -> AccountIn:
        wants = {"province": "province_code", "staff": "organiser", "unit": "unit_code"}.get(self.role)
        for field in ("province_code", "organiser", "unit_code"):
            if (field == wants) != (getattr(self, field) is not None):
                raise FieldValueError(field, f"a {self.role} account names "
                                             + (f"its {field}" if field == wants else f"no {field}"))
        return self


class AccountProfile(BaseModel):
    """The person behind an account (the account itself, or whoever manages it)."""
    display_name: Name | None = Field(default=None, max_length=200)
    position: Name | None = Field(default=None, max_length=200)


class PasswordSetup(BaseModel):
    username: str = Field(max_length=64)
    setup_code: str = Field(min_length=1, max_length=40)
    new_password: str = Field(min_length=1, max_length=200,
                              description="At least 12 characters, hard to guess (checked with zxcvbn)")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200,
                              description="At least 12 characters, hard to guess (checked with zxcvbn)")


# ---------------------------------------------------------------- organisers and units: request bodies

UnitKind = Literal["province", "department", "district", "commune", "public_service", "enterprise", "collective"]
Reason = Annotated[str, Field(min_length=1, max_length=2000, description="Why (a decision's number, say)")]


class OrganiserIn(BaseModel):
    code: str = Field(pattern=ORGANISER_CODE, examples=["UBND-QN"])
    name: str = Field(min_length=1, max_length=300, examples=["Ủy ban nhân dân tỉnh Quảng Ninh"])
    kind: Literal["ministry", "province", "other"]
    province_code: str | None = Field(default=None, pattern=r"^[0-9]{2}$",
                                      description="A province's People's Committee names its province")

    _visible = field_validator("name")(visible_name)


class UnitIn(BaseModel):
    code: str = Field(pattern=UNIT_CODE, examples=["QN-SNV"])
    name: str = Field(min_length=1, max_length=300, examples=["Sở Nội vụ tỉnh Quảng Ninh"])
    kind: UnitKind
    organiser: str = Field(pattern=ORGANISER_CODE)
    form: str | None = Field(default=None, max_length=20, description="A district's or commune's form")
    province_code: str | None = Field(default=None, pattern=r"^[0-9]{2}$",
                                      description="Default: the organiser's province")
    valid_from: date | None = Field(default=None, description="First day in force (default: since before the "
                                                              "records)")
    valid_to: date | None = Field(default=None, description="Last day in force, for a unit recorded as history (a "
                                                            "commune not in the national list of communes ended "
                                                            "before 2025-07-01)")
    successor_code: str | None = Field(default=None, pattern=UNIT_CODE,
                                       description="The unit it merged into the day after valid_to")

    _visible = field_validator("name")(visible_name)


class RenameIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    effective_date: date
    reason: str | None = Field(default=None, min_length=1, max_length=2000)

    _visible = field_validator("name")(visible_name)
    _nfc = field_validator("reason")(nfc)


class DissolveIn(BaseModel):
    effective_date: date = Field(gt=date.min, description="The first day the unit no longer exists")
    reason: Reason

    _nfc = field_validator("reason")(nfc)


class SuccessorIn(BaseModel):
    code: str = Field(pattern=UNIT_CODE, description="A unit in force then absorbs the sources; otherwise a new "
                                                     "unit with this code")
    name: str | None = Field(default=None, min_length=1, max_length=300)
    kind: UnitKind | None = None
    form: str | None = Field(default=None, max_length=20)

    _visible = field_validator("name")(optional_name)


class UnitMergerIn(BaseModel):
    sources: list[Annotated[str, Field(pattern=UNIT_CODE)]] = Field(min_length=1, max_length=50)
    successor: SuccessorIn
    effective_date: date = Field(gt=date.min)
    reason: Reason

    _nfc = field_validator("reason")(nfc)
