"""Rankings of a cluster's members and of every unit nationally: pure rules, no I/O.

These functions are the reference semantics. The production job computes the same thing in SQL
with window functions, and the tests compare the two, so every rule is spelled out here.

Per unit (:class:`UnitScore` → :class:`RankedUnit`)
----------------------------------------------------
- ``total = regular + bonus + penalty``; ``penalty`` is zero or negative.
- ``share = round(total / max_total, 4)``, rounding half away from zero (``ROUND_HALF_UP``, as
  PostgreSQL's ``round(numeric, 4)``); ``0`` when ``max_total`` is 0. ``max_total`` is the
  cluster's REGULAR maximum (see ``covenant.max_total``), so bonus points can lift a share above 1
  and penalties can push it below 0.
- ``band``: the first of ``config.bands`` (thresholds strictly descending) whose threshold the
  *rounded* share reaches (``share >= threshold``): with the default bands a share of exactly
  ``0.9500`` is "Xuất sắc" and ``0.9499`` is "Tốt". The last band is the floor: a share below every
  threshold (only a negative one, as the last threshold must be ≤ 0) also gets it. Using the
  rounded share means the band always agrees with the share displayed.

Cluster ranking (:func:`rank_cluster`)
--------------------------------------
- Display order: ``total`` descending, then each tie-break key of ``config.tie_break`` in turn,
  then province code ascending (the code only makes the order stable; it never affects a rank).
  Tie-break keys:

  ================  =========================================================================
  ``fewer_penalty``  ``penalty`` descending: the penalty closer to zero (fewer points deducted)
                     comes first
  ``higher_regular`` ``regular`` descending
  ``higher_bonus``   ``bonus`` descending
  ================  =========================================================================

- ``rank`` is the standard competition ranking ("1224") over the FULL key, ``total`` plus every
  tie-break key: ``rank = 1 + the number of units strictly ahead on that key``. Two units with the
  same total but different penalties get different ranks; units equal on the total and on every
  tie-break key share a rank and the next rank is skipped (1, 2, 2, 4).
  In SQL, with the default config::

      rank() OVER (PARTITION BY cluster ORDER BY total DESC, penalty DESC, regular DESC)

National ranking (:func:`rank_national`)
----------------------------------------
- Every unit of every cluster, each with the share of ITS cluster's maximum (clusters may have
  different covenants and so different maxima).
- ``rank`` is the competition ranking on the rounded ``share`` alone:
  ``rank() OVER (ORDER BY share DESC)``; display order ``share`` descending, then cluster code,
  then ``cluster_rank``, then province code. ``cluster_rank`` is the unit's rank within its
  cluster (as above). A province listed in two clusters appears once per cluster.

Input digest (:func:`inputs_digest`)
------------------------------------
sha256 over a canonical serialisation of a multiset of rows: the order of the rows does not
matter, equal numbers serialise equally (``Decimal("1.50")``, ``Decimal("1.5")``; an ``int`` and
an integral ``Decimal``), strings are NFC-normalised. Any changed value, or an added or removed
row, changes the digest. It lets a job skip recomputing a ranking whose inputs have not changed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
import uuid
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import Enum
from typing import Any, Iterable, Mapping, Sequence

from .covenant import canonical_decimal

__all__ = [
    "DEFAULT_BANDS",
    "NationalRankedUnit",
    "RankedUnit",
    "RankingConfig",
    "TIE_BREAK_KEYS",
    "UnitScore",
    "band_for",
    "inputs_digest",
    "rank_cluster",
    "rank_national",
    "share_of",
]

#: Tie-break keys → the UnitScore attribute where a HIGHER value ranks higher.
TIE_BREAK_KEYS: Mapping[str, str] = {
    "fewer_penalty": "penalty",   # penalty ≤ 0: closer to zero is better
    "higher_regular": "regular",
    "higher_bonus": "bonus",
}

DEFAULT_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("0.95"), "Xuất sắc"),
    (Decimal("0.85"), "Tốt"),
    (Decimal("0.70"), "Khá"),
    (Decimal("0"), "Trung bình"),
)

_SHARE_PLACES = Decimal("0.0001")
_DIGEST_PREFIX = "thidua/ranking-inputs/v1\n"


def _dec(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}")
    if isinstance(value, float):
        value = repr(value)
    try:
        d = Decimal(value)
    except ArithmeticError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return d


def _plus_zero(d: Decimal) -> Decimal:
    """-0 → 0 (so that a zero never prints as "-0.00")."""
    return abs(d) if d.is_zero() else d


# --------------------------------------------------------------------------------------------- config

@dataclass(frozen=True)
class RankingConfig:
    """How ties are broken and how shares map to bands (see the module docstring)."""

    tie_break: tuple[str, ...] = ("fewer_penalty", "higher_regular")
    bands: tuple[tuple[Decimal, str], ...] = DEFAULT_BANDS

    def __post_init__(self) -> None:
        if isinstance(self.tie_break, str):
            raise ValueError("tie_break must be a sequence of keys, not a string")
        tie_break = tuple(self.tie_break)
        for key in tie_break:
            if key not in TIE_BREAK_KEYS:
                raise ValueError(f"unknown tie-break key {key!r}; allowed: {', '.join(TIE_BREAK_KEYS)}")
        if len(set(tie_break)) != len(tie_break):
            raise ValueError("a tie-break key appears twice")
        object.__setattr__(self, "tie_break", tie_break)

        bands: list[tuple[Decimal, str]] = []
        for i, band in enumerate(self.bands):
            try:
                threshold, label = band
            except (TypeError, ValueError):
                raise ValueError(f"bands[{i}] must be a (threshold, label) pair") from None
            threshold = _dec(threshold, f"bands[{i}] threshold")
            if not isinstance(label, str) or not label.strip():
                raise ValueError(f"bands[{i}] needs a non-empty label")
            if bands and not threshold < bands[-1][0]:
                raise ValueError("band thresholds must be strictly descending")
            bands.append((threshold, unicodedata.normalize("NFC", label.strip())))
        if not bands:
            raise ValueError("at least one band is needed")
        if bands[-1][0] > 0:
            raise ValueError("the last band's threshold must be 0 (or below) so that every unit gets a band")
        object.__setattr__(self, "bands", tuple(bands))


def share_of(total: Decimal, max_total: Decimal) -> Decimal:
    """``total / max_total`` rounded half away from zero to 4 places; 0 when the maximum is 0."""
    if max_total == 0:
        return Decimal("0.0000")
    with localcontext() as ctx:
        ctx.prec = 60
        share = (total / max_total).quantize(_SHARE_PLACES, rounding=ROUND_HALF_UP)
    return _plus_zero(share)


def band_for(share: Decimal, config: RankingConfig | None = None) -> str:
    """The first band whose threshold ``share`` reaches (>=); the last band below every threshold."""
    bands = (config or RankingConfig()).bands
    for threshold, label in bands:
        if share >= threshold:
            return label
    return bands[-1][1]


# --------------------------------------------------------------------------------------------- units

@dataclass(frozen=True)
class UnitScore:
    """A unit's (effective) sums in one cluster: ``regular`` ≥ 0, ``bonus`` ≥ 0, ``penalty`` ≤ 0,
    ``max_total`` ≥ 0 the cluster's regular maximum. Numbers are coerced to Decimal."""

    province: str
    regular: Decimal
    bonus: Decimal
    penalty: Decimal
    max_total: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.province, str) or not self.province:
            raise ValueError("province must be a non-empty code")
        for name in ("regular", "bonus", "penalty", "max_total"):
            object.__setattr__(self, name, _dec(getattr(self, name), name))
        if self.regular < 0:
            raise ValueError(f"{self.province}: regular must not be negative")
        if self.bonus < 0:
            raise ValueError(f"{self.province}: bonus must not be negative")
        if self.penalty > 0:
            raise ValueError(f"{self.province}: penalty must be zero or negative")
        if self.max_total < 0:
            raise ValueError(f"{self.province}: max_total must not be negative")

    @property
    def total(self) -> Decimal:
        return _plus_zero(self.regular + self.bonus + self.penalty)


