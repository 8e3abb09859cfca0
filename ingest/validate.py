"""Records -> one canonical table and every problem at once (the report is data).

:func:`prepare` walks all records and never stops at the first problem: each one becomes
an :class:`~ingest.issues.Issue` with a reason code, severity ``error`` (the file cannot be
loaded) or ``warning`` (loaded unless ``--strict``; the upload page asks a person to tick
it). Codes that concern many rows the same way (no market, 0/0/0 rows, an unknown name)
are reported once with the first row and a count, so a 46,000-row file gives a readable
report.

Checks (code, severity):
  not_a_number E, price_not_positive E, price_absurd E (canonical price > ABSURD_PRICE),
  date_missing E, date_unreadable E, date_no_year E, date_future E, unit_missing E,
  unit_unknown E, market_missing E, commodity_missing E, no_data E;
  price_missing W (row skipped), no_quote W (low = avg = high = 0: "no quote", skipped),
  low_gt_high W (the average is loaded), avg_from_range W (average blank or 0 beside a
  real low..high range: the midpoint (low + high) / 2 is loaded), duplicate W (same key and price: loaded once),
  duplicate_conflict W (same key, other price: the later row wins), unit_mismatch W (a
  weight price for a per-piece commodity, or another currency: skipped, never converted; a
  per-piece price of a weight commodity is kept as its own series 「鸡蛋(按个)」, a name to
  confirm like any new one, see :func:`per_piece_name`),
  mixed_units W (a new name with several unconvertible units: the most frequent one is
  kept), unknown_commodity / unknown_market W (E with --strict; rows skipped until the
  name is confirmed), new_commodity / new_market W (confirmed names), currency W,
  price_jump W (more than ``Settings.ingest_jump_warning`` away from the previous price of
  the same commodity, market and price type within 45 days, in the store or earlier in the
  file), market_not_reported W (a single-date file without a market that reported on the
  previous date and has nothing stored for this date either: a correction is not a gap).

How it is computed (why it is fast). The records are turned into columns once; every cell
text is cleaned and parsed once per *distinct* value of its column (a 50,000-row sheet has a
few hundred names, units and dates), names are looked up in the catalog once per distinct
name and units converted once per (commodity, unit). What is left per row is a pass of
comparisons over those precomputed columns, which keeps the order of the issues and the
first-failing-check rule of a row exactly as a row-by-row walk gives them. The result is
kept as columns (:attr:`Prepared.columns`); :attr:`Prepared.frame` makes the pandas frame
only when asked. No pandas and no numpy here: this module runs inside the parser child
(:mod:`ingest.worker`), which stays small and starts fast without them.
A file whose every row passes (the usual case) takes shortcuts: whole-column cell checks
(:func:`_all_pass`), whole-column conversion (:func:`_all_convert`), per-name counts and
conversions for a file in one unit. :data:`SHORTCUTS` turns them off, so that
``tests/test_validate_shortcuts.py`` can compare them with the row walk on generated files:
same records, issues, messages, rows. (The row walk itself was compared with the former
row-by-row code on the same generated files until that code was deleted.)
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from pricewatch.catalog import parse_unit, split_unit
from pricewatch.outlets import guess_kind

from .issues import ERROR, INFO, WARNING, Issue
from .layouts import RAW_COLUMNS, Context, SheetResult
from .normalise import (
    Catalog,
    clean_text,
    is_blank,
    parse_date,
    parse_number,
    price_type_of,
    xun_in,
)

ABSURD_PRICE = 100_000.0
JUMP_WINDOW_DAYS = 45
NEW_CATEGORY = "其他"
FRAME_COLUMNS = ["sheet", "row", "column", "obs_date", "market", "commodity", "category", "unit",
                 "price", "price_type", "orig_price", "orig_unit", "spec"]
_HOME_CURRENCY = ("CNY", "RMB", "元", "人民币")
#: False: every file takes the row walk (for tests that compare the shortcuts with it)
SHORTCUTS = True

Columns = dict[str, list[Any]]


def _empty_columns() -> Columns:
    return {c: [] for c in FRAME_COLUMNS}


@dataclass
class Prepared:
    #: the canonical rows as columns (FRAME_COLUMNS), in file order after de-duplication
    columns: Columns = field(default_factory=_empty_columns)
    issues: list[Issue] = field(default_factory=list)
    layout: str | None = None
    rows_read: int = 0
    #: name -> (canonical unit, category) for commodities not in the catalog, that are loaded
    new_commodities: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_markets: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["row"])

    @property
    def frame(self) -> Any:
        """The rows as a pandas DataFrame (built on demand; pandas is imported here only)."""
        return to_frame(self.columns)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]


def to_frame(columns: Columns) -> Any:
    import pandas as pd

    if not columns["row"]:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    return pd.DataFrame(columns, columns=FRAME_COLUMNS)


class _Agg:
    """Issues reported once per (code, sheet, key) with the first row and a count."""

    def __init__(self) -> None:
        self.first: dict[tuple, Issue] = {}
        self.count: Counter = Counter()

    def add(self, issue: Issue, key: Any = None) -> None:
        k = (issue.code, issue.sheet, key)
        self.count[k] += 1
        if k not in self.first:
            self.first[k] = issue

    def issues(self) -> list[Issue]:
        out = []
        for k, issue in self.first.items():
            issue.params.setdefault("count", self.count[k])
            out.append(issue)
        return out


_NUMERIC = {bool, int, float}


def _per_distinct(values: Iterable[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """``[fn(v) for v in values]`` with ``fn`` called once per distinct value.

    Values of other types than str are keyed with their type: 1, 1.0 and True are equal
    as dict keys but are not the same cell. NaN never equals itself, so each NaN cell is
    computed on its own (correct, just not cached)."""
    values = values if isinstance(values, list | tuple) else list(values)
    if values and values[0] is None and values.count(None) == len(values):
        return [fn(None)] * len(values)  # a field the sheet does not have
    if len(set(map(type, values)) & _NUMERIC) <= 1:
        # no two cells of different numeric types, so equal cells are the same cell: keyed by
        # value, the column is mapped at C speed (a NaN is found by identity, computed per object)
        cache: dict[Any, Any] = {v: fn(v) for v in set(values)}
        return list(map(cache.__getitem__, values))
    cache = {}
    out = []
    append = out.append
    for v in values:
        k = v if v.__class__ is str else (v.__class__, v)
        try:
            append(cache[k])
        except KeyError:
            r = cache[k] = fn(v)
            append(r)
    return out


def _price_cell(v: Any) -> tuple[float | None, str | None, bool]:
    # a float cell (the common case) is its own parse
    if v.__class__ is float and v == v:
        return v, None, True
    return parse_number(v)


def _price_column(values: Iterable[Any]) -> list[tuple[float | None, str | None, bool]]:
    """:func:`_price_cell` of each cell: float cells (nearly all, and nearly all distinct)
    in one pass, the other cells once per distinct value."""
    out: list[Any] = [(v, None, True) if v.__class__ is float and v == v else None for v in values]
    rest = [i for i, x in enumerate(out) if x is None]
    if rest:
        vals = list(values) if not isinstance(values, list | tuple) else values
        for i, got in zip(rest, _per_distinct([vals[i] for i in rest], _price_cell), strict=True):
            out[i] = got
    return out


def _plain_prices(values: list[Any]) -> list[float] | None:
    """The column itself when every cell is a float above 0 (no NaN): then each cell is its
    own price, with no unit in it and nothing wrong (:func:`_price_cell`); else None."""
    if not values or set(map(type, values)) != {float}:
        return None
    total = sum(values)
    if total != total or min(values) <= 0:  # a NaN, or infinities that cancel
        return None
    return values


def _bound(v: Any) -> float | None:
    return None if v is None else parse_number(v)[0]


def _qualified_names(names: list[str], markets: list[Any], dates: list[Any], specs: list[Any] | tuple) -> set[str]:
    """Names quoted with several specs for the same market and day: their spec becomes part
    of the name ("大白菜" 存储 / 新 -> 「大白菜(存储)」, 「大白菜(新)」), so both prices are kept."""
    seen: dict[tuple, set] = {}
    if specs.count(None) == len(specs):  # no spec column (or not one spec filled in)
        return set()
    for name, m, d, sp in zip(names, markets, dates, specs, strict=True):
        if sp is None:
            continue
        sp_key = _spec_key(sp)
        if sp_key is None:
            continue
        seen.setdefault((name, str(m), str(d)), set()).add(sp_key)
    return {k[0] for k, v in seen.items() if len(v) > 1}


def _spec_key(sp: Any) -> str | None:
    return None if is_blank(sp) else clean_text(sp)


@dataclass
class _Rows:
    """The rows that passed the cell checks, as columns."""

    sheet: list[Any]
    row: list[Any]
    column: list[Any]
    obs_date: list[date]
    market: list[str]
    commodity: list[str]
    raw_category: list[str | None]
    unit_text: list[str]
    orig_price: list[float]
    spec: list[str | None]
    pt: list[str | None]


def prepare(sheets: list[SheetResult], catalog: Catalog, ctx: Context, *, accept_new_names: Any = False,
            strict: bool = False, today: date | None = None) -> Prepared:
    """Every check of :func:`check_cells`, then the names against the catalog (:func:`resolve`)."""
    return resolve(check_cells(sheets, ctx, today), catalog, ctx, accept_new_names=accept_new_names, strict=strict)


@dataclass
class Cells:
    """What the cell checks leave: the rows that passed (as columns) and the issues so far.

    The first half of :func:`prepare`, which needs no catalog: the parser child runs it right
    after the read, while the caller is still opening the store."""

    layout: str | None
    rows_read: int
    issues: list[Issue]
    rows: _Rows | None
    #: unit text -> Unit (or None), as parsed
    units: dict[str, Any]


def check_cells(sheets: list[SheetResult], ctx: Context, today: date | None = None) -> Cells:
    today = today or date.today()
    issues: list[Issue] = []
    agg = _Agg()
    layouts = []
    parts: list[list[list[Any]]] = []
    for sh in sheets:
        issues.extend(sh.issues)
        if sh.layout:
            layouts.append(sh.layout)
        if sh.size:
            parts.append(sh.columns())  # as the layout gave them, or its records taken apart at C speed
    layout = "+".join(dict.fromkeys(layouts)) or None
    if len(parts) == 1:
        cols = parts[0]
    else:
        cols = [[] for _ in RAW_COLUMNS]
        for part in parts:
            for c, p in zip(cols, part, strict=True):
                c.extend(p)
    (c_sheet, c_row, c_col, c_date, c_mkt, c_com, c_spec, c_unit, c_price, c_low, c_high, c_pt,
     c_cat, c_cur) = cols
    n = len(c_row)  # the number of records

    # -- each column once per distinct value --------------------------------------------
    names = _per_distinct(c_com, clean_text)
    qualified = _qualified_names(names, c_mkt, c_date, c_spec)
    plain = _plain_prices(c_price)  # every price a number: no parse, no tuple per cell
    prices = _price_column(c_price) if plain is None else None
    lows = _per_distinct(c_low, _bound)
    highs = _per_distinct(c_high, _bound)
    unit_cells = _per_distinct(c_unit, clean_text)
    markets = _per_distinct(c_mkt, clean_text)
    units: dict[str, Any] = {}  # unit text -> Unit | None
    splits: dict[str, tuple[str, str | None]] = {}  # name -> (base, a unit written in it)

    def unit_of(text: str) -> Any:
        if text not in units:
            units[text] = parse_unit(text)
        return units[text]

    def name_and_unit(name: str) -> tuple[str, str | None]:
        if name not in splits:
            base, name_unit = split_unit(name)
            if name_unit and unit_of(name_unit):
                splits[name] = (base, name_unit)
            else:
                splits[name] = (name, None)
        return splits[name]

    date_cache: dict[Any, tuple[date | None, str | None]] = {}

    def date_of(v: Any) -> tuple[date | None, str | None]:
        """(date, problem code) of a cell; problem None when the date is good."""
        k = v if v.__class__ is str else (v.__class__, v)
        if k in date_cache:
            return date_cache[k]
        if isinstance(v, date):
            r: tuple[date | None, str | None] = (v if not hasattr(v, "date") else v.date(), None)
        elif is_blank(v):
            r = (ctx.date, None) if ctx.date is not None else (None, "date_missing")
        else:
            d, problem = parse_date(v, ctx.year)
            r = (d, None) if d is not None else (None, "date_no_year" if problem == "no_year" else "date_unreadable")
            if d is not None and isinstance(v, str) and xun_in(clean_text(v), ctx.year) is not None:
                xun_cells[clean_text(v)] = d  # a 旬: dated its first day, and said so
        date_cache[k] = r
        return r

    xun_cells: dict[str, date] = {}

    def xun_notes() -> list[Issue]:
        return [Issue("date_taken", INFO, params={
            "value": d.isoformat(), "source": "日期列", "source_en": "date column", "text": text,
            "rule": "旬取其第一天（上旬1日、中旬11日、下旬21日）", "rule_en": "a 旬 is dated its first day"})
            for text, d in sorted(xun_cells.items(), key=lambda kv: (kv[1], kv[0]))]

    # -- a file whose every row passes: the checks as whole-column tests ---------------
    if n and not qualified and SHORTCUTS:
        rows = _all_pass(names, prices, plain, lows, highs, unit_cells, markets, c_date, ctx, today, unit_of,
                         name_and_unit, date_of)
        if rows is not None:
            rows.sheet, rows.row, rows.column = list(c_sheet), list(c_row), list(c_col)
            rows.raw_category = _per_distinct(c_cat, lambda v: clean_text(v) or None)
            rows.spec = _per_distinct(c_spec, lambda v: clean_text(v) or None)
            rows.pt = _per_distinct(c_pt, lambda v: None if v is None else price_type_of(v))
            found = {clean_text(cur).upper() for cur in set(c_cur) if cur is not None}
            for c in sorted(found - {""} - set(_HOME_CURRENCY)):
                issues.append(Issue("currency", WARNING, params={"value": c}))
            issues.extend(xun_notes())
            return Cells(layout, n, issues, rows, units)

    # -- the rows: comparisons over the columns above ---------------------------------
    if prices is None:
        prices = _price_column(c_price)
    keep: list[int] = []
    k_name: list[str] = []
    k_unit: list[str] = []
    k_date: list[date] = []
    k_market: list[str] = []
    k_price: list[float] = []
    currencies: set[str] = set()
    ctx_unit = ctx.unit or ""
    ctx_market = ctx.market or ""
    for i in range(n):
        name = names[i]
        price, p_unit, p_ok = prices[i]
        if not name:
            if price is not None or not p_ok:
                issues.append(Issue("commodity_missing", ERROR, c_sheet[i], c_row[i], c_col[i]))
            continue
        sheet, rown, col = c_sheet[i], c_row[i], c_col[i]
        if not p_ok:
            issues.append(Issue("not_a_number", ERROR, sheet, rown, col, {"value": clean_text(c_price[i])}))
            continue
        low, high = lows[i], highs[i]
        if (price is None or price == 0) and low and high and 0 < low <= high:
            # the average is missing or 0 beside a real range: the midpoint, said so
            mid = round((low + high) / 2, 4)
            issues.append(Issue("avg_from_range", WARNING, sheet, rown, col, {"low": low, "high": high, "price": mid}))
            price = mid
        if price is None:
            if low == 0 and high == 0:
                agg.add(Issue("no_quote", WARNING, sheet, rown, col))
            else:
                issues.append(Issue("price_missing", WARNING, sheet, rown, col))
            continue
        if price == 0 and (low in (0, None)) and (high in (0, None)) and (low is not None or high is not None):
            agg.add(Issue("no_quote", WARNING, sheet, rown, col))
            continue
        if price <= 0:
            issues.append(Issue("price_not_positive", ERROR, sheet, rown, col, {"value": price}))
            continue
        if low is not None and high is not None and low > high:
            issues.append(Issue("low_gt_high", WARNING, sheet, rown, col, {"low": low, "high": high, "price": price}))
        name, name_unit = name_and_unit(name)
        if name in qualified:
            sp = _spec_key(c_spec[i])
            if sp is not None:
                name = f"{name}({sp})"
        unit_text = p_unit or name_unit or unit_cells[i] or ctx_unit
        if not unit_text:
            agg.add(Issue("unit_missing", ERROR, sheet, rown, col))
            continue
        if unit_of(unit_text) is None:
            issues.append(Issue("unit_unknown", ERROR, sheet, rown, col, {"value": unit_text}))
            continue
        obs_date, problem = date_of(c_date[i])
        if problem is not None:
            if problem == "date_missing":
                agg.add(Issue("date_missing", ERROR, sheet, rown, None))
            else:
                raw = clean_text(c_date[i])
                agg.add(Issue(problem, ERROR, sheet, rown, None, {"value": raw, "example": "2024-01-01"}), key=raw)
            continue
        if obs_date > today:  # type: ignore[operator]
            issues.append(Issue("date_future", ERROR, sheet, rown, None, {"value": obs_date.isoformat()}))  # type: ignore[union-attr]
            continue
        market = markets[i] or ctx_market
        if not market:
            agg.add(Issue("market_missing", ERROR, sheet, rown, None))
            continue
        cur = c_cur[i]
        if cur is not None:
            cur_text = clean_text(cur).upper()
            if cur_text and cur_text not in _HOME_CURRENCY:
                currencies.add(cur_text)
        keep.append(i)
        k_name.append(name)
        k_unit.append(unit_text)
        k_date.append(obs_date)  # type: ignore[arg-type]
        k_market.append(market)
        k_price.append(price)
    for c in sorted(currencies):
        issues.append(Issue("currency", WARNING, params={"value": c}))
    issues.extend(agg.issues())
    issues.extend(xun_notes())
    if not keep:
        if not any(i.severity == ERROR for i in issues):
            issues.append(Issue("no_data", ERROR))
        return Cells(layout, n, issues, None, units)
    rows = _Rows(
        sheet=[c_sheet[i] for i in keep], row=[c_row[i] for i in keep], column=[c_col[i] for i in keep],
        obs_date=k_date, market=k_market, commodity=k_name,
        raw_category=[(clean_text(c_cat[i]) or None) for i in keep],
        unit_text=k_unit, orig_price=k_price,
        spec=[(clean_text(c_spec[i]) or None) for i in keep],
        pt=[None if c_pt[i] is None else price_type_of(c_pt[i]) for i in keep],
    )
    return Cells(layout, n, issues, rows, units)



def _all_pass(names: list[str], prices: list[tuple] | None, plain: list[float] | None, lows: list[Any],
              highs: list[Any], unit_cells: list[str],
              markets: list[str], c_date: Iterable[Any], ctx: Context, today: date, unit_of: Callable[[str], Any],
              name_and_unit: Callable[[str], tuple[str, str | None]],
              date_of: Callable[[Any], tuple[date | None, str | None]]) -> _Rows | None:
    """The rows as :class:`_Rows` (sheet, row, column, category, spec and price type left
    for the caller) when every row passes every cell check with no issue of its own, else
    None (the row-by-row walk then gives the issues in their order). Each test runs over a
    whole column; per distinct value where a value is parsed. ``plain``: the prices when
    every one is a float above 0 (``prices`` is then None), else ``prices`` are their parses."""
    if not all(names):
        return None
    if plain is None and not all(p[2] and p[0] is not None and p[0] > 0 for p in prices):  # type: ignore[union-attr]
        return None
    if lows.count(None) != len(lows) and highs.count(None) != len(highs) and any(
            lo is not None and hi is not None and lo > hi for lo, hi in zip(lows, highs, strict=True)):
        return None
    split = _per_distinct(names, name_and_unit)
    ctx_unit = ctx.unit or ""
    if plain is None:
        unit_text = [p[1] or sp[1] or uc or ctx_unit
                     for p, sp, uc in zip(prices, split, unit_cells, strict=True)]  # type: ignore[arg-type]
    elif all(sp[1] is None for sp in set(split)) and all(set(unit_cells)):
        unit_text = list(unit_cells)  # no unit in a name, and every row's unit cell filled in
    else:
        unit_text = [sp[1] or uc or ctx_unit for sp, uc in zip(split, unit_cells, strict=True)]
    if not all(unit_of(u) is not None if u else False for u in set(unit_text)):
        return None
    days = _per_distinct(c_date, date_of)
    if not all(d[1] is None and d[0] <= today for d in set(days)):  # type: ignore[operator]
        return None
    ctx_market = ctx.market or ""
    market = [m or ctx_market for m in markets] if not all(markets) else list(markets)
    if not all(market):
        return None
    return _Rows(sheet=[], row=[], column=[], obs_date=list(map(itemgetter(0), days)), market=market,
                 commodity=list(map(itemgetter(0), split)), raw_category=[], unit_text=unit_text,
                 orig_price=list(plain) if plain is not None else list(map(itemgetter(0), prices)),  # type: ignore[arg-type]
                 spec=[], pt=[])


def resolve(cells: Cells, catalog: Catalog, ctx: Context, *, accept_new_names: Any = False,
            strict: bool = False) -> Prepared:
    """The second half of :func:`prepare`: names, units, duplicates (see :func:`_resolve`)."""
    prep = Prepared(layout=cells.layout, rows_read=cells.rows_read)
    issues = list(cells.issues)
    if cells.rows is not None:
        _resolve(cells.rows, cells.units, catalog, ctx, accept_new_names, strict, issues, prep)
    prep.issues = issues
    return prep


def per_piece_name(catalog: Catalog, name: str, unit: Any) -> tuple[str, str] | None:
    """The commodity a per-piece price of a per-weight commodity is kept under, its own
    series, and its category: 「鸡蛋」 priced 元/个 -> 「鸡蛋(按个)」 in 元/个, 「苹果」 per 箱 ->
    「苹果(按箱)」. None when the unit is a weight, the name is not in the catalog, its unit is
    not a weight, or the currencies differ (those rows stay as they were: converted, or
    unit_mismatch)."""
    if unit is None or unit.is_weight:
        return None
    known = catalog.commodity(name)
    if not known:
        return None
    canonical, category = catalog.commodity_info[known]
    target = parse_unit(canonical)
    if target is None or not target.is_weight or target.currency != unit.currency:
        return None
    return f"{known}(按{unit.canonical.split('/', 1)[-1]})", category


def _per_piece_series(rows: _Rows, units: dict[str, Any], catalog: Catalog) -> None:
    """Rows priced per piece (个, 箱, 袋 with no weight) of a commodity the catalog prices by
    weight move to its per-piece commodity (:func:`per_piece_name`), with its category: never
    converted, never averaged with the weight prices (a series is a commodity)."""
    if all(units.get(u) is None or units[u].is_weight for u in set(rows.unit_text)):
        return  # no unit of a piece: no name to look at (per_piece_name needs one)
    rename = {}
    for name, unit_text in set(zip(rows.commodity, rows.unit_text, strict=True)):
        got = per_piece_name(catalog, name, units.get(unit_text))
        if got is not None:
            rename[(name, unit_text)] = got
    if not rename:
        return
    for i, k in enumerate(zip(rows.commodity, rows.unit_text, strict=True)):
        got = rename.get(k)
        if got is not None:
            rows.commodity[i] = got[0]
            if not rows.raw_category[i]:
                rows.raw_category[i] = got[1]


def _first_rows(values: list[Any]) -> dict[Any, int]:
    """Each distinct value's first position, in the order the values first appear.

    Each first position is after the one before it: every search starts there (one pass of
    ``list.index`` over the column in all, at C speed)."""
    out: dict[Any, int] = {}
    i = 0
    for v in dict.fromkeys(values):
        i = values.index(v, i)
        out[v] = i
    return out


def _accepts(accept: Any, name: str) -> bool:
    if isinstance(accept, bool):
        return accept
    return name in accept


def _resolve(rows: _Rows, units: dict[str, Any], catalog: Catalog, ctx: Context, accept: Any, strict: bool,
             issues: list[Issue], prep: Prepared) -> None:
    """Names -> catalog names (or confirmed new ones), prices -> canonical units, then
    duplicates. Appends to ``issues``; fills ``prep.columns``."""
    sev_unknown = ERROR if strict else WARNING
    _per_piece_series(rows, units, catalog)
    # -- commodities: once per distinct name, in the order they first appear ----------
    # (first row, count) per name, and per (name, unit text) and (name, category) in the
    # order they first appear, by whole-column passes (Counter keeps first-seen order)
    first = _first_rows(rows.commodity)
    count = Counter(rows.commodity)
    com_map: dict[str, str | None] = {}
    name_units: dict[str, dict[str, int]] | None = None
    name_cats: dict[str, dict[str, int]] | None = None
    for name, i0 in first.items():
        known = catalog.commodity(name)
        if known:
            com_map[name] = known
            continue
        if _accepts(accept, name):
            if name_units is None:
                name_units, name_cats = {}, {}
                one_unit = set(rows.unit_text)
                if len(one_unit) == 1 and SHORTCUTS:  # a file in one unit: each name's count is its count in that unit
                    c = units[one_unit.pop()].canonical
                    name_units = {n: {c: k} for n, k in count.items()}
                else:
                    for (n, u), k in Counter(zip(rows.commodity, rows.unit_text, strict=True)).items():
                        canon = name_units.setdefault(n, {})
                        c = units[u].canonical
                        canon[c] = canon.get(c, 0) + k
                for (n, c), k in (Counter(zip(rows.commodity, rows.raw_category, strict=True)).items()
                                  if any(rows.raw_category) else ()):
                    if c:
                        cat_count = name_cats.setdefault(n, {})
                        cat_count[c] = cat_count.get(c, 0) + k
            assert name_cats is not None
            canonical = Counter(name_units[name]).most_common(1)[0][0]
            cats = Counter(name_cats.get(name, {}))
            category = cats.most_common(1)[0][0] if cats else NEW_CATEGORY
            prep.new_commodities[name] = (canonical, category)
            com_map[name] = name
            issues.append(Issue("new_commodity", WARNING, rows.sheet[i0], rows.row[i0], None,
                                {"name": name, "unit": canonical, "category": category, "count": count[name]}))
        else:
            sug = catalog.suggest_commodity(name)
            prep.unknown.setdefault("commodity", []).append(name)
            issues.append(Issue("unknown_commodity", sev_unknown, rows.sheet[i0], rows.row[i0], None, {
                "name": name, "count": count[name], "suggestion": _sug_zh(sug), "suggestion_en": _sug_en(sug),
                "suggestions": sug}))
            com_map[name] = None
    # -- markets: the same -------------------------------------------------------------
    mfirst = _first_rows(rows.market)
    mcount = Counter(rows.market)
    mkt_map: dict[str, str | None] = {}
    for m, i0 in mfirst.items():
        known = catalog.market(m)
        if known:
            mkt_map[m] = known
        elif _accepts(accept, m):
            mkt_map[m] = m
            prep.new_markets[m] = guess_kind(m)   # a person confirms it later (markets set-kind)
            issues.append(Issue("new_market", WARNING, rows.sheet[i0], rows.row[i0], None, {"name": m}))
        else:
            mkt_map[m] = None
            sug = catalog.suggest_market(m)
            prep.unknown.setdefault("market", []).append(m)
            issues.append(Issue("unknown_market", sev_unknown, rows.sheet[i0], rows.row[i0], None, {
                "name": m, "count": mcount[m], "suggestion": _sug_zh(sug), "suggestion_en": _sug_en(sug),
                "suggestions": sug}))
    # -- units: once per (commodity, unit text) -----------------------------------------
    # (commodity, unit text) -> (canonical unit, factor or None when unconvertible, category)
    conv: dict[tuple[str, str], tuple[str, float | None, str]] = {}
    targets: dict[str, Any] = {}

    def convert(cname: str, unit_text: str) -> tuple[str, float | None, str]:
        if cname in prep.new_commodities:
            canonical, category = prep.new_commodities[cname]
        else:
            canonical, category = catalog.commodity_info[cname]
        if canonical not in targets:
            targets[canonical] = parse_unit(canonical)
        target = targets[canonical]
        u = units[unit_text]
        factor: float | None
        if u.canonical == canonical or (u.is_weight and target is not None and target.is_weight):
            factor = u.factor / (target.factor if target and target.is_weight else 1.0)
        elif target is not None and u.canonical == target.canonical:
            factor = u.factor / target.factor
        else:
            factor = None
        return canonical, factor, category

    kinds: dict[str, str] = {}
    out = _empty_columns()
    o_sheet, o_row, o_col, o_date = out["sheet"], out["row"], out["column"], out["obs_date"]
    o_mkt, o_com, o_cat, o_unit = out["market"], out["commodity"], out["category"], out["unit"]
    o_price, o_pt, o_orig, o_ounit, o_spec = (out["price"], out["price_type"], out["orig_price"],
                                              out["orig_unit"], out["spec"])
    mixed: dict[str, list[int]] = {}
    ctx_pt = ctx.price_type
    r_sheet, r_row, r_col, r_date, r_spec, r_pt = rows.sheet, rows.row, rows.column, rows.obs_date, rows.spec, rows.pt
    new_names = prep.new_commodities
    done = SHORTCUTS and _all_convert(rows, com_map, mkt_map, conv, convert, catalog, prep, ctx_pt, out)
    for i, (com, mkt, unit_text, orig) in enumerate(() if done else zip(rows.commodity, rows.market,
                                                                       rows.unit_text, rows.orig_price,
                                                                       strict=True)):
        cname, mname = com_map[com], mkt_map[mkt]
        if cname is None or mname is None:
            continue
        ck = (cname, unit_text)
        got = conv.get(ck)
        if got is None:
            got = conv[ck] = convert(cname, unit_text)
        canonical, factor, category = got
        if factor is None:
            if cname in new_names:
                mixed.setdefault(cname, []).append(i)
            else:
                issues.append(Issue("unit_mismatch", WARNING, r_sheet[i], r_row[i], r_col[i], {
                    "name": cname, "unit": unit_text, "canonical": canonical}))
            continue
        price = orig * factor
        if price > ABSURD_PRICE:
            issues.append(Issue("price_absurd", ERROR, r_sheet[i], r_row[i], r_col[i],
                                {"value": orig, "limit": ABSURD_PRICE}))
            continue
        kind = kinds.get(mname)
        if kind is None:
            kind = kinds[mname] = catalog.market_kind.get(mname, prep.new_markets.get(mname, ""))
        o_sheet.append(r_sheet[i])
        o_row.append(r_row[i])
        o_col.append(r_col[i])
        o_date.append(r_date[i])
        o_mkt.append(mname)
        o_com.append(cname)
        o_cat.append(category)
        o_unit.append(canonical)
        o_price.append(round(price, 6))
        o_pt.append(r_pt[i] or ctx_pt or ("wholesale" if kind == "批发市场" else "retail"))
        o_orig.append(orig)
        o_ounit.append(unit_text)
        o_spec.append(r_spec[i])
    for cname, idx in mixed.items():
        i0 = idx[0]
        used_units = sorted({rows.unit_text[i] for i in idx} | {prep.new_commodities[cname][0]})
        issues.append(Issue("mixed_units", WARNING, rows.sheet[i0], rows.row[i0], rows.column[i0], {
            "name": cname, "units": "、".join(used_units), "canonical": prep.new_commodities[cname][0],
            "count": len(idx)}))
    out = _dedupe(out, issues)
    # a confirmed new name whose rows were all skipped is not added to the catalog
    used = set(out["commodity"])
    prep.new_commodities = {k: v for k, v in prep.new_commodities.items() if k in used}
    used_m = set(out["market"])
    prep.new_markets = {k: v for k, v in prep.new_markets.items() if k in used_m}
    prep.columns = out
    if not out["row"] and not any(i.severity == ERROR for i in issues):
        issues.append(Issue("no_data", ERROR))



def _all_convert(rows: _Rows, com_map: dict[str, str | None], mkt_map: dict[str, str | None],
                 conv: dict[tuple[str, str], tuple[str, float | None, str]],
                 convert: Callable[[str, str], tuple[str, float | None, str]], catalog: Catalog,
                 prep: Prepared, ctx_pt: str | None, out: Columns) -> bool:
    """Fill ``out`` column by column when every row has a known (or accepted) name, a
    convertible unit and a sane price: no row issue, so the row-by-row walk is not needed.
    False (``out`` untouched) otherwise."""
    # each step a map over a whole column (C speed), the names and units looked up and tested
    # per value (the maps hold every distinct name of the rows, and only those)
    if None in com_map.values() or None in mkt_map.values():
        return False
    cn = list(map(com_map.__getitem__, rows.commodity))
    mn = list(map(mkt_map.__getitem__, rows.market))
    one_unit = set(rows.unit_text)
    if len(one_unit) == 1:  # a file in one unit: each name's conversion looked up by name
        u = one_unit.pop()
        by_name = {}
        for k in set(cn):
            if (k, u) not in conv:
                conv[(k, u)] = convert(k, u)
            by_name[k] = conv[(k, u)]
        used = list(by_name.values())
        got = list(map(by_name.__getitem__, cn))
    else:
        keys = list(zip(cn, rows.unit_text, strict=True))
        distinct = set(keys)
        for k in distinct:
            if k not in conv:
                conv[k] = convert(*k)
        used = [conv[k] for k in distinct]
        got = list(map(conv.__getitem__, keys))
    if any(g[1] is None for g in used):
        return False
    price = list(map(operator.mul, rows.orig_price, map(itemgetter(1), got)))
    if price and max(price) > ABSURD_PRICE:
        return False
    kind = {m: catalog.market_kind.get(m, prep.new_markets.get(m, "")) for m in set(mkt_map.values())}
    default = {m: ctx_pt or ("wholesale" if k == "批发市场" else "retail") for m, k in kind.items()}
    out["sheet"], out["row"], out["column"] = list(rows.sheet), list(rows.row), list(rows.column)
    out["obs_date"], out["market"], out["commodity"] = list(rows.obs_date), mn, cn
    out["category"] = list(map(itemgetter(2), got))
    out["unit"] = list(map(itemgetter(0), got))
    # rounded once per distinct price (every price here is a positive number: no NaN, no -0.0)
    rounded = {p: round(p, 6) for p in set(price)}
    out["price"] = list(map(rounded.__getitem__, price))
    out["price_type"] = ([pt or default[m] for pt, m in zip(rows.pt, mn, strict=True)] if any(rows.pt)
                         else list(map(default.__getitem__, mn)))
    out["orig_price"], out["orig_unit"], out["spec"] = list(rows.orig_price), list(rows.unit_text), list(rows.spec)
    return True


def _sug_zh(sug: list[str]) -> str:
    return f"，是否为「{sug[0]}」？" if sug else ""


def _sug_en(sug: list[str]) -> str:
    return f" (did you mean \"{sug[0]}\"?)" if sug else ""


def _dedupe(cols: Columns, issues: list[Issue]) -> Columns:
    """One row per (commodity, market, date, price type): the last one of the file wins.

    Groups in the order their first row appears, the rows of a group in file order."""
    if len(set(zip(cols["commodity"], cols["market"], cols["obs_date"], cols["price_type"], strict=True))) == len(
            cols["row"]):
        return cols
    keys = list(zip(cols["commodity"], cols["market"], cols["obs_date"], cols["price_type"], strict=True))
    groups: dict[tuple, list[int]] = {}
    for i, k in enumerate(keys):
        g = groups.get(k)
        if g is None:
            groups[k] = [i]
        else:
            g.append(i)
    if len(groups) == len(cols["row"]):
        return cols
    drop: set[int] = set()
    price, row, sheet, col, orig = cols["price"], cols["row"], cols["sheet"], cols["column"], cols["orig_price"]
    for idx in groups.values():
        if len(idx) == 1:
            continue
        last = idx[-1]
        for i in idx[:-1]:
            if abs(price[i] - price[last]) < 1e-9:
                issues.append(Issue("duplicate", WARNING, sheet[last], int(row[last]), col[last],
                                    {"other": int(row[i])}))
            else:
                issues.append(Issue("duplicate_conflict", WARNING, sheet[last], int(row[last]), col[last], {
                    "other": int(row[i]), "old": orig[i], "new": orig[last], "row": int(row[last])}))
            drop.add(i)
    keep = [i for i in range(len(row)) if i not in drop]
    return {c: [v[i] for i in keep] for c, v in cols.items()}


def _as_columns(frame: Any) -> Mapping[str, list[Any]]:
    """Columns from a Prepared's columns or a pandas frame of the same names."""
    if isinstance(frame, Mapping):
        return frame
    return {c: frame[c].tolist() for c in frame.columns}


