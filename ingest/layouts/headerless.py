"""A table with no header row: columns are read by position and the report says how.

Each column's kind is decided from the first 50 rows: text, number or date. The first
text column is the commodity; one number column is the price; three are low, average,
high (the average is the price); a date column dates the rows; a second text column is
the spec. Anything else is not guessed: the sheet is reported as unrecognised.
"""

from __future__ import annotations

from typing import Any

from ..issues import WARNING, Issue
from ..normalise import is_blank, parse_date, parse_number
from . import Context, SheetResult
from .table import ValueCol, emit

_NAMES = {"commodity": "品名", "spec": "规格", "date": "日期", "low": "最低价", "price": "价格",
          "high": "最高价"}


def _kind(values: list[Any]) -> str | None:
    vals = [v for v in values if not is_blank(v)]
    if not vals:
        return None
    if all(parse_number(v)[0] is not None for v in vals):
        if all(isinstance(v, str) and len(v.strip()) == 8 and v.strip().isdigit() for v in vals):
            return "date"
        return "number"
    if all(parse_date(v, 2000)[0] is not None and not isinstance(v, int | float) for v in vals):
        return "date"
    return "text"


def extract(sheet: str, rows: list[list[Any]], ctx: Context) -> SheetResult | None:
    sample = [r for r in rows[:50] if any(not is_blank(c) for c in r)]
    if not sample:
        return None
    width = max(len(r) for r in sample)
    kinds = [_kind([r[j] if j < len(r) else None for r in sample]) for j in range(width)]
    texts = [j for j, k in enumerate(kinds) if k == "text"]
    nums = [j for j, k in enumerate(kinds) if k == "number"]
    dates = [j for j, k in enumerate(kinds) if k == "date"]
    if not texts or len(nums) not in (1, 3):
        return None
    fields = {"commodity": texts[0]}
    if len(texts) > 1:
        fields["spec"] = texts[1]
    if dates:
        fields["date"] = dates[0]
    if len(nums) == 3:
        fields["low"], fields["high"] = nums[0], nums[2]
        price = nums[1]
    else:
        price = nums[0]
    res = emit(sheet, rows, 0, fields, [ValueCol(price)], "long(headerless)", ctx, [])
    order = sorted([*fields.items(), ("price", price)], key=lambda kv: kv[1])
    res.issues.insert(0, Issue("no_header", WARNING, sheet, None, None,
                               {"columns": ", ".join(_NAMES[f] for f, _ in order)}))
    return res