@dataclass(frozen=True)
class RankedUnit:
    province: str
    total: Decimal
    share: Decimal
    rank: int
    band: str
    regular: Decimal
    bonus: Decimal
    penalty: Decimal


@dataclass(frozen=True)
class NationalRankedUnit:
    cluster: str
    province: str
    total: Decimal
    max_total: Decimal
    share: Decimal
    rank: int
    band: str
    cluster_rank: int
    regular: Decimal
    bonus: Decimal
    penalty: Decimal


def _merit(unit: UnitScore, config: RankingConfig) -> tuple[Decimal, ...]:
    """The full ranking key, every component "higher is better"."""
    return (unit.total, *(getattr(unit, TIE_BREAK_KEYS[key]) for key in config.tie_break))


def _competition_ranks(keys: Sequence[Any]) -> list[int]:
    """Standard competition ranks for keys already sorted best first (equal keys share a rank)."""
    ranks: list[int] = []
    for i, key in enumerate(keys):
        ranks.append(ranks[-1] if i and key == keys[i - 1] else i + 1)
    return ranks


def rank_cluster(units: Sequence[UnitScore], config: RankingConfig = RankingConfig()) -> list[RankedUnit]:
    """Rank one cluster's members (see the module docstring); returned in display order.

    Raises ValueError when a province appears twice or the units disagree on ``max_total``
    (members of one cluster share one covenant and so one maximum).
    """
    units = list(units)
    if len({u.province for u in units}) != len(units):
        raise ValueError("a province appears twice in the cluster")
    if len({u.max_total for u in units}) > 1:
        raise ValueError("the units of one cluster must share the same max_total")
    merit = {u.province: _merit(u, config) for u in units}
    ordered = sorted(units, key=lambda u: (tuple(-v for v in merit[u.province]), u.province))
    ranks = _competition_ranks([merit[u.province] for u in ordered])
    result = []
    for unit, rank in zip(ordered, ranks):
        share = share_of(unit.total, unit.max_total)
        result.append(RankedUnit(province=unit.province, total=unit.total, share=share, rank=rank,
                                 band=band_for(share, config), regular=unit.regular, bonus=unit.bonus,
                                 penalty=unit.penalty))
    return result


