"""A validation step of its own: every text cell of a price record is bounded.

A record (see :mod:`ingest.layouts`) carries the raw cells of one price; each text cell
longer than :data:`pricewatch.limits.NAME` (40 characters) is an ``text_too_long`` error of
its row, reported once per field with the first row and a count, quoting only the first
characters. The offending records are taken out of their sheet, so no later message repeats
a huge value; the error rejects the file (nothing is written).

Fast on large files: each column is reduced to its distinct values first (C speed), and the
rows are walked only when one of them is too long.
"""

from __future__ import annotations

from pricewatch.limits import NAME, shorten

from .issues import ERROR, Issue
from .layouts import SheetResult

#: record position -> the field's name in messages
FIELDS = {3: ("日期", "date"), 4: ("市场名称", "market"), 5: ("商品名称", "commodity"),
          6: ("规格", "spec"), 7: ("计量单位", "unit"), 8: ("价格", "price"), 9: ("最低价", "low"),
          10: ("最高价", "high"), 11: ("价格类型", "price type"), 12: ("类别", "category"),
          13: ("币种", "currency")}


def _long(column: list) -> bool:
    first = column[0]
    if first is None and column.count(None) == len(column):
        return False  # a field the sheet does not have
    if first.__class__ is not str and str not in set(map(type, column)):
        return False  # numbers, dates: no text to measure
    return any(v.__class__ is str and len(v) > NAME for v in set(column))


def check_lengths(sheets: list[SheetResult], limit: int = NAME) -> list[Issue]:
    issues: list[Issue] = []
    for sh in sheets:
        if not sh.size:
            continue
        cols = sh.columns()  # made once: the cell checks take the sheet's columns next
        bad = [i for i in FIELDS if _long(cols[i])]
        if not bad:
            continue
        first: dict[int, Issue] = {}
        count: dict[int, int] = {}
        keep = []
        for rec in sh.records:
            hit = False
            for i in bad:
                v = rec[i]
                if v.__class__ is str and len(v) > limit:
                    hit = True
                    count[i] = count.get(i, 0) + 1
                    if i not in first:
                        zh, en = FIELDS[i]
                        first[i] = Issue("text_too_long", ERROR, rec[0], rec[1], rec[2],
                                         {"field": zh, "field_en": en, "value": shorten(v),
                                          "length": len(v), "limit": limit})
            if not hit:
                keep.append(rec)
        for i, issue in first.items():
            issue.params["count"] = count[i]
            issues.append(issue)
        sh.records = keep
    return issues
