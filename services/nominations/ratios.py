"""Shares read exactly: a quorum, a threshold, the Government-flag cap's share. Pure, no I/O.

Every context that compares a count with a share reads the share here, so ``0.2`` is one fifth
everywhere (a float is not a binary approximation in a rule)."""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

__all__ = ["Ratio", "exact_fraction"]

Ratio = int | float | Fraction | Decimal | str
"""Anything :func:`exact_fraction` accepts."""

# A float is read as the simplest fraction with a denominator up to this that rounds to it.
# Any two such fractions differ by at least 1e-12, far more than a float's rounding error, so the
# pick is unambiguous; a float with no such fraction is read as its shortest decimal spelling.
_FLOAT_MAX_DENOMINATOR = 10**6
# "1e10000000" is eleven characters, and Fraction builds 10**10000000 from it (half a minute of
# CPU in the request's event loop). No share needs an exponent beyond this.
_MAX_EXPONENT = 100
_EXPONENT_RE = re.compile(r"[eE][+-]?0*([0-9]+)")


def exact_fraction(value: Ratio, *, name: str = "value") -> Fraction:
    """Read a ratio exactly.

    ``int``/``Fraction``/``Decimal`` are exact already; a ``str`` is parsed by :class:`Fraction`
    (``"2/3"``, ``"0.5"``). A ``float`` becomes the simplest fraction (denominator ≤ 10**6) that
    rounds back to the same float, else the decimal of its shortest ``repr``: so ``2/3`` → 2/3,
    ``0.1`` → 1/10, ``1e-07`` → 1/10000000. ``bool`` is not a number.
    Raises ``TypeError`` for other types, ``ValueError`` for NaN, infinities and bad strings.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, not a bool")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        simple = Fraction(value).limit_denominator(_FLOAT_MAX_DENOMINATOR)
        if float(simple) == value:
            return simple
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        return Fraction(value)
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        exponent = _EXPONENT_RE.search(value)
        if exponent and (len(exponent.group(1)) > 3 or int(exponent.group(1)) > _MAX_EXPONENT):
            raise ValueError(f"{name} must be a number with an exponent of at most {_MAX_EXPONENT}, got {value!r}")
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
    raise TypeError(f"{name} must be a number, got {type(value).__name__}")