def rank_national(units_by_cluster: Mapping[str, Sequence[UnitScore]],
                  config: RankingConfig = RankingConfig()) -> list[NationalRankedUnit]:
    """Rank every unit of every cluster by its share of its own cluster's maximum (see the module
    docstring); returned in display order. Each cluster is first checked as in :func:`rank_cluster`.
    """
    rows: list[NationalRankedUnit] = []
    for cluster in sorted(units_by_cluster):
        cluster_units = list(units_by_cluster[cluster])
        max_by_province = {u.province: u.max_total for u in cluster_units}
        for r in rank_cluster(cluster_units, config):
            rows.append(NationalRankedUnit(
                cluster=cluster, province=r.province, total=r.total, max_total=max_by_province[r.province],
                share=r.share, rank=0, band=r.band, cluster_rank=r.rank,
                regular=r.regular, bonus=r.bonus, penalty=r.penalty))
    rows.sort(key=lambda r: (-r.share, r.cluster, r.cluster_rank, r.province))
    ranks = _competition_ranks([r.share for r in rows])
    return [replace(r, rank=rank) for r, rank in zip(rows, ranks)]


# --------------------------------------------------------------------------------------------- digest

def _canonical(value: Any) -> Any:
    """A JSON-ready, type-tagged form of one value in which equal values are identical."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot digest {value!r}")
        value = Decimal(repr(value))
    if isinstance(value, int):
        return ["n", str(value)]
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot digest {value!r}")
        return ["n", canonical_decimal(value)]
    if isinstance(value, str):
        return ["s", unicodedata.normalize("NFC", value)]
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(dt.timezone.utc)
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["x", bytes(value).hex()]
    if isinstance(value, (tuple, list)):
        return ["l", [_canonical(v) for v in value]]
    raise TypeError(f"cannot digest a value of type {type(value).__name__}")


def inputs_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """sha256 hex of a canonical, order-independent serialisation of ``rows`` (see the module
    docstring). Rows are tuples (or lists) of None, bool, int, float, Decimal, str, date, datetime,
    UUID, bytes, Enum or nested tuples; anything else raises TypeError. Duplicate rows count."""
    encoded = []
    for row in rows:
        if not isinstance(row, (tuple, list)):
            raise TypeError(f"a row must be a tuple, got {type(row).__name__}")
        encoded.append(json.dumps([_canonical(v) for v in row], separators=(",", ":"), ensure_ascii=False))
    encoded.sort()
    payload = _DIGEST_PREFIX + "\n".join(encoded)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
