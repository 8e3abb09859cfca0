"""Forms as offices keep them: a header block of 1-3 rows read as one, in either orientation.

The anchor is the first of the top 25 rows with a label header: 品名/商品/... (commodities
as rows), else 市场/监测点/... or 日期 followed by names (markets or dates as rows,
commodities across the columns). Around it, the header block:

* rows above it whose cells lie only over the value columns are group rows (本周价格 merged
  over the market names, or a market merged over 本周/上周/环比);
* rows below it whose label cell is empty (a vertical merge) and that hold text alone over
  the value columns are sub-header rows;

three rows at most. A column's header is the path of its cells down the block: a blank cell
of an upper row takes the group label to its left when that group has sub-headers (merged
cells keep their value in the top-left cell only), never a vertically merged field's. Each
term of the path is a field (品名, 规格, 单位 ...), a word that makes the column derived
(上周/上期/上旬, 环比/同比/涨跌幅, 金额/合计/小计/数量, 序号, 备注: never the price), an
average (本旬均价/平均/均价: derived beside market columns, the price of a long table), the
current price (价格, 本周价格, 本期, 零售价 ...), a unit ("元/公斤", "价格(元/斤)"), a date,
or a name: a market (commodities as rows) or a commodity (markets or dates as rows).

The label header may appear several times in the anchor row: several blocks side by side,
each read with the same header rows.

Rows that are never data: category headings (一、粮油类: one text cell; it names the
category of the rows below), 合计/平均/小计 rows, 注/说明/备注 lines and the filer footer
(填报人/审核人/填报日期 ... ends the table), and a line with no label whose cells are empty
or 0 (a formula copied down onto blank lines). A cell of blank, '/', '—', '-', '－', '未采',
'缺货', '无' is "not reported" and gives no record.

Sheet facts from the lines above the header: the period (第N周 with its year, 2024年5月上旬
-> the 旬's first day, 5月1日-10日 -> its first day, 2024.05.06, a month -> its first day;
the sheet name when the title has none; ``--date``; a filing date in the footer last, as a
warning); the unit ("单位：元/公斤", "计价单位：元/500克"); the market ("监测点：城关农贸市场",
or a title naming a 市场/超市); the price type. One sheet per market: a workbook of several
sheets that name no market otherwise takes each sheet's name as its market. The report
says which date each sheet took and why (``date_taken``, an information line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from pricewatch.catalog import parse_unit, split_unit

from ..issues import ERROR, INFO, WARNING, Issue, col_letter
from ..normalise import (
    _BLANKS,
    NOT_REPORTED,
    classify_header,
    clean_text,
    header_key,
    is_blank,
    looks_like_date,
    parse_date,
    parse_number,
    price_type_of,
    title_period,
    year_in,
)
from . import Context, SheetResult
from .hxl import priced_in
from .table import _CATEGORY_HEAD, first_footer

SCAN_ROWS = 25
MAX_HEADER_ROWS = 3
#: words that make a column derived, never the price (compared inside the header key)
DERIVED_WORDS = ("上周", "上期", "上旬", "上月", "上年", "去年", "环比", "同比", "涨跌", "涨幅", "跌幅",
                 "增减", "变动", "幅度", "升降", "比上", "金额", "合计", "小计", "总计", "数量", "序号",
                 "备注", "说明", "排名", "排序", "%", "latitude", "longitude", "usd")
AVERAGE_WORDS = ("均价", "平均")
CURRENT_WORDS = ("本周", "本期", "本旬", "本月", "当日", "今日", "当天", "现价")
#: row labels that are a total or an average across rows, never a commodity
TOTAL_LABELS = ("合计", "总计", "小计", "平均", "均价", "平均价", "平均值", "算术平均", "全县平均", "总平均")
_UNIT_LINE = re.compile(r"(?:计价|计量|价格)?单位\s*[:：]\s*([^\s,，;；)）]+)")
_MARKET_LINE = re.compile(r"(?:监测点|采价点|监测市场|市场名称|市场|超市|门店)\s*[:：]\s*([^\s,，;；]+)")
_MARKET_IN_TITLE = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{2,}?(?:农贸市场|批发市场|菜市场|市场|超市|商场|菜场))")
_PT_LINE = re.compile(r"价格类型\s*[:：]?\s*(\S+)")
_NOTE_LINE = re.compile(r"^(?:注|说明|备注|附注)\s*(?:[:：、.\d一二三四五六七八九十]|$)")
_GENERIC_SHEET = re.compile(r"^(?:sheet\d*|工作表\d*|表\d*|价格\S*|\S*监测(?:表|数据|汇总|情况)\S*|汇总\S*|数据\S*|目录|说明|封面|"
                            r"附表\S*|\S*价格表|\S*周报\S*|\S*旬报\S*|\S*月报\S*|\S*期刊\S*)$", re.IGNORECASE)
_DATE_RULES = {
    "week": ("第N周取该周星期一", "a week is dated its Monday"),
    "xun": ("旬取其第一天（上旬1日、中旬11日、下旬21日）", "a 旬 is dated its first day"),
    "range": ("日期段取其第一天", "a span of days is dated its first day"),
    "day": ("即该日", "that day"),
    "month": ("月份取该月1日", "a month is dated its first day"),
}
_SOURCES = {"title": ("标题", "title"), "sheet_name": ("工作表名", "sheet name")}


@dataclass
class Term:
    kind: str  # field | derived | average | current | unit | date | name
    value: Any = None
    unit: str | None = None
    price_type: str | None = None


@dataclass
class Col:
    col: int
    name: str | None = None  # the market (commodities as rows) or the commodity (transposed)
    unit: str | None = None
    date: Any = None
    price_type: str | None = None


def term(text: Any) -> Term | None:
    """What one header cell says (see the module docstring)."""
    if looks_like_date(text) and not isinstance(text, str | int | float):
        return Term("date", text)
    t = clean_text(text)
    if not t:
        return None
    key = header_key(t)
    m = _UNIT_LINE.fullmatch(key)
    if m and parse_unit(m.group(1)):
        return Term("unit", unit=m.group(1))
    if any(w in key for w in DERIVED_WORDS):
        return Term("derived")
    field, unit = classify_header(t)
    if field == "ignore":
        return Term("derived")
    pt = price_type_of(t) if len(key) <= 8 else None
    if field == "price" or (field is None and (key.endswith(("价格", "价")) or key in CURRENT_WORDS
                                               or (pt and len(key) <= 4))):
        if any(w in key for w in AVERAGE_WORDS):
            return Term("average", unit=unit or _bracket_unit(t))
        return Term("current", unit=unit or _bracket_unit(t), price_type=pt)
    if field is not None:
        return Term("field", field, unit)
    if any(w in key for w in AVERAGE_WORDS):
        return Term("average", unit=_bracket_unit(t))
    if looks_like_date(t) and parse_number(t)[0] is None:
        return Term("date", t)
    if parse_unit(t) is not None and not re.search(r"[\u4e00-\u9fff]{2,}", t.replace("公斤", "").replace("千克", "")):
        return Term("unit", unit=t)
    name, unit = split_unit(t)
    return Term("name", name, unit)


def _bracket_unit(t: str) -> str | None:
    return split_unit(t)[1]


def _cell(r: list[Any], j: int) -> Any:
    return r[j] if j < len(r) else None


def _filled(r: list[Any], lo: int = 0, hi: int | None = None) -> list[int]:
    hi = len(r) if hi is None else min(hi, len(r))
    return [j for j in range(lo, hi) if not is_blank(r[j])]


def _is_number(c: Any) -> bool:
    if isinstance(c, bool) or is_blank(c):
        return False
    if isinstance(c, int | float):
        return True
    n, _u, _ok = parse_number(c)
    return n is not None


def _absent(c: Any) -> bool:
    """Blank or a not-reported marker."""
    if is_blank(c):
        return True
    return isinstance(c, str) and clean_text(c) in NOT_REPORTED


def _info_line(text: str) -> bool:
    key = header_key(text)
    return bool(_UNIT_LINE.search(key) or _MARKET_LINE.search(key) or title_period(text, 2000)[0]
                or key.startswith(("填报", "日期", "监测日期", "制表")))


# -- the header block ----------------------------------------------------------------
def _anchor(rows: list[list[Any]]) -> tuple[int, str, list[int]] | None:
    """(row, label field, label columns) of the first row with a label header."""
    for i in range(min(len(rows), SCAN_ROWS)):
        r = rows[i]
        filled = _filled(r)
        if len(filled) < 2:
            continue
        terms = {j: term(r[j]) for j in filled}
        com = [j for j, t in terms.items() if t and t.kind == "field" and t.value == "commodity"]
        if com:
            return i, "commodity", com
        for field in ("market", "date"):
            lab = [j for j, t in terms.items() if t and t.kind == "field" and t.value == field]
            if not lab:
                continue
            names = [j for j, t in terms.items() if j > lab[0] and t and t.kind == "name"]
            if len(names) >= 2 or (names and not any(t and t.kind in ("current", "average")
                                                     for t in terms.values())):
                if field == "market" or not any(t and t.kind == "field" and t.value == "market"
                                                for t in terms.values()):
                    return i, field, lab
    return None


def _block_rows(rows: list[list[Any]], a: int, lc: int) -> tuple[int, int]:
    """The header block's first and last row around the anchor ``a`` (label column ``lc``)."""
    bot = a
    while bot + 1 < len(rows) and bot - a + 1 < MAX_HEADER_ROWS:
        r = rows[bot + 1]
        filled = _filled(r)
        if not filled or not is_blank(_cell(r, lc)) or min(filled) <= lc:
            break
        if any(_is_number(r[j]) and not looks_like_date(r[j]) for j in filled):
            break
        if len(filled) == 1 and _info_line(clean_text(r[filled[0]])):
            break
        bot += 1
    top = a
    while top - 1 >= 0 and bot - top + 1 < MAX_HEADER_ROWS:
        r = rows[top - 1]
        filled = _filled(r)
        if not filled or min(filled) <= lc:
            break
        if len(filled) == 1 and (_info_line(clean_text(r[filled[0]])) or len(clean_text(r[filled[0]])) > 12):
            break  # a unit, market or date line, or a title that happens to sit over the values
        if any(_is_number(r[j]) for j in filled):
            break
        top -= 1
    return top, bot


