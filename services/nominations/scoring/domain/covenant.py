"""Covenants (giao ước thi đua) and score sheets: pure rules, no I/O.

At the start of a year the members of a cluster sign a covenant: a list of criteria, each with a
maximum number of points. At year end every member fills in a score sheet for itself; the cluster
lead cross-checks it and may replace individual scores (with reasons, kept elsewhere). The
*effective* sheet is the self score overridden by the cross-checked value wherever there is one.

Kinds of criteria
-----------------
- ``regular``: scored in ``[0, max_points]``; the regular maxima add up to the covenant's maximum
  (:func:`max_total`), the denominator of every "share of the maximum".
- ``bonus``: scored in ``[0, max_points]`` *on top of* the maximum, so a unit may exceed 100 %.
- ``penalty``: ``max_points`` is the largest possible deduction; scored in ``[-max_points, 0]``
  (a penalty score is zero or negative, never positive).

Numbers
-------
Points are :class:`~decimal.Decimal` with at most two decimal places (``7.25`` is fine, ``7.125``
is not). ``1.50`` and ``1.5`` are the same number. Floats are accepted as input and read through
their shortest ``repr`` (``0.1`` means ``Decimal("0.1")``); ``bool`` is never a number.

Errors
------
:class:`CovenantError` and :class:`SheetError` are plain :class:`ValueError` subclasses (this module
knows nothing about HTTP). Both carry ``errors``: every problem found, as ``(field, message)``
pairs, and ``field``: the first of them. Fields look like ``criteria[2].max_points`` and
``scores.TC1``.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from enum import Enum
from typing import Any, Iterable, Mapping, Sequence

__all__ = [
    "CODE_MAX_LENGTH",
    "POINTS_LIMIT",
    "CovenantError",
    "Criterion",
    "CriterionKind",
    "SheetError",
    "SheetTotals",
    "canonical_decimal",
    "covenant_digest",
    "effective_scores",
    "max_total",
    "sheet_totals",
    "validate_covenant",
    "validate_sheet",
]

CODE_MAX_LENGTH = 20
_CODE_RE = re.compile(r"[A-Za-z0-9._-]+")
_PLAIN_DECIMAL_RE = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_CENT = Decimal("0.01")
POINTS_LIMIT = Decimal(1_000_000_000)  # points are below this in magnitude (a sanity bound)
_DIGEST_PREFIX = "thidua/covenant/v1\n"


# --------------------------------------------------------------------------------------------- errors

Params = dict[str, str | int | float]
# One problem: (field, message), or (field, message, code, params) where ``code`` is the stable
# machine code clients translate (shared/problem_types.py) and ``params`` what its sentence quotes.
ErrorItem = tuple[str, str] | tuple[str, str, str, Params]
Coded = tuple[str, str, str, Params]


def _coded(item: ErrorItem) -> Coded:
    if len(item) == 4:
        return item
    return (item[0], item[1], "value_error", {})


class _FieldErrors(ValueError):
    """A ValueError listing every problem as (field, message[, code, params]); ``field`` is the first one's."""

    def __init__(self, errors: Sequence[ErrorItem] | str, *, field: str | None = None, code: str = "value_error"):
        if isinstance(errors, str):
            errors = [(field or "", errors, code, {})]
        items = [_coded(e) for e in errors]
        if not items:
            raise TypeError("an error needs at least one (field, message) pair")
        self.items: list[Coded] = [(str(f), str(m), c, p) for f, m, c, p in items]
        self.errors: list[tuple[str, str]] = [(f, m) for f, m, _, _ in self.items]
        self.field: str = self.items[0][0]
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in self.errors))

    @property
    def message(self) -> str:
        """The first problem's message."""
        return self.errors[0][1]


class CovenantError(_FieldErrors):
    """A covenant (or one criterion) is invalid."""


class SheetError(_FieldErrors):
    """A score sheet is invalid."""


# --------------------------------------------------------------------------------------------- numbers

def _exact_context(d: Decimal) -> Context:
    """A context wide enough that arithmetic on ``d`` never rounds."""
    return Context(prec=max(28, len(d.as_tuple().digits) + 8), Emax=MAX_EMAX, Emin=MIN_EMIN)


