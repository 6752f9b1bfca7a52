"""The statistics forms' typed contract."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

FormCode = Literal["movements", "state_awards", "organiser_awards"]


class FormSummary(BaseModel):
    form: FormCode = Field(description="The path's name of the form")
    symbol: str = Field(description="The printed form's number under the year's circular (0602.N/BNV-TĐKT)")
    title: str
    subject: Literal["movements", "awards"]
    unit: str = Field(description="What a figure counts")
    basis: str = Field(description="Whose layout it is, and where it is thidua's own")
    notes: list[str]
    organiser: str | None = Field(description="Whose records (null: every organiser, the national form)")
    year: int
    url: str


class FormList(BaseModel):
    organiser: str | None
    year: int
    due: date = Field(description="When the forms are due (15 December of the year)")
    items: list[FormSummary]
    next: str | None = None


class Column(BaseModel):
    key: str
    number: str
    label: str


class Cell(BaseModel):
    cell: str = Field(description="<row>.<column>: the cell's id in …/cells/{cell}/records")
    column: str
    value: int | None = Field(description="The figure; null where the row and the column exclude each other")
    records: str | None = Field(description="The URL listing the records this figure counts")


class Row(BaseModel):
    key: str
    number: str
    label: str
    indent: int
    cells: list[Cell]


class Form(FormSummary):
    columns: list[Column]
    rows: list[Row]


class AwardRecord(BaseModel):
    id: int
    year: int
    form_code: str
    form_name: str
    kind: Literal["collective", "individual"]
    name: str
    position: str | None
    unit: str | None
    province_code: str
    province_name: str
    cluster_code: str
    decision_number: str
    decision_date: date
    organiser: str
    gender: str | None
    leader_level: str | None
    direct_worker: bool | None
    ethnic_minority: bool | None


class MovementRecord(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    organiser_code: str
    organiser_name: str
    starts_on: date
    ends_on: date
    state: str
    document_number: str | None
    document_date: date | None
    scope: str
    level: str
    duration: str
    url: str


class CellRecords(BaseModel):
    form: FormCode
    cell: str
    organiser: str | None
    year: int
    items: list[AwardRecord] | list[MovementRecord]
    next: str | None = None


class AwardsOfYear(BaseModel):
    year: int
    form_code: str
    form_name: str
    collective: int
    individual: int
    total: int


class FlagsOfYear(BaseModel):
    year: int
    government_flags: int = Field(description="Government flags approved or awarded (rounds and capped forms)")
    cluster_leaders: int | None = Field(description="Clusters with a period that year, each with its lead "
                                                    "(null: the registry did not answer)")
    cap: int | None = Field(description="floor(cluster leaders × the organiser's share)")


class MovementCounts(BaseModel):
    total: int
    regular: int
    thematic: int


class ModelsOfField(BaseModel):
    field: str
    field_name: str
    registered: int
    recognised: int


class Participation(BaseModel):
    movement_id: uuid.UUID
    name: str
    organiser_code: str
    expected: int
    registered: int


class Dashboard(BaseModel):
    organiser: str | None
    year: int
    years: list[int]
    awards_by_year: list[AwardsOfYear]
    flags: list[FlagsOfYear]
    movements: MovementCounts = Field(description="Launched movements running in the year")
    models_by_field: list[ModelsOfField]
    participation: list[Participation]