def _paths(rows: list[list[Any]], top: int, bot: int, lo: int, hi: int) -> list[list[Any]]:
    """Each column's header cells down the block, group labels carried to the right."""
    width = hi - lo
    paths: list[list[Any]] = [[] for _ in range(width)]
    for i in range(top, bot + 1):
        r = rows[i]
        carry = None
        for k in range(width):
            j = lo + k
            v = _cell(r, j)
            below = any(not is_blank(_cell(rows[b], j)) for b in range(i + 1, bot + 1))
            if not is_blank(v):
                paths[k].append(v)
                carry = v if below else None  # a group over sub-headers, not a vertical merge
            elif i < bot and carry is not None and below:
                paths[k].append(carry)
            elif i == bot:
                carry = None
    return paths


# -- sheet facts ---------------------------------------------------------------------
@dataclass
class Facts:
    title: str = ""
    unit: str | None = None
    market: str | None = None
    price_type: str | None = None


def _facts(rows: list[list[Any]], top: int) -> Facts:
    lines = [" ".join(clean_text(c) for c in rows[i] if not is_blank(c)) for i in range(top)]
    f = Facts(title=" ".join(x for x in lines if x))
    for line in lines:
        key = line.replace(" ", "").replace("：", ":")
        m = _UNIT_LINE.search(key)
        if m and f.unit is None and parse_unit(m.group(1)):
            f.unit = m.group(1)
        m = _MARKET_LINE.search(line.replace("：", ":").replace(": ", ":"))
        if m and f.market is None:
            f.market = m.group(1)
        m = _PT_LINE.search(line)
        if m and f.price_type is None:
            f.price_type = m.group(1)
    if f.market is None:
        head = re.split(r"\d{4}\s*年|\d{1,2}\s*月|第\s*\d", f.title, maxsplit=1)[0]
        m = _MARKET_IN_TITLE.search(head.replace(" ", ""))
        if m:
            f.market = m.group(1)
    if f.price_type is None:
        for word in ("零售价", "批发价"):
            if word in f.title:
                f.price_type = word
    return f