def stored_tuples(recent: Any) -> list[tuple]:
    """Stored prices as (commodity, market, price_type, obs_date, price) tuples."""
    if hasattr(recent, "columns"):  # a pandas frame (tests, older callers)
        if recent.empty:
            return []
        import pandas as pd

        days = pd.to_datetime(recent["obs_date"]).dt.date
        return list(zip(recent["commodity"], recent["market"], recent["price_type"], days, recent["price"],
                        strict=True))
    return [tuple(r) for r in recent]


def history_checks(frame: Any, recent: Any, reported: tuple[date | None, list[str]],
                   jump: float) -> list[Issue]:
    """Warnings against earlier prices: jumps and markets that stopped reporting.

    ``frame``: the prepared rows (:attr:`Prepared.columns`, or a frame of those columns).
    ``recent``: stored current prices (commodity, market, price_type, obs_date, price) from
    before and during the file's dates; a stored price on a date the file also has is the
    value being corrected, not a previous one, so it is left out.

    Each file row is compared with the row before it in its (commodity, market, price type)
    series ordered by date, a stored row before a file row of the same date; the issues come
    in that order.
    """
    cols = _as_columns(frame)
    issues: list[Issue] = []
    if not cols["row"]:
        return issues
    com, mkt, pt, day, price = cols["commodity"], cols["market"], cols["price_type"], cols["obs_date"], cols["price"]
    stored = stored_tuples(recent)
    file_keys = set(zip(com, mkt, pt, day, strict=True)) if stored else set()
    # (commodity, market, price type) -> [(date, source 0 stored / 1 file, position, price)]
    series: dict[tuple, list[tuple]] = {}
    for pos, r in enumerate(stored):
        if (r[0], r[1], r[2], r[3]) not in file_keys:
            k = (r[0], r[1], r[2])
            item = (r[3], 0, pos, r[4])
            got = series.get(k)
            if got is None:
                series[k] = [item]
            else:
                got.append(item)
    for i, k in enumerate(zip(com, mkt, pt, strict=True)):
        item = (day[i], 1, i, price[i])
        got = series.get(k)
        if got is None:
            series[k] = [item]
        else:
            got.append(item)
    for k in sorted(series):  # the order of a stable sort on (key, date, source)
        items = series[k]
        if len(items) < 2:
            continue
        items.sort()  # (date, source, position) is unique: the price is never compared
        for p, it in zip(items, items[1:]):  # noqa: B905 - pairs
            if it[1] != 1:
                continue
            p_date, p_price = p[0], p[3]
            if (it[0] - p_date).days <= JUMP_WINDOW_DAYS:
                change = it[3] / p_price - 1
                if abs(change) > jump:
                    i = it[2]
                    issues.append(Issue("price_jump", WARNING, cols["sheet"][i], int(cols["row"][i]),
                                        cols["column"][i], {
                                            "name": k[0], "market": k[1], "new": round(it[3], 2),
                                            "old": round(p_price, 2), "prev_date": p_date.isoformat(),
                                            "pct": change * 100}))
    prev_date, markets = reported
    if prev_date is not None:
        present = set(mkt)
        for m in markets:
            if m not in present:
                issues.append(Issue("market_not_reported", WARNING, params={
                    "name": m, "prev_date": prev_date.isoformat()}))
    return issues


