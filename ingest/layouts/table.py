"""Layouts (a)-(d): a sheet with a header row found by its words.

The header row is the first of the top 20 rows with a commodity column (品名/商品/...) and
at least one other filled cell. Its columns are classified by :data:`ingest.normalise.SYNONYMS`:

* one price column (价格, 平均价 beside 最低价/最高价, 本周价格 ...): (a) a long table, or (d)
  the county weekly form when a title names the week or a footer is present;
* several price columns under a merged row of market names: (d) the weekly form with a
  column group per market (上周价格 and 环比 in each group are ignored);
* unknown header words whose cells hold numbers: (b) one column per market (under an
  optional second, merged header row that is prefixed to the market name, and may carry
  the unit: "1  ¥/kg");
* header cells that are dates: (c) wide by date.

Rows after the data that start with 填报单位/填报人/审核人/日期... are the footer; a row with
only one text cell inside the data (一、粮油) is a category heading for the rows below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from pricewatch.catalog import split_unit

from ..issues import Issue, col_letter
from ..normalise import (
    _BLANKS,
    FOOTER_WORDS,
    classify_header,
    clean_text,
    is_blank,
    looks_like_date,
    parse_date,
    parse_number,
    year_in,
)
from . import Context, SheetDates, SheetResult
from .hxl import priced_in
from .sheet_date import date_in_name


@dataclass
class ValueCol:
    col: int
    market: str | None = None
    unit: str | None = None
    date: Any = None


_MARKET_IN_TITLE = re.compile(r"(?:市场|监测点|采价点|market)\s*[:：]\s*([^\s,，;；]+)", re.IGNORECASE)
_CATEGORY_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.]|[(（][一二三四五六七八九十\d]+[)）])\s*")


def _cell(r: list[Any], j: int | None) -> Any:
    return r[j] if j is not None and j < len(r) else None


def _filled(r: list[Any]) -> list[int]:
    # is_blank() written out: this runs on every cell of a sheet
    return [j for j, c in enumerate(r) if not (
        c is None or (isinstance(c, str) and not c.strip(_BLANKS)) or (isinstance(c, float) and c != c))]


def _is_footer(r: list[Any]) -> bool:
    """True when the row's first non-blank cell is text starting with a footer word."""
    for c in r:  # the first non-blank cell, without a generator (runs on every data row)
        if c is None or (isinstance(c, float) and c != c):
            continue
        if not isinstance(c, str):
            return False
        if not c.strip(_BLANKS):
            continue
        first = clean_text(c).replace(" ", "")
        return first.startswith(FOOTER_WORDS) or first.startswith(("日期:", "日期：", "填报时间"))
    return False


def _may_be_footer(first: Any) -> bool:
    """False when a row starting with the cell ``first`` is no footer (:func:`_is_footer`)."""
    if first is None or (isinstance(first, float) and first != first):
        return True  # blank: the row's other cells decide
    if not isinstance(first, str):
        return False
    return not first.strip(_BLANKS) or _is_footer([first])


def first_footer(rows: list[list[Any]], start: int) -> int:
    """The index of the first footer row (:func:`_is_footer`) from ``start`` on, else len(rows).

    A row whose first cell is filled decides by that cell alone, so the rows are tested per
    distinct first cell; the walk row by row starts at the first row that may be a footer
    (its first cell a footer word, or blank)."""
    seg = rows[start:]
    if not seg:
        return len(rows)
    if min(map(len, seg)):
        firsts = list(map(itemgetter(0), seg))
        maybe = [v for v in set(firsts) if _may_be_footer(v)]
        if not maybe:
            return len(rows)
        start += min(map(firsts.index, maybe))
    for k in range(start, len(rows)):
        if _is_footer(rows[k]):
            return k
    return len(rows)


def find_header(rows: list[list[Any]]) -> tuple[int, list[tuple[str | None, str | None]]] | None:
    for i in range(min(len(rows), 20)):
        classes = [classify_header(c) for c in rows[i]]
        fields = {f for f, _ in classes if f}
        if "commodity" in fields and len(_filled(rows[i])) >= 2:
            return i, classes
    return None