def _sheet_date(sheet: str, facts: Facts, ctx: Context, rows: list[list[Any]], end: int,
                res: SheetResult) -> tuple[date | None, bool]:
    """The sheet's date and whether reading may go on (False: its date is an error)."""
    year = year_in(facts.title) or ctx.year
    for source, text in (("title", facts.title), ("sheet_name", sheet)):
        d, found, rule = title_period(text, year)
        if d is not None:
            zh, en = _SOURCES[source]
            res.issues.append(Issue("date_taken", INFO, sheet, params={
                "value": d.isoformat(), "source": zh, "source_en": en, "text": found,
                "rule": _DATE_RULES[rule][0], "rule_en": _DATE_RULES[rule][1]}))
            res.date_source = source
            return d, True
        if rule == "no_year" and source == "sheet_name" and ctx.date is None:
            res.issues.append(Issue("date_no_year", ERROR, sheet, None, None,
                                    {"value": found, "example": "2024-01-01"}))
            return None, False
    if ctx.date is not None:
        res.date_source = "option"
        return ctx.date, True
    for r in rows[end:]:
        for c in r:
            if isinstance(c, date):
                res.issues.append(Issue("date_from_footer", WARNING, sheet, None, None,
                                        {"value": parse_date(c)[0].isoformat()}))
                res.date_source = "footer"
                return parse_date(c)[0], True
        text = " ".join(clean_text(c) for c in r if not is_blank(c))
        if "日期" in text or "时间" in text:
            d, _ = parse_date(text, year)
            if d:
                res.issues.append(Issue("date_from_footer", WARNING, sheet, None, None, {"value": d.isoformat()}))
                res.date_source = "footer"
                return d, True
    return None, True


