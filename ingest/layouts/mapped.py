"""A sheet read by a person's mapping (an import profile or ``--map``), not by detection.

The mapping (:class:`ingest.profiles.Mapping`) says which column holds what; this module
only walks the rows: from the first data row, minus the rows to skip and blank rows, one
record per price cell (one per market column when markets run across the columns). Dates
come from the mapped date column, else the mapping's constant date, else the sheet's title
or name, else ``--date``; values stay raw cells for :mod:`ingest.validate` to check.
"""

from __future__ import annotations

from typing import Any

from pricewatch.errors import InputError

from ..issues import ERROR, Issue, col_letter
from ..normalise import clean_text, is_blank, parse_date, year_in
from . import Context, SheetDates, SheetResult
from .sheet_date import date_in_name


def extract(sheet: str, rows: list[list[Any]], ctx: Context, mapping: Any, profile: str | None) -> SheetResult:
    res = SheetResult(sheet, "mapped", profile=profile)
    try:
        cols, consts, market_cols = mapping.resolve(rows)
    except InputError as e:
        res.issues.append(Issue("map_invalid", ERROR, sheet, mapping.header or None, None,
                                {"detail": e.message, "hint": e.hint or ""}))
        return res
    header = rows[mapping.header - 1] if 0 < mapping.header <= len(rows) else []
    start = mapping.first_data_row() - 1
    title = " ".join(clean_text(c) for r in rows[:max(mapping.header - 1, 0)] for c in r if not is_blank(c))
    title_year = year_in(title)
    const_date = None
    if "date" in consts:
        const_date, problem = parse_date(consts["date"], title_year or ctx.year)
        if const_date is None:
            res.issues.append(Issue("date_unreadable", ERROR, sheet, None, None, {"value": consts["date"]}))
            return res
    elif "date" not in cols:
        dates = SheetDates(title=title or None, sheet_name=sheet if date_in_name(sheet) else None)
        const_date, res.date_source, issues = dates.resolve(sheet, ctx, title_year)
        res.issues.extend(issues)
    if market_cols:
        values = [(j, clean_text(header[j]) if j < len(header) else "") for j in market_cols]
    else:
        values = [(cols["price"], None)]
    skip = set(mapping.skip)

    def cell(r: list[Any], name: str) -> Any:
        j = cols.get(name)
        return r[j] if j is not None and j < len(r) else consts.get(name)

    for k in range(start, len(rows)):
        rown = k + 1
        if rown in skip:
            continue
        r = rows[k]
        if all(is_blank(c) for c in r):
            continue
        name = cell(r, "commodity")
        d = cell(r, "date") if "date" in cols else const_date
        if isinstance(d, str) and title_year:
            d = parse_date(d, title_year)[0] or d
        for j, market in values:
            price = r[j] if j < len(r) else None
            if market_cols and is_blank(price):
                continue  # markets across: an empty cell is "not observed"
            if is_blank(price) and is_blank(name):
                continue
            res.records.append((
                sheet, rown, col_letter(j), d, market or cell(r, "market"), name, cell(r, "spec"),
                cell(r, "unit"), price, cell(r, "low"), cell(r, "high"), cell(r, "price_type"),
                cell(r, "category"), cell(r, "currency")))
    return res