def group_labels(rows: list[list[Any]], g: int, width: int, first: int) -> list[str | None]:
    """Row ``g`` forward-filled from column ``first`` on (merged cells keep their value in
    the top-left cell only)."""
    out: list[str | None] = [None] * width
    cur = None
    for j in range(first, width):
        v = clean_text(_cell(rows[g], j))
        if v:
            cur = v
        out[j] = cur
    return out


def _group_market_unit(group: str | None, label: str | None) -> tuple[str | None, str | None]:
    unit = None
    gname = None
    if group:
        gname, gunit = split_unit(group)
        unit = gunit
        if classify_header(gname)[0] is not None or not gname:
            gname = None
    lname = None
    if label:
        lname, lunit = split_unit(label)
        unit = lunit or unit
    name = " ".join(x for x in (gname, lname) if x) or None
    return name, unit


def extract(sheet: str, rows: list[list[Any]], ctx: Context) -> SheetResult | None:
    found = find_header(rows)
    if found is None:
        return None
    h, classes = found
    header = rows[h]
    fields: dict[str, int] = {}
    price_cols: list[int] = []
    for j, (f, _u) in enumerate(classes):
        if f == "price":
            price_cols.append(j)
        elif f and f != "ignore" and f not in fields:
            fields[f] = j
    other = [j for j, c in enumerate(header) if classes[j][0] is None and not is_blank(c)
             and j != fields.get("commodity")]
    date_cols = [j for j in other if looks_like_date(header[j])]
    market_cols = [j for j in other if j not in date_cols]
    value_start = min([*price_cols, *other], default=len(header))
    # a row of market names over the value columns: needs a filled cell at or after them
    g = None
    if h >= 1:
        filled = _filled(rows[h - 1])
        if any(j >= value_start for j in filled) and not (len(filled) == 1 and filled[0] == 0):
            g = h - 1
    width = max(len(header), len(rows[g]) if g is not None else 0)
    groups = group_labels(rows, g, width, value_start) if g is not None else [None] * width

    value_cols: list[ValueCol] = []
    title_rows = list(range(0, g if g is not None else h))
    title_text = " ".join(clean_text(c) for i in title_rows for c in rows[i] if not is_blank(c))
    if price_cols:
        if len(price_cols) > 1 and g is not None:
            for j in price_cols:
                market, unit = _group_market_unit(groups[j], None)
                value_cols.append(ValueCol(j, market, classes[j][1] or unit))
        else:
            j = price_cols[0]
            # one price column under a market name (a form filed for one market)
            market, unit = _group_market_unit(groups[j], None) if g is not None else (None, None)
            value_cols.append(ValueCol(j, market, classes[j][1] or unit))
        is_form = ("周" in title_text or "监测表" in title_text or "价格表" in title_text
                   or len(value_cols) > 1 or any(clean_text(c) == "本周价格" for c in header)
                   or first_footer(rows, h + 1) < len(rows))
        layout = "weekly_form" if is_form else "long"
    elif date_cols:
        layout = "wide_by_date"
        for j in date_cols:
            value_cols.append(ValueCol(j, None, None, header[j]))
    elif market_cols:
        layout = "wide_by_market"
        for j in market_cols:
            market, unit = _group_market_unit(groups[j], clean_text(header[j]))
            value_cols.append(ValueCol(j, market, unit))
    else:
        return None
    return emit(sheet, rows, h + 1, fields, value_cols, layout, ctx, title_rows)