def sheet_names_market(name: str) -> bool:
    """True when a sheet's name can be a market's (not 'Sheet1', a date or a report name)."""
    t = clean_text(name).replace(" ", "")
    return bool(t) and not _GENERIC_SHEET.match(t) and title_period(t, 2000)[1] is None and not t.isdigit()


# -- reading -------------------------------------------------------------------------
def extract(sheet: str, rows: list[list[Any]], ctx: Context, *, sheet_is_market: bool = False) -> SheetResult | None:
    found = _anchor(rows)
    if found is None:
        return None
    a, label, label_cols = found
    top, bot = _block_rows(rows, a, label_cols[0])
    width = max(len(r) for r in rows[top:min(len(rows), bot + 60)])
    bounds = [*label_cols, width]
    blocks = []
    for b, lc in enumerate(label_cols):
        # the first block takes the columns left of its label (序号); a later one starts at
        # its label (the 序号 before it falls into the block before, as a derived column)
        plan = _plan(rows, top, bot, 0 if b == 0 else lc, bounds[b + 1], lc, label)
        if plan is not None:
            blocks.append(plan)
    if not blocks:
        return None
    end = first_footer(rows, bot + 1)
    facts = _facts(rows, top)
    kinds = {p.kind for p in blocks}
    layout = "+".join(sorted(kinds))
    if len(blocks) > 1:
        layout += f"×{len(blocks)}"
    res = SheetResult(sheet, layout)
    has_row_dates = any(p.fields.get("date") is not None or any(c.date is not None for c in p.cols) for p in blocks)
    sheet_date = None
    if not has_row_dates:
        sheet_date, ok = _sheet_date(sheet, facts, ctx, rows, end, res)
        if not ok:
            return res
        if res.date_source == "sheet_name":
            res.layout = f"sheet_per_date/{res.layout}"
    market = facts.market
    has_market = any(p.fields.get("market") is not None or any(c.name for c in p.cols if p.label == "commodity")
                     or p.label == "market" for p in blocks)
    if market is None and not has_market and sheet_is_market and ctx.market is None and sheet_names_market(sheet):
        market = clean_text(sheet)
        res.layout = f"sheet_per_market/{res.layout}"
    title_year = year_in(facts.title)
    for p in blocks:
        _emit(res, rows, bot + 1, end, p, sheet_date, market, facts, title_year or ctx.year)
    return res


@dataclass
class Plan:
    label: str
    lc: int
    kind: str
    fields: dict[str, int | None]
    cols: list[Col]
    blank_rows_count: bool  # a long table: a name without a price is reported


