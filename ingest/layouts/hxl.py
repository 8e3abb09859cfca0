"""Layout (e): WFP VAM / HDX exports: a header row, then the HXL hashtag row.

The HXL row (``#date,#adm1+name,#loc+market+name,...``) is not data: it is skipped, and its
tags also name the columns when the header words are unknown. ``price`` (local currency)
is the price; ``usdprice`` is ignored; ``pricetype`` Retail/Wholesale is the price type;
``unit`` may be a sack ("90 KG"), converted per kilogram later with the original kept.
A price in another currency (``#currency`` KES, BDT ...) keeps it: the unit becomes
"KES/90 KG", so the price is per "KES/公斤" and never becomes 元 (see
:func:`pricewatch.catalog.with_currency`).
"""

from __future__ import annotations

from typing import Any

from ..issues import col_letter
from ..normalise import clean_text, is_blank
from . import Context, SheetResult

_TAGS = {
    "#date": "date", "#loc+market+name": "market", "#item+name": "commodity", "#item+unit": "unit",
    "#value": "price", "#item+price+type": "price_type", "#item+type": "category", "#currency": "currency",
}


def _is_hxl(row: list[Any]) -> bool:
    cells = [clean_text(c) for c in row if clean_text(c)]
    return len(cells) >= 3 and sum(c.startswith("#") for c in cells) >= 0.8 * len(cells)


def extract(sheet: str, rows: list[list[Any]], ctx: Context) -> SheetResult | None:
    for i in range(min(len(rows), 4)):
        if _is_hxl(rows[i]):
            break
    else:
        return None
    tags = [clean_text(c).lower().replace(" ", "") for c in rows[i]]
    cols: dict[str, int] = {}
    for j, tag in enumerate(tags):
        field = _TAGS.get(tag)
        if field and field not in cols:
            cols[field] = j
    if "commodity" not in cols or "price" not in cols:
        return None
    res = SheetResult(sheet, "hxl")

    def cell(r: list[Any], f: str) -> Any:
        j = cols.get(f)
        return r[j] if j is not None and j < len(r) else None

    pcol = col_letter(cols["price"])
    for k in range(i + 1, len(rows)):
        r = rows[k]
        if not any(clean_text(c) for c in r):
            continue
        cur = cell(r, "currency")
        unit = cell(r, "unit")
        res.records.append((sheet, k + 1, pcol, cell(r, "date"), cell(r, "market"), cell(r, "commodity"),
                            None, priced_in(unit, cur), cell(r, "price"), None, None, cell(r, "price_type"),
                            cell(r, "category"), cur))
    return res


def priced_in(unit: Any, currency: Any) -> Any:
    """The unit cell with the row's currency in it, when that is not 元."""
    from pricewatch.catalog import with_currency

    if is_blank(unit) or is_blank(currency):
        return unit
    return with_currency(clean_text(unit), clean_text(currency))