def emit(sheet: str, rows: list[list[Any]], start: int, fields: dict[str, int],
         value_cols: list[ValueCol], layout: str, ctx: Context, title_rows: list[int]) -> SheetResult:
    """Records for the data rows from ``start`` until the footer; resolves the sheet date."""
    title_text = " ".join(clean_text(c) for i in title_rows for c in rows[i] if not is_blank(c))
    title_year = year_in(title_text)
    end = first_footer(rows, start)
    footer_date = None
    for r in rows[end:]:
        for c in r:
            if hasattr(c, "year") and hasattr(c, "month"):
                footer_date = c
        if footer_date is None:
            text = " ".join(clean_text(c) for c in r if not is_blank(c))
            if "日期" in text or "时间" in text:
                d, _ = parse_date(text, title_year or ctx.year)
                if d:
                    footer_date = d
    dates = SheetDates(sheet_name=sheet if date_in_name(sheet) else None, footer=footer_date)
    if title_text and ("周" in title_text or re.search(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}", title_text)):
        d, _ = parse_date(title_text, title_year or ctx.year)
        if d:
            dates.title = d
    res = SheetResult(sheet, layout)
    has_row_dates = "date" in fields or any(v.date is not None for v in value_cols)
    sheet_date = None
    if not has_row_dates:
        sheet_date, res.date_source, date_issues = dates.resolve(sheet, ctx, title_year)
        res.issues.extend(date_issues)
        if any(i.severity == "error" for i in date_issues):
            return res  # the sheet's date is the problem; its rows would only repeat it
        if res.date_source == "sheet_name":
            res.layout = f"sheet_per_date/{layout}"
    m = _MARKET_IN_TITLE.search(title_text)
    title_market = m.group(1) if m else None
    m = re.search(r"价格类型\s*[:：]?\s*(\S+)", title_text)
    title_pt = m.group(1) if m else None
    cc = fields.get("commodity")
    cat_col = fields.get("category")
    current_cat = None
    # column indices looked up once, not per row (None: the sheet has no such column)
    date_col = fields.get("date")
    market_col = fields.get("market")
    spec_col, unit_col = fields.get("spec"), fields.get("unit")
    low_col, high_col = fields.get("low"), fields.get("high")
    pt_col, cur_col = fields.get("price_type"), fields.get("currency")
    has_date_col, has_market_col, has_pt_col = "date" in fields, "market" in fields, "price_type" in fields
    vcols = [v.col for v in value_cols]
    letters = [col_letter(v.col) for v in value_cols]
    skip_blank_price = layout != "long"
    records = res.records
    for k in range(start, end):
        r = rows[k]
        n = len(r)
        values = [r[j] if j < n else None for j in vcols]
        has_value = False
        for x in values:  # is_blank() written out
            if not (x is None or (isinstance(x, str) and not x.strip(_BLANKS))
                    or (isinstance(x, float) and x != x)):
                has_value = True
                break
        if not has_value:
            # a row with a value has a filled cell and is no category heading: only the
            # others need the list of filled cells
            filled = _filled(r)
            if not filled:
                continue
            only = r[filled[0]]
            if (len(filled) == 1 and isinstance(only, str)
                    and parse_number(only)[0] is None and parse_date(only, 2000)[0] is None):
                current_cat = _CATEGORY_HEAD.sub("", clean_text(r[filled[0]])) or current_cat
                continue
        name = r[cc] if cc is not None and cc < n else None
        if cat_col is not None and cat_col < n and not is_blank(r[cat_col]):
            current_cat = clean_text(r[cat_col])
        if not has_value and is_blank(name):
            continue
        row_date = (r[date_col] if date_col is not None and date_col < n else None) if has_date_col else sheet_date
        if isinstance(row_date, str) and title_year:
            # "5月6日" in a sheet titled 2024年...: the title's year, before --date's
            d, _ = parse_date(row_date, title_year)
            row_date = d or row_date
        row_market = (r[market_col] if market_col is not None and market_col < n else None) if has_market_col else None
        spec = r[spec_col] if spec_col is not None and spec_col < n else None
        unit = r[unit_col] if unit_col is not None and unit_col < n else None
        unit_blank = is_blank(unit)
        low = r[low_col] if low_col is not None and low_col < n else None
        high = r[high_col] if high_col is not None and high_col < n else None
        pt = (r[pt_col] if pt_col is not None and pt_col < n else None) if has_pt_col else title_pt
        cur = r[cur_col] if cur_col is not None and cur_col < n else None
        market_blank = is_blank(row_market)
        for v, letter, price in zip(value_cols, letters, values, strict=True):
            if skip_blank_price and is_blank(price):
                continue  # forms and wide layouts: an empty cell is "not observed"
            date_v = v.date if v.date is not None else row_date
            if v.date is not None and not hasattr(date_v, "year"):
                d, _ = parse_date(date_v, title_year or ctx.year)
                date_v = d or date_v
            records.append((
                sheet, k + 1, letter, date_v,
                row_market if not market_blank else (v.market or title_market),
                name, spec, (unit if not unit_blank else v.unit) if cur is None else priced_in(
                    unit if not unit_blank else v.unit, cur),
                price, low, high, pt, current_cat, cur,
            ))
    return res


__all__ = ["extract", "emit", "find_header", "ValueCol", "Issue"]