def _plan(rows: list[list[Any]], top: int, bot: int, lo: int, hi: int, lc: int, label: str) -> Plan | None:
    paths = _paths(rows, top, bot, lo, hi)
    fields: dict[str, int | None] = {}
    candidates: list[tuple[int, list[Term]]] = []
    for k, path in enumerate(paths):
        j = lo + k
        if j == lc:
            continue
        terms = [t for t in (term(v) for v in path) if t is not None]
        if not terms or any(t.kind == "derived" for t in terms):
            continue
        field = next((t for t in terms if t.kind == "field"), None)
        if field is not None:
            if field.value not in fields:
                fields[field.value] = j
            continue
        if all(t.kind == "unit" for t in terms):
            continue  # "单位：元/公斤" at the end of the header row: a sheet fact, read from the title
        candidates.append((j, terms))
    cols: list[Col] = []
    named = [(j, ts) for j, ts in candidates if any(t.kind in ("name", "date") for t in ts)]
    for j, ts in candidates:
        names = [str(t.value) for t in ts if t.kind == "name"]
        dates = [t.value for t in ts if t.kind == "date"]
        unit = next((t.unit for t in reversed(ts) if t.unit), None)
        pt = next((t.price_type for t in ts if t.price_type), None)
        avg = any(t.kind == "average" for t in ts)
        if avg and (named or any(t.kind == "current" for _j, tt in candidates for t in tt)):
            continue  # a mean across markets beside them, or beside the price itself
        if not names and not dates and not avg and not any(t.kind == "current" for t in ts):
            continue
        cols.append(Col(j, " ".join(names) or None, unit, dates[0] if dates else None, pt))
    if label != "commodity":
        cols = [c for c in cols if c.name]  # transposed: each value column names a commodity
        kind = "markets_as_rows" if label == "market" else "dates_as_rows"
        if not cols:
            return None
        return Plan(label, lc, kind, fields, cols, False)
    if not cols:
        return None
    if any(c.name or c.date is not None for c in cols):
        cols = [c for c in cols if c.name or c.date is not None]
        kind = "wide_by_date" if all(c.date is not None for c in cols) else "wide_by_market"
        if bot > top:
            kind = "weekly_form" if kind == "wide_by_market" else kind
        return Plan(label, lc, kind, fields, cols, False)
    # unnamed price columns: one, or one per price type (零售价 | 批发价)
    if len({c.price_type for c in cols}) == len(cols) and len(cols) > 1:
        return Plan(label, lc, "long", fields, cols, False)
    long_table = fields.get("date") is not None or fields.get("market") is not None
    return Plan(label, lc, "long" if long_table else "weekly_form", fields, cols[:1], long_table)


def _category(heading: Any) -> str:
    """'一、粮油类' -> '粮油' (the catalog's category names carry no numbering and no 类)."""
    text = _CATEGORY_HEAD.sub("", clean_text(heading))
    return text[:-1] if text.endswith("类") and len(text) > 2 else text


