"""Events of emulation movements (producer ``nominations``, context ``movements``).

Units are named by code; ``provinces`` lists the province accounts concerned (a unit that is a
province, or the province a unit belongs to), which is how the notifications service reaches them.
"""
from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.common import Contract, Name, ProvinceCode

MOVEMENT_LAUNCHED = "nominations.movement.launched"
MOVEMENT_PHASE_STARTED = "nominations.movement.phase_started"
MOVEMENT_PHASE_ENDED = "nominations.movement.phase_ended"
MOVEMENT_REGISTRATION_DUE = "nominations.movement.registration_due"
MOVEMENT_MODEL_RECOGNISED = "nominations.movement.model_recognised"

UnitCode = ProvinceCode


class MovementLaunchedV1(Contract):
    """An organiser launched a movement: the units in scope are asked to register by the deadline."""

    movement_id: uuid.UUID
    name: Name
    kind: Name
    organiser_code: Name
    organiser_name: Name
    starts_on: date
    ends_on: date
    registration_deadline: date
    document_number: Name
    units: int = Field(ge=0)
    provinces: list[ProvinceCode]


class MovementPhaseV1(Contract):
    """A phase of a launched movement started or ended (its report, sơ kết, is due by ``report_deadline``)."""

    movement_id: uuid.UUID
    name: Name
    organiser_code: Name
    phase: int = Field(ge=1)
    phase_name: Name
    starts_on: date
    ends_on: date
    report_deadline: date
    provinces: list[ProvinceCode]


class MovementRegistrationDueV1(Contract):
    """The registration deadline is near: these units in scope have not registered yet."""

    movement_id: uuid.UUID
    name: Name
    organiser_code: Name
    deadline: date
    unregistered: list[UnitCode] = Field(min_length=1)
    provinces: list[ProvinceCode] = Field(min_length=1)


class MovementModelRecognisedV1(Contract):
    """The organiser recognised a model or example (mô hình, điển hình) by a decision."""

    movement_id: uuid.UUID
    movement_name: Name
    model_id: uuid.UUID
    title: Name
    unit_code: UnitCode
    level: Name
    decision_number: Name
    decision_date: date
    provinces: list[ProvinceCode]
