"""The registry's typed HTTP contract: request bodies (and, as they are described, responses)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from shared.text import StorableStr, nfc

CLUSTER_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
Code = Annotated[str, Field(pattern=r"^[0-9]{2}$")]


class AccountIn(BaseModel):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")
    password: str = Field(min_length=10, max_length=200)
    role: Literal["ministry", "province", "service"]
    province_code: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    display_name: StorableStr | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _province_matches_role(self) -> "AccountIn":
        if (self.role == "province") != (self.province_code is not None):
            raise ValueError("a province account names its province_code; other roles name none")
        return self


class ClusterIn(BaseModel):
    code: str = Field(pattern=CLUSTER_CODE)
    name: str = Field(min_length=1, max_length=300)
    organizer: str = Field(min_length=1, max_length=300, examples=["Bộ Nội vụ"])
    kind: Literal["cum", "khoi"] = Field(description="cụm (by region) or khối (by sector)")

    _nfc = field_validator("name", "organizer")(nfc)


class PeriodIn(BaseModel):
    members: list[Code] | None = Field(default=None, max_length=100)
    rotation_order: list[Code] | None = Field(default=None, max_length=100)
    copy_from: int | None = Field(default=None, ge=2000, le=2100)
    reference_date: date | None = Field(default=None, description="Members must be in force on this date "
                                                                   "(default: 1 January of the year)")


class LeadershipIn(BaseModel):
    method: Literal["rotation", "election"]
    lead: Code | None = None
    deputy: Code | None = None

    @model_validator(mode="after")
    def _election_names_both(self) -> "LeadershipIn":
        if self.method == "election" and (self.lead is None or self.deputy is None):
            raise ValueError("an election names both lead and deputy")
        return self


class Successor(BaseModel):
    code: str = Field(pattern=r"^[0-9]{2}$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["province", "city"] = "province"

    _nfc = field_validator("name")(nfc)


class MergerIn(BaseModel):
    sources: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field(min_length=1, max_length=20)
    successor: Successor
    effective_date: date = Field(gt=date.min, description="The successor's first day; the sources' last is the day before")