def _emit(res: SheetResult, rows: list[list[Any]], start: int, end: int, p: Plan, sheet_date: date | None,
          market: str | None, facts: Facts, year: int | None) -> None:
    """One record per price cell of the data rows ``start``..``end``.

    Runs on every row of a sheet, so the common row (a label and its values) takes a short
    way: blank tests written out, each label's text and kind worked out once per distinct
    label, each field cell's blankness once per distinct value."""
    if _emit_columns(res, rows, start, end, p, sheet_date, market, facts, year):
        return
    f = p.fields
    lc = p.lc
    letters = [col_letter(c.col) for c in p.cols]
    lo = min([lc, *(v for v in f.values() if v is not None)])
    hi = max(c.col for c in p.cols) + 1
    label_in_span = lo <= lc < hi
    vcols = [c.col for c in p.cols]
    one = len(vcols) == 1
    vc0 = vcols[0]
    category = None
    labels: dict[Any, tuple[str, bool]] = {}  # label -> (text without spaces, a total/note line)
    blank_of: dict[Any, bool] = {}

    def blank(v: Any) -> bool:
        k = v if v.__class__ is str else (v.__class__, v)
        try:
            return blank_of[k]
        except KeyError:
            b = blank_of[k] = is_blank(v)
            return b
        except TypeError:  # an unhashable cell
            return is_blank(v)

    def present_of(v: Any) -> bool:
        c = v.__class__
        if c is float:
            return v == v
        if c is int or c is bool:
            return True
        return not _absent(v)

    cat_col = f.get("category")
    date_col, mkt_col, spec_col, unit_col = f.get("date"), f.get("market"), f.get("spec"), f.get("unit")
    low_col, high_col, pt_col, cur_col = f.get("low"), f.get("high"), f.get("price_type"), f.get("currency")
    sheet = res.sheet
    append = res.records.append
    is_com, is_mkt = p.label == "commodity", p.label == "market"
    blank_rows_count = p.blank_rows_count
    for k in range(start, end):
        r = rows[k]
        n = len(r)
        label = r[lc] if lc < n else None
        label_blank = (label is None or (label.__class__ is str and not label.strip(_BLANKS))
                       or (label.__class__ is float and label != label))
        filled: list[int] | None = None
        if label_blank or not label_in_span:
            filled = _filled(r, lo, hi)
            if not filled:
                continue
        if one:  # present_of() written out
            v0 = r[vc0] if vc0 < n else None
            c0 = v0.__class__
            values = [v0]
            present = [v0 == v0 if c0 is float else (c0 is int or c0 is bool or not _absent(v0))]
        else:
            values = [r[c] if c < n else None for c in vcols]
            present = [present_of(v) for v in values]
        if label_blank:
            if all(not x or (_is_number(v) and parse_number(v)[0] == 0) for x, v in zip(present, values, strict=True)):
                assert filled is not None
                if len(filled) == 1 and isinstance(r[filled[0]], str) and not _is_number(r[filled[0]]):
                    category = _category(r[filled[0]]) or category
                continue  # an empty line, or formulas giving 0 on it
            text = ""
        else:
            key = label if label.__class__ is str else (label.__class__, label)
            got = labels.get(key)
            if got is None:
                text = clean_text(label).replace(" ", "")
                skip = _not_a_commodity(text)
                got = labels[key] = (text, skip)
            text, skip = got
            if skip:
                continue
            if not (present[0] if one else any(present)):
                if filled is None:
                    filled = _filled(r, lo, hi)
                others = [j for j in filled if j != lc]
                # a lone name in a form may be a commodity nobody priced: a heading says so itself
                # (一、粮油, 蔬菜类); in a long table a data row also fills its date and market
                heading = _CATEGORY_HEAD.match(clean_text(label)) or text.endswith("类") or blank_rows_count
                if not others and heading and is_com and not _is_number(label):
                    category = _category(label) or category
                    continue
                if not blank_rows_count:
                    continue
        if cat_col is not None:
            cv = r[cat_col] if cat_col < n else None
            if not blank(cv):
                category = clean_text(cv)
        row_date = (r[date_col] if date_col < n else None) if date_col is not None else sheet_date
        if isinstance(row_date, str) and year:
            d, _ = parse_date(row_date, year)
            row_date = d or row_date
        row_market = (r[mkt_col] if mkt_col < n else None) if mkt_col is not None else None
        spec = (r[spec_col] if spec_col < n else None) if spec_col is not None else None
        unit = (r[unit_col] if unit_col < n else None) if unit_col is not None else None
        low = (r[low_col] if low_col < n else None) if low_col is not None else None
        high = (r[high_col] if high_col < n else None) if high_col is not None else None
        pt = (r[pt_col] if pt_col < n else None) if pt_col is not None else None
        cur = (r[cur_col] if cur_col < n else None) if cur_col is not None else None
        # a field the sheet does not have is blank in every row; a text seen before is looked up
        market_blank = (True if mkt_col is None else blank_of[row_market] if row_market.__class__ is str
                        and row_market in blank_of else blank(row_market))
        unit_blank = (True if unit_col is None else blank_of[unit] if unit.__class__ is str and unit in blank_of
                      else blank(unit))
        pt_blank = True if pt_col is None else blank(pt)
        for c, letter, v, here in zip(p.cols, letters, values, present, strict=True):
            if not here and not (blank_rows_count and is_blank(v)):
                continue
            if is_com:
                commodity, mkt, d = label, (row_market if not market_blank else (c.name or market)), row_date
            elif is_mkt:
                commodity, mkt, d = c.name, label, row_date
            else:
                commodity, mkt, d = c.name, (row_market if not market_blank else market), label
            if c.date is not None:
                d = c.date
                if not isinstance(d, date):
                    d = parse_date(d, year)[0] or d
            u = unit if not unit_blank else (c.unit or facts.unit)
            if cur is not None:
                u = priced_in(u, cur)
            append((sheet, k + 1, letter, d, mkt, commodity, spec, u, v if here else None,
                    low, high, pt if not pt_blank else (c.price_type or facts.price_type), category, cur))