def canonical_decimal(value: Decimal) -> str:
    """The shortest plain (no exponent) spelling of a finite Decimal: ``1.50`` → ``"1.5"``,
    ``1E+2`` → ``"100"``, ``-0`` → ``"0"``. Equal numbers always give equal strings."""
    if not isinstance(value, Decimal):
        raise TypeError(f"expected a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    if value.is_zero():
        return "0"
    return format(value.normalize(_exact_context(value)), "f")


def _decimal_places(d: Decimal) -> int:
    """How many decimal places ``d`` really needs (trailing zeros do not count)."""
    _, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    trailing = 0
    for digit in reversed(digits):
        if digit != 0:
            break
        trailing += 1
    if trailing == len(digits):  # zero
        return 0
    return max(0, -(exponent + trailing))


def _to_decimal(value: Any) -> Decimal:
    """Read a number; raises ValueError with a short message when it is not a finite number."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not _PLAIN_DECIMAL_RE.fullmatch(text):
            raise ValueError("must be a number")
        d = Decimal(text)
    else:
        raise ValueError("must be a number")
    if not d.is_finite():
        raise ValueError("must be a finite number")
    return d


def _points(value: Any) -> Decimal:
    """A number of points: finite, at most two decimal places, returned with exactly two
    (``Decimal("7.5")`` → ``Decimal("7.50")``) and never negative zero."""
    d = _to_decimal(value)
    if d.copy_abs() >= POINTS_LIMIT:
        raise ValueError(f"must be less than {POINTS_LIMIT} in magnitude")
    if _decimal_places(d) > 2:
        raise ValueError("must have at most 2 decimal places")
    if d.is_zero():
        return Decimal("0.00")
    return d.quantize(_CENT, context=_exact_context(d))


def _fmt(d: Decimal) -> str:
    return canonical_decimal(d)


# --------------------------------------------------------------------------------------------- criteria

class CriterionKind(str, Enum):
    REGULAR = "regular"
    BONUS = "bonus"
    PENALTY = "penalty"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


# PostgreSQL text cannot hold U+0000; the criterion says so with its field rather than the database.
_NUL = "\x00"
_NUL_MESSAGE = "must not contain the NUL character (U+0000)"


@dataclass(frozen=True)
class Criterion:
    """One criterion of a covenant.

    Construction validates and normalises: ``title`` and ``group`` are NFC-normalised and stripped,
    ``max_points`` becomes a Decimal with two places, ``kind`` a :class:`CriterionKind`. A bad
    value raises :class:`CovenantError` whose ``field`` is the attribute name (``"max_points"``);
    :func:`validate_covenant` prefixes it with the criterion's position.
    """

    code: str
    title: str
    group: str
    max_points: Decimal
    kind: CriterionKind = CriterionKind.REGULAR

    def __post_init__(self) -> None:
        errors: list[ErrorItem] = []

        code = self.code
        if not isinstance(code, str):
            errors.append(("code", "must be a string"))
        elif not code:
            errors.append(("code", "must not be empty", "missing", {}))
        elif len(code) > CODE_MAX_LENGTH:
            errors.append(("code", f"must be at most {CODE_MAX_LENGTH} characters", "string_too_long",
                           {"max_length": CODE_MAX_LENGTH}))
        elif not _CODE_RE.fullmatch(code):
            errors.append(("code", "may only contain letters A-Z, digits, '.', '_' and '-'", "string_pattern_mismatch",
                           {}))

        title = self.title
        if not isinstance(title, str):
            errors.append(("title", "must be a string"))
        elif _NUL in title:
            errors.append(("title", _NUL_MESSAGE))
        else:
            title = _nfc(title)
            if not title:
                errors.append(("title", "must not be empty", "missing", {}))
            object.__setattr__(self, "title", title)

        group = self.group
        if group is None:
            group = ""
        if not isinstance(group, str):
            errors.append(("group", "must be a string"))
        elif _NUL in group:
            errors.append(("group", _NUL_MESSAGE))
        else:
            object.__setattr__(self, "group", _nfc(group))

        try:
            max_points = _points(self.max_points)
        except ValueError as exc:
            errors.append(("max_points", str(exc)))
        else:
            if max_points <= 0:
                errors.append(("max_points", "must be greater than 0", "greater_than", {"gt": 0}))
            object.__setattr__(self, "max_points", max_points)

        try:
            object.__setattr__(self, "kind", CriterionKind(self.kind))
        except ValueError:
            allowed = ", ".join(k.value for k in CriterionKind)
            errors.append(("kind", f"must be one of: {allowed}", "literal_error", {"expected": allowed}))

        if errors:
            raise CovenantError(errors)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        """Build from ``{"code", "title", "group"?, "max_points", "kind"?}``; ``group`` defaults to
        ``""`` and ``kind`` to ``"regular"``. Unknown or missing keys raise :class:`CovenantError`."""
        if not isinstance(data, Mapping):
            raise CovenantError("must be an object", field="")
        errors = [(str(key), "unknown field") for key in data if key not in _CRITERION_KEYS]
        errors += [(key, "required") for key in ("code", "title", "max_points") if key not in data]
        if errors:
            raise CovenantError(errors)
        return cls(code=data["code"], title=data["title"], group=data.get("group", ""),
                   max_points=data["max_points"], kind=data.get("kind", CriterionKind.REGULAR))

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready dict that :meth:`from_dict` reads back (points as a canonical string)."""
        return {"code": self.code, "title": self.title, "group": self.group,
                "max_points": _fmt(self.max_points), "kind": self.kind.value}


_CRITERION_KEYS = frozenset({"code", "title", "group", "max_points", "kind"})


def _prefixed(prefix: str, errors: Iterable[Coded]) -> list[ErrorItem]:
    return [(f"{prefix}.{f}" if f else prefix, m, c, p) for f, m, c, p in errors]


def validate_covenant(criteria: Sequence[Mapping[str, Any] | Criterion]) -> list[Criterion]:
    """Check a covenant and return its criteria as :class:`Criterion` objects, in the given order.

    Rules: at least one criterion, and at least one *regular* criterion (otherwise the maximum,
    the denominator of every share, would be zero); every criterion valid (see :class:`Criterion`);
    codes unique, compared ignoring case (``TC1`` and ``tc1`` may not both appear, as they would be
    confused on paper). Every problem is collected; :class:`CovenantError` lists them all.
    """
    if isinstance(criteria, (str, bytes, Mapping)) or not isinstance(criteria, Sequence):
        raise CovenantError("must be a list of criteria", field="criteria")
    if not criteria:
        raise CovenantError("a covenant needs at least one criterion", field="criteria")

    errors: list[ErrorItem] = []
    parsed: list[Criterion] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(criteria):
        where = f"criteria[{i}]"
        code: str | None
        try:
            criterion = item if isinstance(item, Criterion) else Criterion.from_dict(item)
        except CovenantError as exc:
            errors += _prefixed(where, exc.items)
            # an otherwise invalid criterion with a good code still takes part in the duplicate check
            code = item.get("code") if isinstance(item, Mapping) else None
            if not isinstance(code, str) or any(f == "code" for f, _ in exc.errors):
                continue
        else:
            parsed.append(criterion)
            code = criterion.code
        key = code.casefold()
        if key in seen:
            errors.append((f"{where}.code", f"duplicate code {code!r} (see criteria[{seen[key]}])",
                           "duplicate-criterion", {"code": code, "row": seen[key] + 1}))
        else:
            seen[key] = i

    if not errors and not any(c.kind is CriterionKind.REGULAR for c in parsed):
        errors.append(("criteria", "a covenant needs at least one regular criterion", "regular-criterion-needed", {}))
    if errors:
        raise CovenantError(errors)
    return parsed


def covenant_digest(criteria: Sequence[Mapping[str, Any] | Criterion]) -> str:
    """A sha256 hex digest identifying a covenant's content.

    The covenant is validated, then serialised as canonical JSON: criteria sorted by code, keys
    sorted, no whitespace, UTF-8, titles in NFC, points in canonical form (``10`` == ``10.00``).
    The order in which criteria were listed does not matter; any change to a code, title, group,
    maximum or kind does.
    """
    parsed = validate_covenant(criteria)
    payload = [c.as_dict() for c in sorted(parsed, key=lambda c: c.code)]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((_DIGEST_PREFIX + text).encode("utf-8")).hexdigest()


def max_total(criteria: Sequence[Criterion]) -> Decimal:
    """The covenant's maximum: the sum of ``max_points`` over the REGULAR criteria only.

    Bonus points come on top of this maximum (a unit may score more than 100 %), and penalties
    only ever subtract, so neither counts here. This is the denominator of a unit's share of the
    maximum used for bands and for the national ranking.
    """
    total = Decimal("0.00")
    for c in criteria:
        if c.kind is CriterionKind.REGULAR:
            total += c.max_points
    return total


# --------------------------------------------------------------------------------------------- sheets

def _check_score(criterion: Criterion, value: Any) -> tuple[Decimal | None, tuple[str, str, Params] | None]:
    """The points, or the problem as (message, code, params)."""
    try:
        points = _points(value)
    except ValueError as exc:
        return None, (str(exc), "decimal_parsing", {})
    m = criterion.max_points
    bounds: Params = {"min": f"-{_fmt(m)}", "max": "0"} if criterion.kind is CriterionKind.PENALTY else \
        {"min": "0", "max": _fmt(m)}
    if criterion.kind is CriterionKind.PENALTY:
        if points > 0:
            return None, (f"a penalty must be zero or negative (between -{_fmt(m)} and 0)", "score-out-of-range", bounds)
        if points < -m:
            return None, (f"a penalty may deduct at most {_fmt(m)} points (between -{_fmt(m)} and 0)",
                          "score-out-of-range", bounds)
    elif not (0 <= points <= m):
        return None, (f"must be between 0 and {_fmt(m)}", "score-out-of-range", bounds)
    return points, None


def validate_sheet(*, criteria: Sequence[Criterion], scores: Mapping[str, Any],
                   require_complete: bool) -> dict[str, Decimal]:
    """Check a score sheet (a self assessment, or a lead's adjustments) against the covenant.

    - every key of ``scores`` must be the code of one of ``criteria`` (else ``scores.<code>``:
      "unknown criterion"; codes are matched exactly);
    - regular and bonus scores lie in ``[0, max_points]``, penalty scores in ``[-max_points, 0]``;
    - every score is a number with at most two decimal places;
    - with ``require_complete`` every criterion must be scored (else ``scores.<code>``: "missing").
      Adjustments are partial by nature: validate them with ``require_complete=False``.

    Returns the scores as Decimals with two places, keyed by code, in covenant order. On failure
    raises :class:`SheetError` listing every problem: first those of the criteria in covenant
    order, then unknown codes in the order given.
    """
    if not isinstance(scores, Mapping):
        raise SheetError("must be an object mapping criterion codes to points", field="scores")
    errors: list[ErrorItem] = []
    result: dict[str, Decimal] = {}
    known: set[str] = set()
    for criterion in criteria:
        known.add(criterion.code)
        field = f"scores.{criterion.code}"
        if criterion.code not in scores:
            if require_complete:
                errors.append((field, "missing", "missing", {}))
            continue
        points, problem = _check_score(criterion, scores[criterion.code])
        if problem is not None:
            errors.append((field, *problem))
        else:
            assert points is not None
            result[criterion.code] = points
    for code in scores:
        if code not in known:
            errors.append((f"scores.{code}", "unknown criterion", "unknown-criterion", {"code": code}))
    if errors:
        raise SheetError(errors)
    return result


def effective_scores(self_scores: Mapping[str, Decimal], adjustments: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The cross-checked sheet: each adjustment replaces the self score for its code.

    A code the unit left unscored but the lead adjusted (typically a penalty the unit did not
    declare) takes the lead's value; codes without an adjustment keep the self score. Order: the
    self-scored codes first, in their order, then codes only the lead scored. Both inputs are
    expected to have been through :func:`validate_sheet`.
    """
    merged = dict(self_scores)
    merged.update(adjustments)
    return merged


@dataclass(frozen=True)
class SheetTotals:
    """Sums of one sheet: ``penalty`` is zero or negative and ``total = regular + bonus + penalty``."""

    regular: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal


def sheet_totals(criteria: Sequence[Criterion], effective: Mapping[str, Any]) -> SheetTotals:
    """Add up an (effective) sheet per kind of criterion; an unscored criterion counts as 0.

    A code that is not in the covenant raises :class:`SheetError` rather than being ignored.
    """
    kinds = {c.code: c.kind for c in criteria}
    sums = {kind: Decimal("0.00") for kind in CriterionKind}
    errors: list[tuple[str, str]] = []
    for code, value in effective.items():
        kind = kinds.get(code)
        if kind is None:
            errors.append((f"scores.{code}", "unknown criterion"))
            continue
        try:
            sums[kind] += _to_decimal(value)
        except ValueError as exc:
            errors.append((f"scores.{code}", str(exc)))
    if errors:
        raise SheetError(errors)
    regular, bonus, penalty = sums[CriterionKind.REGULAR], sums[CriterionKind.BONUS], sums[CriterionKind.PENALTY]
    return SheetTotals(regular=regular, bonus=bonus, penalty=penalty, total=regular + bonus + penalty)
