"""Layout (b)/(c) when the header words are unknown (e.g. English market codes).

The first data row is the first row whose first filled cell is text followed by at least
two numbers; the row above it is the header (market or date per column) and the row above
that, when it has cells over the value columns, a merged group header (forward-filled and
prefixed to the market name; a unit inside it, "1  ¥/kg", applies to its columns). The
first filled column is the commodity. Rows above the headers are the title.
"""

from __future__ import annotations

from typing import Any

from ..normalise import clean_text, is_blank, looks_like_date, parse_number
from . import Context, SheetResult
from .table import ValueCol, _group_market_unit, emit, group_labels


def _numeric(c: Any) -> bool:
    n, unit, ok = parse_number(c)
    return n is not None and ok and unit is None


def extract(sheet: str, rows: list[list[Any]], ctx: Context) -> SheetResult | None:
    first = None
    for i, r in enumerate(rows[:30]):
        filled = [j for j, c in enumerate(r) if not is_blank(c)]
        if len(filled) >= 3 and not _numeric(r[filled[0]]) and sum(_numeric(r[j]) for j in filled[1:]) >= 2:
            first = i
            c0 = filled[0]
            break
    if first is None or first == 0:
        return None
    h = first - 1
    header = rows[h]
    g = h - 1 if h >= 1 and any(not is_blank(c) for c in rows[h - 1][c0 + 1:]) else None
    width = max(len(header), *(len(r) for r in rows[first:first + 20]))
    groups = group_labels(rows, g, width, c0 + 1) if g is not None else [None] * width
    value_cols = []
    cols = [j for j in range(c0 + 1, width) if not is_blank(header[j] if j < len(header) else None)]
    if cols and all(looks_like_date(header[j]) for j in cols):
        layout = "wide_by_date"
        value_cols = [ValueCol(j, None, None, header[j]) for j in cols]
    else:
        layout = "wide_by_market"
        for j in cols:
            market, unit = _group_market_unit(groups[j], clean_text(header[j]))
            value_cols.append(ValueCol(j, market, unit))
    if not value_cols:
        return None
    return emit(sheet, rows, first, {"commodity": c0}, value_cols, layout, ctx,
                list(range(0, g if g is not None else h)))