def _not_a_commodity(text: str) -> bool:
    """Whether a row label (cleaned, spaces removed) is a total, average or note line: rows
    that are never data."""
    return bool(text in TOTAL_LABELS or text.startswith(("合计", "总计", "小计", "平均")) or _NOTE_LINE.match(text))


_NUMBER_TYPES = frozenset({float, int, bool})


def _emit_columns(res: SheetResult, rows: list[list[Any]], start: int, end: int, p: Plan, sheet_date: date | None,
                  market: str | None, facts: Facts, year: int | None) -> bool:
    """:func:`_emit` for a long table whose every row is a record: commodities as rows, one
    value column, each data row with a text label that is no total or note line and a value
    that is present, no category column, and no market, unit or price type cell that is
    blank (the row walk's rules then give one record per row, made of the row's own cells).
    The records go to ``res`` as columns, each taken from the rows at C speed and tested per
    distinct value. False (``res`` untouched) when the sheet is not such a table: the row
    walk then reads it."""
    f = p.fields
    if p.label != "commodity" or len(p.cols) != 1 or end <= start or f.get("category") is not None:
        return False
    if f.get("currency") is not None:
        return False
    lc = p.lc
    c = p.cols[0]
    if lc > c.col:  # the label right of the value: the row walk tests for filled cells first
        return False
    used = [lc, c.col, *(j for j in f.values() if j is not None)]
    seg = rows[start:end]
    if min(map(len, seg)) <= max(used):
        return False  # a short row: cells past its end are blank
    labels = list(map(itemgetter(lc), seg))
    if set(map(type, labels)) != {str}:
        return False
    for label in set(labels):
        if not label.strip(_BLANKS):
            return False
        text = clean_text(label).replace(" ", "")
        if _not_a_commodity(text):
            return False
    values = list(map(itemgetter(c.col), seg))
    kinds = set(map(type, values))
    if not kinds <= _NUMBER_TYPES and any(v.__class__ not in _NUMBER_TYPES and _absent(v) for v in set(values)):
        return False  # a blank or not-reported cell
    if float in kinds:
        total = sum(values if kinds == {float} else [v for v in values if v.__class__ is float])
        if total != total:
            return False  # a NaN (or infinities that cancel: the row walk decides)
    n = end - start

    def column(field: str) -> list[Any] | None:
        j = f.get(field)
        return None if j is None else list(map(itemgetter(j), seg))

    def filled_or_none(field: str) -> tuple[bool, list[Any] | None]:
        """(False: a blank cell, the row walk decides) and the field's cells."""
        col = column(field)
        if col is None:
            return True, None
        if any(is_blank(v) for v in set(col)):  # NaN cells too: each is its own member of the set
            return False, None
        return True, col

    if f.get("date") is not None:
        days = column("date")
        assert days is not None
        if year and any(isinstance(d, str) for d in set(days)):
            parsed = {d: parse_date(d, year)[0] or d for d in set(days) if isinstance(d, str)}
            days = [parsed[d] if isinstance(d, str) else d for d in days]
    else:
        days = [sheet_date] * n
    if c.date is not None:
        d = c.date
        days = [d if isinstance(d, date) else (parse_date(d, year)[0] or d)] * n
    ok_m, mkts = filled_or_none("market")
    ok_u, units = filled_or_none("unit")
    ok_pt, pts = filled_or_none("price_type")
    if not (ok_m and ok_u and ok_pt):
        return False
    res.set_columns([
        [res.sheet] * n, list(range(start + 1, end + 1)), [col_letter(c.col)] * n, days,
        mkts if mkts is not None else [c.name or market] * n, labels, column("spec") or [None] * n,
        units if units is not None else [c.unit or facts.unit] * n, values, column("low") or [None] * n,
        column("high") or [None] * n, pts if pts is not None else [c.price_type or facts.price_type] * n,
        [None] * n, [None] * n])
    return True