def _unit_key(text: Any) -> Any:
    """What a unit text means: (canonical unit, factor), or the text when it cannot be read."""
    u = parse_unit(text) if isinstance(text, str) and text else None
    return (u.canonical, round(u.factor, 9)) if u is not None else text


def unit_changes(frame: Any, recent: Any) -> list[Issue]:
    """Rows whose unit differs from the unit of the price before them in their (commodity,
    market, price type) series, where that series has a stored price: 元/斤 last week and
    元/公斤 now, a per-piece or pack unit where a weight was stored. A warning confirmed row by
    row like a price jump (the page asks each such row's reason; ``--confirm-row`` with
    ``--reason``; ``--strict`` refuses it unconfirmed); the first row of the new unit only,
    later rows in that unit follow it.

    ``recent``: stored prices (commodity, market, price_type, obs_date, price, orig_unit); a
    tuple without the unit (or with none) is not compared."""
    cols = _as_columns(frame)
    issues: list[Issue] = []
    stored = [r for r in recent if len(r) > 5 and r[5]]
    if not cols["row"] or not stored:
        return issues
    com, mkt, pt, day, unit = cols["commodity"], cols["market"], cols["price_type"], cols["obs_date"], cols["orig_unit"]
    file_keys = set(zip(com, mkt, pt, day, strict=True))
    series: dict[tuple, list[tuple]] = {}
    for pos, r in enumerate(stored):
        if (r[0], r[1], r[2], r[3]) not in file_keys:  # a value being corrected is not the one before
            series.setdefault((r[0], r[1], r[2]), []).append((r[3], 0, pos, r[5]))
    if not series:
        return issues
    for i, k in enumerate(zip(com, mkt, pt, strict=True)):
        got = series.get(k)
        if got is not None:
            got.append((day[i], 1, i, unit[i]))
    keys: dict[Any, Any] = {}
    for k in sorted(series):
        items = sorted(series[k])
        last = None  # (unit text, its meaning, date) of the price before
        for it in items:
            meaning = keys.get(it[3])
            if meaning is None:
                meaning = keys[it[3]] = _unit_key(it[3])
            if it[1] == 1 and last is not None and meaning != last[1]:
                i = it[2]
                issues.append(Issue("unit_changed", WARNING, cols["sheet"][i], int(cols["row"][i]), cols["column"][i], {
                    "name": k[0], "market": k[1], "unit": it[3], "old_unit": last[0],
                    "prev_date": last[2].isoformat()}))
            last = (it[3], meaning, it[0])
    issues.sort(key=lambda x: (str(x.sheet), x.row or 0))
    return issues


def window(frame: Any) -> tuple[date, date]:
    days = _as_columns(frame)["obs_date"]
    return min(days) - timedelta(days=JUMP_WINDOW_DAYS), max(days)
