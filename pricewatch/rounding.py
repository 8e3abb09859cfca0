"""Rounding half away from zero, the one rule for every number the public sees.

A module of its own, without pandas or numpy, so that both the indicators
(:mod:`pricewatch.indicators.formulas`, which adds the vectorised form) and the text
formatter (:mod:`pricewatch.textfmt`, which the command line imports cheaply) use the same
function.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def is_missing(x: Any) -> bool:
    """None, NaN (float or numpy), pandas' NA or NaT: no value to round."""
    if x is None:
        return True
    try:
        return bool(x != x)  # only NaN (and NaT) differ from themselves
    except TypeError:  # pandas.NA: its comparisons are NA, neither true nor false
        return True


def round_half_up(x: float | None, places: int) -> float | None:
    """``x`` rounded half away from zero to ``places`` decimals; None for None/NaN.

    The value is first rounded to 9 decimals (drops float noise: a mean that is 10.125 on
    paper is 10.124999999999998 as a double), then quantised with ROUND_HALF_UP.
    """
    if is_missing(x):
        return None
    q = Decimal(1).scaleb(-places)
    # + 0.0 turns -0.0 into 0.0 (a change of -0.04 % is published as 0.0, not -0.0)
    return float(Decimal(repr(round(float(x), 9))).quantize(q, rounding=ROUND_HALF_UP)) + 0.0  # type: ignore[arg-type]
