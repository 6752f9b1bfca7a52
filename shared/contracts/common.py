"""Value types the contracts share: province and cluster references, the awards, round vocabulary."""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

#: A province's code (two digits today: ``"22"``, ``"01"``); a code names a unit only together with a date.
ProvinceCode = Annotated[str, StringConstraints(min_length=1, max_length=16, pattern=r"^\S+$")]
#: What a cluster's code may be: a letter or digit, then up to 39 letters, digits, ``.``, ``_`` or ``-``
#: (no ``/``, no leading ``.``: a code is safe in a URL path). The registry's table holds the same check.
CLUSTER_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
#: A cluster's code (``"NOIVU-BAC"``).
ClusterCode = Annotated[str, StringConstraints(pattern=CLUSTER_CODE_PATTERN)]
#: A calendar year of emulation work, as every HTTP contract bounds it.
Year = Annotated[int, Field(ge=2000, le=2100)]
#: An instant with its offset, written as Python's ISO 8601 (``2026-12-20T10:00:00+00:00``), as the
#: services have always written it.
Instant = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
                    WithJsonSchema({"type": "string", "format": "date-time"})]
#: A non-blank display name (Vietnamese, NFC).
Name = Annotated[str, StringConstraints(min_length=1)]


class Contract(BaseModel):
    """Base of every contract model: unknown fields are refused, so a producer cannot drift."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)


class Answer(BaseModel):
    """Base of the HTTP answers' models: every documented field is typed, and a field a newer
    server adds passes through rather than vanishing from the answer."""

    model_config = ConfigDict(extra="allow")


class ProvinceRef(Contract):
    """A province as events name it to people: its code and its name."""

    code: ProvinceCode
    name: Name


class Award(str, Enum):
    """The awards a vote round proposes units for."""

    government_flag = "government_flag"
    ministry_flag = "ministry_flag"
    certificate_of_merit = "certificate_of_merit"


class RoundState(str, Enum):
    """Where a vote round is in its life."""

    draft = "draft"
    open = "open"
    closed = "closed"
    certified = "certified"
    approved = "approved"
    returned = "returned"
    failed_quorum = "failed_quorum"
    runoff_required = "runoff_required"

    __str__ = str.__str__  # "open", not "RoundState.open", in messages and f-strings


class Outcome(str, Enum):
    """What the count of a round decided."""

    proposed = "proposed"
    failed_quorum = "failed_quorum"
    runoff_required = "runoff_required"


class LeadershipMethod(str, Enum):
    """How a cluster's lead and deputy for a year were chosen."""

    rotation = "rotation"
    election = "election"
